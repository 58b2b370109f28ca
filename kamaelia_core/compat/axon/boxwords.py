"""Axon's box keyword: ``send(msg, boxname="signal")``, ``recv(boxname=...)``, ``dataReady(...)``.

Axon names the box argument ``boxname``; kamaelia_core names it ``outbox``/``inbox``. Axon's
classes take both keywords (positional use is the same) on top of whichever implementation they
inherit: a plain component's, or a threaded component's thread-side queues.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Send = Callable[..., None]


def box_keywords(base: type) -> tuple[Send, Callable[..., Any], Callable[..., int]]:
    """``send``, ``recv`` and ``dataReady`` taking ``boxname=``, calling ``base``'s own."""
    base_send, base_recv, base_ready = base.send, base.recv, base.dataReady  # type: ignore[attr-defined]

    def send(
        self: Any, message: Any, boxname: str = "outbox", *, outbox: str | None = None
    ) -> None:
        """Send ``message`` on ``boxname`` (Axon's keyword; ``outbox=`` works too)."""
        base_send(self, message, boxname if outbox is None else outbox)

    def recv(self: Any, boxname: str = "inbox", *, inbox: str | None = None) -> Any:
        """Take the oldest message from ``boxname`` (Axon's keyword; ``inbox=`` works too)."""
        return base_recv(self, boxname if inbox is None else inbox)

    def dataReady(self: Any, boxname: str = "inbox", *, inbox: str | None = None) -> int:
        """How many messages wait in ``boxname`` (Axon's keyword; ``inbox=`` works too)."""
        return base_ready(self, boxname if inbox is None else inbox)

    return send, recv, dataReady


__all__ = ["box_keywords"]
