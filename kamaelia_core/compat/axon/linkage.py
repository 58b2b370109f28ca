"""Axon.Linkage on kamaelia_core: Axon's ``linkage`` is a kamaelia_core linkage.

``component.link`` (and ``postoffice.link``) make and connect linkages; a ``linkage`` made
directly, as in Axon, describes a link that ``connect()`` (or a postoffice) makes real.
"""

from __future__ import annotations

from typing import Any

from kamaelia_core.linkage import Linkage


class linkage(Linkage):
    """A link from ``(source, sourcebox)`` to ``(sink, sinkbox)``, not yet connected.

    Args:
        source: The component on the sending side.
        sink: The component on the receiving side.
        sourcebox: Box name on the source.
        sinkbox: Box name on the sink.
        passthrough: 0 outbox to inbox, 1 inbox to inbox, 2 outbox to outbox.
        pipewidth: Limit the sink box to this many messages.
        synchronous: Limit the sink box to one message (when no pipewidth).
    """

    __slots__ = ()

    def __init__(
        self,
        source: Any,
        sink: Any,
        sourcebox: str = "outbox",
        sinkbox: str = "inbox",
        passthrough: int = 0,
        pipewidth: int | None = None,
        synchronous: bool | None = None,
    ) -> None:
        super().__init__(source, sink, sourcebox, sinkbox, passthrough)
        if pipewidth is not None:
            self.sink_box.size = pipewidth
        elif synchronous is not None:
            self.sink_box.size = 1

    def __str__(self) -> str:
        return (
            f"Link( source:[{self.source.name},{self.sourcebox}], "
            f"sink:[{self.sink.name},{self.sinkbox}] )"
        )

    def short_str(self) -> str:
        """``(source,box):(sink,box)``."""
        return f"({self.source.name},{self.sourcebox}):({self.sink.name},{self.sinkbox})"

    def setShowTransit(self, showtransit: bool, tag: Any) -> None:
        """Accepted for Axon programs; attach a tap (or the workbench) to watch deliveries."""


__all__ = ["linkage"]
