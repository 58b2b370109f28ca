"""Observer lists: how the Graph, the CommandStack and the runtime's EventStream tell their
watchers about changes, and detach a watcher that fails instead of letting it break them.

A detached watcher is never a silent event: it is logged at ERROR (with its traceback), and the
owner's detach handlers (:meth:`Observers.on_detached`) are told, so a window can show that a
view of the document stopped following it.
"""

from __future__ import annotations

import logging
import reprlib
from collections.abc import Callable
from typing import Any, Generic, ParamSpec

P = ParamSpec("P")

logger = logging.getLogger(__name__)

DetachHandler = Callable[[Callable[..., object], Exception], object]
"""``handler(callback, exc)``: called after ``callback`` raised ``exc`` and was detached."""


def callback_name(callback: Callable[..., Any]) -> str:
    """A short readable name for a callback: ``GraphScene._on_event``, ``show``, ``<lambda>``."""
    owner = getattr(callback, "__self__", None)
    func = getattr(callback, "__func__", callback)
    name = getattr(func, "__name__", None)
    if owner is not None and name is not None:
        return f"{type(owner).__name__}.{name}"
    qualname = getattr(callback, "__qualname__", None)
    return qualname if isinstance(qualname, str) else reprlib.repr(callback)


class Observers(Generic[P]):
    """Callbacks called in subscription order with the same arguments.

    A callback is foreign code: one that raises is logged (with ``what`` and the first argument)
    and detached, the detach handlers are told, and the other callbacks are still called.

    Args:
        what: How a callback is named in the log, e.g. "graph observer".
    """

    def __init__(self, what: str) -> None:
        self.what = what
        self._callbacks: list[Callable[P, object]] = []
        self._detach_handlers: list[DetachHandler] = []

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

    def on_detached(self, handler: DetachHandler) -> Callable[[], None]:
        """Call ``handler(callback, exc)`` whenever a failing callback is detached.

        A handler that raises is logged and removed in turn. Returns a function that removes
        the handler.
        """
        self._detach_handlers.append(handler)

        def remove() -> None:
            if handler in self._detach_handlers:
                self._detach_handlers.remove(handler)

        return remove

    def notify(self, *args: P.args, **kwargs: P.kwargs) -> None:
        """Call every callback (those subscribed when the call starts) with the arguments."""
        for callback in list(self._callbacks):
            try:
                callback(*args, **kwargs)
            except Exception as exc:  # foreign code: log it, detach it, tell, go on
                about = reprlib.repr(args[0]) if args else "()"
                logger.exception(
                    "%s %s failed on %s; detached", self.what, callback_name(callback), about
                )
                self.discard(callback)
                self._detached(callback, exc)

    def _detached(self, callback: Callable[..., object], exc: Exception) -> None:
        for handler in list(self._detach_handlers):
            try:
                handler(callback, exc)
            except Exception:  # a handler is foreign code too: it must not hide the first error
                logger.exception(
                    "%s detach handler %s failed; removed", self.what, callback_name(handler)
                )
                if handler in self._detach_handlers:
                    self._detach_handlers.remove(handler)
