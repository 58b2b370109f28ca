"""Graphline: wires named components as a mapping of box-to-box links says, and runs them.

A name that is not one of the components ("self" or "" by convention) means the graphline itself:
a link from it leads an outer inbox into a child, a link to it leads a child's outbox out; a box
of the graphline's that a linkage names and that it does not have is made for this graphline
(the class's declaration is left alone). Control
messages reaching an unlinked ``control`` are passed to every child whose control nobody feeds, and
when all children have ended the graphline says so on ``signal``.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, ClassVar

from kamaelia_core.component import Component
from kamaelia_core.errors import BadInbox, GraphlineLinkagesMissing
from kamaelia_core.ipc import producerFinished, shutdownMicroprocess
from kamaelia_core.linkage import Box

Endpoint = tuple[str, str]


class Graphline(Component):
    """Run named ``components`` wired by ``linkages``.

    Args:
        linkages: ``{("source name", "outbox"): ("sink name", "inbox"), ...}``.
        **components: The children by name.

    Raises:
        GraphlineLinkagesMissing: ``linkages`` was not given (both a TypeError and a ValueError).
        BadInbox: A linkage names a box a child does not have.
    """

    Inboxes: ClassVar[dict[str, str]] = {
        "inbox": "Data for whichever child is linked from the graphline's inbox",
        "control": "Shutdown messages; passed to the children when not linked",
    }
    Outboxes: ClassVar[dict[str, str]] = {
        "outbox": "Data from whichever child is linked to the graphline's outbox",
        "signal": "Says the graphline has finished, unless a child's box is linked here",
    }
    Category: ClassVar[str | None] = "Chassis"
    ContainerKind: ClassVar[str | None] = "graphline"

    def __init__(
        self, linkages: dict[Endpoint, Endpoint] | None = None, **components: Component
    ) -> None:
        if linkages is None:
            raise GraphlineLinkagesMissing("Graphline needs linkages={(src, box): (dst, box)}")
        super().__init__()
        for name, comp in components.items():
            if not isinstance(comp, Component):
                raise TypeError(f"Graphline child {name!r} is not a component: {comp!r}")
        self.layout = dict(linkages)
        self.components = dict(components)
        self._check_linkages()
        # Wired at construction so messages sent before its first slice already flow.
        self._relay_to = self._wire()

    def _resolve(self, name: str) -> Component:
        return self.components.get(name, self)

    def _check_linkages(self) -> None:
        for (src_name, src_box), (dst_name, dst_box) in self.layout.items():
            src, dst = self._resolve(src_name), self._resolve(dst_name)
            if src is not self and src_box not in src.outboxes:
                raise BadInbox(f"Graphline linkage source {src_name}.{src_box}: no such box")
            if dst is not self and dst_box not in dst.inboxes:
                raise BadInbox(f"Graphline linkage sink {dst_name}.{dst_box}: no such box")
            # the graphline's own boxes that the linkages name come into being
            if src is self and src_box not in self.inboxes:
                self.inboxes[src_box] = Box(self, src_box, True)
            if dst is self and dst_box not in self.outboxes:
                self.outboxes[dst_box] = Box(self, dst_box, False)

    def _wire(self) -> list[Component]:
        """Make the links; return the children whose control nobody feeds."""
        fed_controls = set()
        for (src_name, src_box), (dst_name, dst_box) in self.layout.items():
            src, dst = self._resolve(src_name), self._resolve(dst_name)
            passthrough = 1 if src is self else 2 if dst is self else 0
            self.link((src, src_box), (dst, dst_box), passthrough=passthrough)
            if dst is not self and dst_box == "control":
                fed_controls.add(dst.cid)
        unfed = [c for c in self.components.values() if c.cid not in fed_controls]
        if ("self", "control") in self.layout or ("", "control") in self.layout:
            return []
        for child in unfed:
            name = f"_control_to_{child.name}"
            self.outboxes[name] = Box(self, name, False)
            self.link((self, name), (child, "control"))
        return unfed

    def _signal_linked(self) -> bool:
        return any(
            dst_name not in self.components and dst_box == "signal"
            for dst_name, dst_box in self.layout.values()
        )

    def main(self) -> Generator[Any, None, None]:
        """Wire and start the children, relay control, then report the end on signal."""
        relay_to = self._relay_to
        children = list(self.components.values())
        self.addChildren(*children)
        last_control: Any = None
        try:
            for comp in children:
                comp.activate(self.scheduler)
            yield 1
            while True:
                while self.dataReady("control"):
                    last_control = self.recv("control")
                    for child in relay_to:
                        if not child._isStopped():
                            self.send(last_control, f"_control_to_{child.name}")
                if all(c._isStopped() for c in children):
                    break
                self.pause()
                yield 1
        finally:
            for comp in children:
                if not comp._isStopped():
                    comp.stop()
                self.removeChild(comp)
        if not self._signal_linked():
            if isinstance(last_control, (producerFinished, shutdownMicroprocess)):
                self.send(last_control, "signal")
            else:
                self.send(producerFinished(self), "signal")


graphline = Graphline

__kamaelia_components__ = (Graphline,)
