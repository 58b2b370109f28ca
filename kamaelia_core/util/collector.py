"""Collectors: the end of a pipeline that keeps everything it receives, for tests and views."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from kamaelia_core.component import Component


class Collector(Component):
    """Keeps every message that reaches its inbox in ``collected``.

    It ends when a producerFinished or shutdownMicroprocess arrives on control (after taking
    what was already waiting), passing that message on through signal.

    Attributes:
        collected: The messages received, oldest first.
    """

    Inboxes = {
        "inbox": "Messages to keep",
        "control": "producerFinished or shutdownMicroprocess: finish and pass it on",
    }
    Outboxes = {
        "outbox": "Unused",
        "signal": "The shutdown message received on control, passed on",
    }

    def __init__(self) -> None:
        super().__init__()
        self.collected: list[Any] = []

    def __repr__(self) -> str:
        return f"<{self.name} {self.state} collected={len(self.collected)}>"

    def main(self) -> Generator[Any, None, None]:
        """Move arrivals into ``collected``; end on a shutdown message."""
        inbox = self.inboxes["inbox"]
        keep = self.collected.append
        while True:
            while inbox.storage:
                keep(inbox.pop())
            if self.pass_on_ending():
                return
            self.pause()
            yield 1


__kamaelia_components__ = (Collector,)
