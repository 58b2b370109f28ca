"""What the live model is made of: one live component (``LiveEntity``), a batch's ``Changes``.

Sits under ``workbench.runtime.live_model``, which fills them from event batches, and above
every live view, which reads them: plain records, and the rules that tell from a ``spawned``
event's fields what sort of component it describes (``kind_of``, ``container_kind``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kamaelia_core.instrument import Event

LinkKey = tuple[int, str, int, str]
"""(source cid, source box, sink cid, sink box) of one linkage."""


@dataclass(eq=False)
class LiveEntity:
    """One live (or recently ended) component, as the events describe it.

    Attributes:
        cid: Its id (unique in the program).
        name: "Echo#12".
        cls: Dotted class path.
        kind: "service", "connection" (a CSA), "handler" (a per-connection protocol handler),
            "server" (a TCPServer), "chassis" (Pipeline, Graphline, ServerCore...), "plain".
        placement: "design" (built from a design node), "instance" (a per-connection copy of a
            template node), "spawned" (made at run time by a design node's component), "service"
            (made behind the scenes, registered with the CAT) or "undeclared" (no graph knows it).
        design_id: The design node it is drawn by or belongs to (None for services and for
            undeclared components until a program graph gives them a node).
        parent: Its parent's cid, or None.
        inboxes: Box names, in declaration order (boxes added at run time appended).
        outboxes: Likewise.
        declared_outboxes: How many outboxes it had when spawned (the rest are dynamic).
        peer: "host:port" of a connection's remote end (a handler gets its connection's).
        listening: "host:port" a server listens on.
        partner: For a connection, its handler's cid; for a handler, its connection's.
        member_of: For a component inside a connection's row (a child of a per-connection
            handler, e.g. the Pipeline a Graphline handler is made of), the cid of the handler
            or connection whose card stands for it; else None.
        state: "running", "waiting", "finished" or "crashed".
        closing: A connection (or its handler) announced closing, or it ended.
        traceback: The crash traceback, or "".
        spawned_t: Event time it appeared; ended_t: when it ended, or None.
        depths: Messages waiting per inbox (from ``sampled`` events); limits: size limits.
        details: The ``spawned`` event's extra, as received.
    """

    cid: int
    name: str
    cls: str
    kind: str
    placement: str = "undeclared"
    design_id: str | None = None
    parent: int | None = None
    inboxes: list[str] = field(default_factory=list)
    outboxes: list[str] = field(default_factory=list)
    declared_outboxes: int = 0
    peer: str = ""
    listening: str = ""
    partner: int | None = None
    member_of: int | None = None
    state: str = "running"
    closing: bool = False
    traceback: str = ""
    spawned_t: float = 0.0
    ended_t: float | None = None
    depths: dict[str, int] = field(default_factory=dict)
    limits: dict[str, int] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ended(self) -> bool:
        """Whether it has finished or crashed."""
        return self.ended_t is not None

    @property
    def has_node(self) -> bool:
        """Whether a node of the drawing is this component's own card: a design node built
        for it, or a program graph's node for an undeclared one."""
        return self.placement == "design" or (
            self.placement == "undeclared" and self.design_id is not None
        )

    @property
    def class_name(self) -> str:
        """The bare class name ("ConnectedSocketAdapter")."""
        return self.cls.rsplit(".", 1)[-1]

    @property
    def dynamic_outboxes(self) -> int:
        """Outboxes added at run time (a Selector's one per registered socket)."""
        return max(0, len(self.outboxes) - self.declared_outboxes)


@dataclass
class Changes:
    """What one applied batch changed, in past tense (each list in event order)."""

    entity_added: list[LiveEntity] = field(default_factory=list)
    entity_ended: list[LiveEntity] = field(default_factory=list)
    connection_closing: list[LiveEntity] = field(default_factory=list)
    """Connections and handlers that started closing (drawn dimmed until they end)."""
    state_changed: dict[int, str] = field(default_factory=dict)
    """cid -> "running"/"waiting" for live entities whose sleep state flipped."""
    link_added: list[tuple[LinkKey, int]] = field(default_factory=list)
    """(linkage, passthrough)."""
    link_removed: list[LinkKey] = field(default_factory=list)
    boxes_changed: list[LiveEntity] = field(default_factory=list)
    depths_changed: bool = False
    delivered: list[tuple[Event, list[LinkKey]]] = field(default_factory=list)
    """``delivered`` and ``counted`` events (a ``counted`` one stands for ``extra["n"]``), each
    with the linkages it crossed, as they stood when it was made (see ``LiveModel.route``)."""
    events: int = 0

    def __bool__(self) -> bool:
        return bool(
            self.events
            or self.entity_added
            or self.entity_ended
            or self.connection_closing
            or self.state_changed
            or self.link_added
            or self.link_removed
            or self.boxes_changed
            or self.depths_changed
            or self.delivered
        )


def kind_of(extra: dict[str, Any]) -> str:
    """What sort of component a ``spawned`` event describes (see ``LiveEntity.kind``)."""
    if extra.get("service"):
        return "service"
    if "peer" in extra:
        return "connection"
    if "connection" in extra or "instance_of" in extra:
        return "handler"
    if container_kind(extra):
        return "chassis"
    if "listening" in extra:
        return "server"
    return "plain"


KNOWN_CONTAINERS = {
    "kamaelia_core.chassis.pipeline.Pipeline": "pipeline",
    "kamaelia_core.chassis.graphline.Graphline": "graphline",
    "kamaelia_core.net.servers.ServerCore": "servercore",
    "kamaelia_core.net.servers.SimpleServer": "servercore",
    "kamaelia_core.net.servers.MoreComplexServer": "servercore",
    "kamaelia_core.net.servers.FastRestartServer": "servercore",
    "kamaelia_core.net.servers.SingleServer": "servercore",
}
"""Chassis whose class does not declare ``ContainerKind`` (their frame holds their children)."""


def container_kind(extra: dict[str, Any]) -> str | None:
    """ "pipeline", "graphline", "servercore" or None for the component a ``spawned`` describes."""
    declared = extra.get("container")
    if isinstance(declared, str):
        return declared
    return KNOWN_CONTAINERS.get(extra.get("cls", ""))
