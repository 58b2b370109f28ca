"""Seq: runs components one after another, each in turn wired to the Seq's own inbox and outbox.

Data flow: while a child runs, the Seq's inbox passes through to it and its outbox comes out of
the Seq's; when it ends the next one takes its place. Text items in the sequence are written to
standard output as the sequence reaches them (Kamaelia's way of labelling the steps of a demo).
"""

from __future__ import annotations

import sys
from collections.abc import Generator
from typing import Any, ClassVar

from kamaelia_core.component import Component
from kamaelia_core.ipc import producerFinished, shutdownMicroprocess


class Seq(Component):
    """Run ``sequence`` in order: each component until it ends, then the next.

    A shutdownMicroprocess on control stops the running child and ends the Seq (passed on
    through signal); otherwise the Seq sends producerFinished on signal after the last one.

    Args:
        *sequence: Components (run in turn) and strings (written to standard output).

    Raises:
        TypeError: An item is neither a component nor a string.
    """

    Inboxes: ClassVar[dict[str, str]] = {
        "inbox": "Passed through to the running child's inbox",
        "control": "shutdownMicroprocess: stop the running child and end",
    }
    Outboxes: ClassVar[dict[str, str]] = {
        "outbox": "The running child's outbox",
        "signal": "producerFinished after the last child (or the shutdown, passed on)",
    }
    Category: ClassVar[str | None] = "Chassis"

    def __init__(self, *sequence: Component | str) -> None:
        super().__init__()
        for index, item in enumerate(sequence):
            if not isinstance(item, (Component, str)):
                raise TypeError(f"Seq item {index} is neither a component nor a string: {item!r}")
        self.sequence = list(sequence)
        self.current: Component | None = None

    def __repr__(self) -> str:
        now = self.current.name if self.current is not None else "-"
        return f"<{self.name} {self.state} running={now}>"

    def main(self) -> Generator[Any, None, None]:
        """Run each item in turn."""
        control = self.inboxes["control"]
        for item in self.sequence:
            if isinstance(item, str):
                sys.stdout.write(item + "\n")
                sys.stdout.flush()
                continue
            self.current = child = item
            self.addChildren(child)
            waiting = list(self.Inbox("inbox"))  # arrived between children: the new one gets them
            links = [
                self.link((child, "outbox"), (self, "outbox"), passthrough=2),
                self.link((self, "inbox"), (child, "inbox"), passthrough=1),
            ]
            inbox = self.inboxes["inbox"]
            for message in waiting:
                inbox.target.put(message, inbox.route)
            child.activate(self.scheduler)
            try:
                while not child._isStopped():
                    while control.storage:
                        message = control.pop()
                        if isinstance(message, shutdownMicroprocess):
                            child.stop()
                            self.send(message, "signal")
                            return
                    self.pause()
                    yield 1
            finally:
                for linkage in links:
                    self.unlink(thelinkage=linkage)
                self.removeChild(child)
                self.current = None
        self.send(producerFinished(self), "signal")


__kamaelia_components__ = (Seq,)
