"""Transformers: sit in a pipeline and turn each message into another (or into nothing)."""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

from kamaelia_core.component import ENDINGS, Component

__all__ = ["ENDINGS", "PureTransformer"]


class PureTransformer(Component):
    """Applies a function to every message; results that are None are dropped.

    A producerFinished or shutdownMicroprocess on control ends it after the waiting messages
    are transformed, and is passed on through signal.

    Args:
        function: Called with each message; its result is sent on outbox unless it is None.
            Without one, subclasses override ``processMessage``.
    """

    Inboxes = {
        "inbox": "Messages to transform",
        "control": "producerFinished or shutdownMicroprocess: finish and pass it on",
    }
    Outboxes = {
        "outbox": "The transformed messages (None results are dropped)",
        "signal": "The shutdown message received on control, passed on",
    }

    def __init__(self, function: Callable[[Any], Any] | None = None) -> None:
        super().__init__()
        if function is not None:
            # Kamaelia's PureTransformer(function): the function takes the method's place
            self.processMessage = function  # type: ignore[method-assign]

    def __repr__(self) -> str:
        func = getattr(self.processMessage, "__name__", type(self.processMessage).__name__)
        return f"<{self.name} {self.state} function={func}>"

    def processMessage(self, msg: Any, /) -> Any:
        """Transform one message (the default drops everything)."""
        return None

    def main(self) -> Generator[Any, None, None]:
        """Transform whatever waits, then sleep until more arrives."""
        inbox = self.inboxes["inbox"]
        while True:
            while inbox.storage:
                result = self.processMessage(inbox.pop())
                if result is not None:
                    self.send(result, "outbox")
            if self.pass_on_ending():
                return
            self.pause()
            yield 1


__kamaelia_components__ = (PureTransformer,)
