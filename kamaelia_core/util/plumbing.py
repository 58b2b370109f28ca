"""Plumbing: a stage that passes everything on unchanged, and a sink that swallows everything.

``PassThrough`` sits anywhere in a pipeline (inbox to outbox, control to signal); ``NullSink``
ends one, taking what it is given and keeping nothing.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from typing import Any

from kamaelia_core.component import Component
from kamaelia_core.ipc import producerFinished, shutdownMicroprocess


class PassThrough(Component):
    """Passes inbox to outbox and control to signal, unchanged, in the order they arrive.

    It ends after passing on a control message of one of the ``shutdownOn`` types.

    Args:
        shutdownOn: Message classes that end it (default: producerFinished and
            shutdownMicroprocess).
    """

    Inboxes = {
        "inbox": "Messages to pass on",
        "control": "Control messages to pass on; a shutdownOn one ends it",
    }
    Outboxes = {
        "outbox": "The inbox messages, unchanged",
        "signal": "The control messages, unchanged",
    }

    def __init__(
        self, shutdownOn: Iterable[type] = (producerFinished, shutdownMicroprocess)
    ) -> None:
        super().__init__()
        self.shutdownOn = tuple(shutdownOn)

    def main(self) -> Generator[Any, None, None]:
        """Pass on what waits; end after a shutdownOn message."""
        inbox = self.inboxes["inbox"]
        control = self.inboxes["control"]
        while True:
            while inbox.storage:
                self.send(inbox.pop(), "outbox")
            while control.storage:
                message = control.pop()
                self.send(message, "signal")
                if isinstance(message, self.shutdownOn):
                    return
            self.pause()
            yield 1


class NullSink(Component):
    """Takes every message from inbox and keeps nothing; a producerFinished or
    shutdownMicroprocess on control ends it (passed on through signal)."""

    Inboxes = {
        "inbox": "Anything: discarded",
        "control": "producerFinished or shutdownMicroprocess: end and pass it on",
    }
    Outboxes = {
        "outbox": "Unused",
        "signal": "The shutdown message received on control, passed on",
    }

    def __init__(self) -> None:
        super().__init__()
        self.swallowed = 0

    def __repr__(self) -> str:
        return f"<{self.name} {self.state} swallowed={self.swallowed}>"

    def main(self) -> Generator[Any, None, None]:
        """Empty the inbox whenever woken."""
        inbox = self.inboxes["inbox"]
        while True:
            while inbox.storage:
                inbox.pop()  # pop, not clear: a sender blocked on a size limit is woken
                self.swallowed += 1
            if self.pass_on_ending():
                return
            self.pause()
            yield 1


__kamaelia_components__ = (PassThrough, NullSink)
