"""Echo: a protocol handler (or pipeline stage) that sends back everything it receives."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from kamaelia_core import ipc
from kamaelia_core.component import Component


class Echo(Component):
    """Passes every message from ``inbox`` to ``outbox`` unchanged.

    It ends when ``producerFinished`` or ``shutdownMicroprocess`` (``socketShutdown`` included)
    arrives on ``control``, after passing on what was already waiting, and forwards that message
    on ``signal``. Used with ServerCore it is an echo server.

    Args:
        **argd: Accepted and kept as attributes (ServerCore passes ``peer``, ``peerport``,
            ``localip`` and ``localport``).
    """

    Inboxes = {
        "inbox": "Anything: sent straight back out",
        "control": "producerFinished or shutdownMicroprocess: finish and pass it on",
    }
    Outboxes = {
        "outbox": "Everything received on inbox",
        "signal": "The shutdown message received on control, passed on",
    }
    Category = "Util"

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)

    def main(self) -> Generator[int, None, None]:
        """Forward inbox to outbox until told to finish."""
        inbox = self.inboxes["inbox"]
        control = self.inboxes["control"]
        send = self.send
        while True:
            while inbox.storage:
                send(inbox.pop(), "outbox")
            if control.storage:
                message = control.pop()
                if isinstance(message, (ipc.producerFinished, ipc.shutdownMicroprocess)):
                    self.send(message, "signal")
                    return
                continue
            self.pause()
            yield 1


echo = Echo

__kamaelia_components__ = (Echo,)
