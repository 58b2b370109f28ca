"""Observer lists: how the Graph, the CommandStack and the runtime's EventStream tell their
watchers about changes, and detach a watcher that fails instead of letting it break them."""

from __future__ import annotations

import logging
import reprlib
from collections.abc import Callable
from typing import Generic, ParamSpec

P = ParamSpec("P")

logger = logging.getLogger(__name__)


class Observers(Generic[P]):
    """Callbacks called in subscription order with the same arguments.

    A callback is foreign code: one that raises is logged (with ``what`` and the first argument)
    and detached, and the others are still called.

    Args:
        what: How a callback is named in the log, e.g. "graph observer".
    """

    def __init__(self, what: str) -> None:
        self.what = what
        self._callbacks: list[Callable[P, object]] = []

    def __repr__(self) -> str:
        return f"<Observers {self.what} x{len(self._callbacks)}>"

    def __len__(self) -> int:
        return len(self._callbacks)

    def subscribe(self, callback: Callable[P, object]) -> Callable[[], None]:
        """Add ``callback``; returns a function that removes it again."""
        self._callbacks.append(callback)

        def unsubscribe() -> None:
            self.discard(callback)

        return unsubscribe

    def discard(self, callback: Callable[P, object]) -> None:
        """Remove ``callback`` if it is subscribed."""
        if callback in self._callbacks:
            self._callbacks.remove(callback)

    def notify(self, *args: P.args, **kwargs: P.kwargs) -> None:
        """Call every callback (those subscribed when the call starts) with the arguments."""
        for callback in list(self._callbacks):
            try:
                callback(*args, **kwargs)
            except Exception:  # foreign code: log it, detach it, go on
                about = reprlib.repr(args[0]) if args else "()"
                logger.exception("%s %r failed on %s; detached", self.what, callback, about)
                self.discard(callback)
