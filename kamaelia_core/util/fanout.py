"""Fan-out: one message in, a copy out of each of many named outboxes (Kamaelia's ``Fanout``).

A consumer that does not keep up is handled by the fan-out policy of ``kamaelia_core.fanout``
(``Overflow``), shared with ``PlugSplitter`` and ``Backplane``: its oldest waiting messages are
dropped, or with ``"disconnect"`` it is sent nothing more. The Fanout never crashes on a full
inbox, a slow consumer never makes memory grow without bound, and the others are not slowed down.
"""

from __future__ import annotations

import logging
from collections.abc import Generator, Iterable
from typing import Any

from kamaelia_core.component import Component
from kamaelia_core.fanout import Overflow
from kamaelia_core.linkage import Box

log = logging.getLogger(__name__)


class Fanout(Component):
    """Sends a copy of every message on ``inbox`` out of each named outbox.

    A producerFinished or shutdownMicroprocess on control ends it after the waiting messages
    are sent, and is passed on through signal. A consumer that does not keep up is handled by
    the fan-out policy (see ``Overflow``): by default only a full size-limited inbox overflows,
    and its oldest messages are dropped instead of the Fanout crashing.

    Args:
        boxnames: Names of the outboxes to copy to (they are added to this instance).
        max_backlog: Most messages left waiting in one consumer's inbox (None: no bound).
        on_overflow: ``"drop"`` (the oldest waiting) or ``"disconnect"`` (stop sending there).
    """

    Inboxes = {
        "inbox": "Messages to copy to every named outbox",
        "control": "producerFinished or shutdownMicroprocess: finish and pass it on",
    }
    Outboxes = {
        "outbox": "Unused (the copies leave by the named outboxes)",
        "signal": "The shutdown message received on control, passed on",
    }

    def __init__(
        self,
        boxnames: Iterable[str] = (),
        max_backlog: int | None = None,
        on_overflow: str = "drop",
    ) -> None:
        super().__init__()
        self.boxnames = [str(name) for name in boxnames]
        for name in self.boxnames:
            if name in self.outboxes:
                raise ValueError(f"Fanout outbox {name!r} clashes with a standard box")
            self.outboxes[name] = Box(self, name, False)
        self.overflow = Overflow(self, max_backlog, on_overflow)
        self.cut: set[str] = set()
        """Named outboxes no longer sent to (their consumer overflowed, policy "disconnect")."""

    def __repr__(self) -> str:
        return f"<{self.name} {self.state} to={self.boxnames} dropped={self.overflow.dropped}>"

    def main(self) -> Generator[Any, None, None]:
        """Copy whatever waits to every named outbox; sleep until more arrives."""
        inbox = self.inboxes["inbox"]
        offer = self.overflow.offer
        outboxes = self.outboxes
        while True:
            for _ in range(self.overflow.batch):
                if not inbox.storage:
                    break
                message = inbox.pop()
                for name in self.boxnames:
                    if name not in self.cut and offer(outboxes[name], message) is not None:
                        self.cut.add(name)
                        log.warning(
                            "%s: stopped sending on %s (consumer too slow)", self.name, name
                        )
            if inbox.storage:
                yield 1  # more to copy: the consumers take this batch first
                continue
            if self.pass_on_ending():
                return
            self.pause()
            yield 1


__kamaelia_components__ = (Fanout,)
