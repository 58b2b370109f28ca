"""FortuneCookieProtocol: a one-shot protocol handler that answers a connection with a saying.

Used with ServerCore (or SingleServer) it is the classic "fortune" server: a client connects,
receives one cookie, and the connection is closed once the cookie has been written.
"""

from __future__ import annotations

import random
from collections.abc import Generator, Sequence
from typing import Any

from kamaelia_core.component import Component
from kamaelia_core.ipc import producerFinished

COOKIES = (
    "A component that pauses is a component that waits well.\n",
    "Every message finds its inbox, in the end.\n",
    "Link once, send many times.\n",
    "The shortest pipeline is still a pipeline.\n",
    "Today a producerFinished; tomorrow a new connection.\n",
    "Nothing is polled that could be woken.\n",
    "Two small components beat one large one.\n",
    "What you send on signal, someone downstream will read on control.\n",
)
"""The cookies served when none are given."""


class FortuneCookieProtocol(Component):
    """Sends one fortune cookie on outbox, then producerFinished on signal, and ends.

    Args:
        cookies: The sayings to choose from (default: ``COOKIES``).
        **argd: Accepted and kept as attributes (ServerCore passes ``peer``, ``peerport``,
            ``localip`` and ``localport``).
    """

    Inboxes = {
        "inbox": "Whatever the client sends (ignored)",
        "control": "Unused (the handler ends by itself)",
    }
    Outboxes = {
        "outbox": "One cookie (text)",
        "signal": "producerFinished once the cookie is sent: the connection closes",
    }
    Category = "Util"

    def __init__(self, cookies: Sequence[str] | None = None, **argd: Any) -> None:
        super().__init__(**argd)
        self.cookies = tuple(COOKIES if cookies is None else cookies)
        if not self.cookies:
            raise ValueError("FortuneCookieProtocol needs at least one cookie")

    def main(self) -> Generator[Any, None, None]:
        """Send a cookie and finish."""
        self.send(random.choice(self.cookies), "outbox")
        yield 1
        self.send(producerFinished(self), "signal")


__kamaelia_components__ = (FortuneCookieProtocol,)
