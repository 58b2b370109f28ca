"""Draws a program no graph declared: a graph document grown from its live components' events.

Sits between the LiveModel and the window's graph when the workbench watches a Python program
(in a child process, or attached to). The model asks it to place each *undeclared* component: it
gives it a node of its own (its design id) and, once the batch is applied, adds the nodes to the
graph document (a Pipeline or Graphline as a group frame with its children inside, a ServerCore
as a frame whose TCPServer, connections and handlers the live view then lays out in rows), adds
the links between them, and lays them out left to right by their links. What a server spawns at
run time (its CSAs and handlers) gets no node: the live view draws those as rows. Classes the
catalog does not know (the program's own) are drawn from the boxes their events list.
"""

from __future__ import annotations

import logging

from workbench.model.catalog import Catalog, ComponentSpec
from workbench.model.graph import Graph, GraphError
from workbench.model.layout import auto_layout
from workbench.runtime.live_model import Changes, LinkKey, LiveEntity, container_kind

log = logging.getLogger(__name__)

CARD_W = 250.0
HEADER_H, ROW_H = 46.0, 18.0
GROWER_W = 1100.0
"""Room a server's frame takes once it holds rows (TCPServer, connections, handlers)."""
BELOW_GAP = 80.0
"""Space between what is laid out and nodes that arrive once servers have rows."""


class ProgramGraph:
    """Grows ``graph`` from a program's undeclared components.

    Use ``undeclared`` as the LiveModel's callback and subscribe ``on_changes`` to the model
    *before* any view, so the nodes exist when the views hear of the same changes.

    Args:
        graph: The document to grow (emptied first).
        catalog: Where drawn specs come from; classes it lacks are ``observe``-d.
    """

    def __init__(self, graph: Graph, catalog: Catalog) -> None:
        self.graph = graph
        self.catalog = catalog
        graph.clear()
        self._pending: list[LiveEntity] = []
        self._links: list[LinkKey] = []
        self._node_of: dict[int, str] = {}
        self._growers: set[str] = set()
        """Top-level nodes of servers (laid out below the rest)."""
        self._owners: set[str] = set()
        """Program nodes that own rows drawn by the live view (servers): never moved again."""

    def undeclared(self, ent: LiveEntity) -> None:
        """The LiveModel's callback: give ``ent`` a node id (the node is added after the batch)."""
        ent.design_id = f"p{ent.cid}"
        self._node_of[ent.cid] = ent.design_id
        self._pending.append(ent)

    def on_changes(self, changes: Changes) -> None:
        """Add the batch's new nodes and links to the graph and lay them out."""
        self._links.extend(key for key, _passthrough in changes.link_added)
        if self._pending:
            new, self._pending = self._pending, []
            positions = self._layout(new)
            for ent in new:
                self._add_node(ent, positions.get(ent.design_id or "", (0.0, 0.0)))
        self._add_links()
        for ent in changes.entity_added:  # from now on these nodes' frames hold live rows
            if ent.placement == "spawned" and ent.design_id is not None:
                self._owners.add(ent.design_id)

    # -- nodes ------------------------------------------------------------------------------
    def _parent_node(self, graph: Graph, ent: LiveEntity) -> str | None:
        """The frame ``ent``'s node goes in: its parent's node, when that one is a container."""
        parent = self._node_of.get(ent.parent) if ent.parent is not None else None
        if parent is not None and graph.has_node(parent) and graph.node(parent).is_container:
            return parent
        return None

    def _add_node(self, ent: LiveEntity, position: tuple[float, float]) -> None:
        spec = self._spec(ent)
        try:
            self.graph.add_node(
                spec.id,
                name=ent.name,
                position=position,
                parent=self._parent_node(self.graph, ent),
                container_kind=_container_of(ent),
                node_id=ent.design_id,
                params=dict(ent.details.get("params") or {}),
            )
        except GraphError:
            log.exception("cannot draw %s as a node of the program graph", ent.name)

    def _spec(self, ent: LiveEntity) -> ComponentSpec:
        if ent.cls in self.catalog:
            return self.catalog.get(ent.cls)
        details = ent.details
        return self.catalog.observe(
            ComponentSpec(
                id=ent.cls,
                name=ent.class_name,
                category=str(details.get("category") or "Program"),
                summary="seen in the running program",
                doc="",
                inboxes={name: "" for name in ent.inboxes},
                outboxes={name: "" for name in ent.outboxes},
                spawns_children=bool(details.get("spawns")),
                is_service=bool(details.get("service")),
                container_kind=_container_of(ent),
            )
        )

    # -- links ------------------------------------------------------------------------------
    def _add_links(self) -> None:
        graph, waiting = self.graph, []
        for key in self._links:
            source, sink = self._node_of.get(key[0]), self._node_of.get(key[2])
            if source is None or sink is None:
                waiting.append(key)  # an end not known yet (spawned later), or not a node
                continue
            if not (graph.has_node(source) and graph.has_node(sink)) or self._implied(source, sink):
                continue
            if graph.links_from((source, key[1])) or not self._has_boxes(
                graph, (source, key[1]), (sink, key[3])
            ):
                continue
            graph.add_link((source, key[1]), (sink, key[3]))
        self._links = waiting[-10_000:]

    def _has_boxes(self, graph: Graph, source: tuple[str, str], sink: tuple[str, str]) -> bool:
        """Whether both boxes are drawn on their nodes (a run-time box, such as a Graphline's
        private outbox to each child's control, is not: the live view draws that link)."""
        try:
            out = self.catalog.get(graph.node(source[0]).component)
            into = self.catalog.get(graph.node(sink[0]).component)
        except LookupError:
            return False
        source_boxes = {**out.outboxes, **out.inboxes}  # a passthrough starts at an inbox
        sink_boxes = {**into.inboxes, **into.outboxes}  # ... or ends at an outbox
        return source[1] in source_boxes and sink[1] in sink_boxes

    def _implied(self, source: str, sink: str) -> bool:
        """A link a Pipeline frame already draws (between its children, or through it)."""
        graph = self.graph
        for node_id in (source, sink):
            node = graph.node(node_id)
            if node.container_kind == "pipeline" and (
                graph.node(sink if node_id == source else source).parent == node_id
            ):
                return True
        a, b = graph.node(source), graph.node(sink)
        return (
            a.parent is not None
            and a.parent == b.parent
            and (graph.node(a.parent).container_kind == "pipeline")
        )

    # -- layout -----------------------------------------------------------------------------
    def _layout(self, new: list[LiveEntity]) -> dict[str, tuple[float, float]]:
        """Positions of the new nodes (and, before any server has rows, of everything).

        Servers (whose frames grow a row per connection, downwards and to the right) go below
        the rest, so their rows never run into other nodes.
        """
        known = {n.id for n in self.graph.nodes}
        tidy = not self._owners
        sizes = {n.id: self._size_of(n.component) for n in self.graph.nodes}
        growers = {n.id for n in self.graph.nodes if n.id in self._growers}
        nodes: list[tuple[str, str, str | None, str | None]] = []
        if tidy:
            nodes = [(n.id, n.component, n.parent, n.container_kind) for n in self.graph.nodes]
        inside: dict[str, list[str]] = {}
        for ent in new:
            node_id = ent.design_id or ""
            parent = self._parent_node(self.graph, ent)
            if parent is None and ent.parent is not None:
                pending_parent = self._node_of.get(ent.parent)
                if any(p[0] == pending_parent and p[3] for p in nodes):
                    parent = pending_parent
            if parent is not None and parent in known and not tidy:
                inside.setdefault(parent, []).append(node_id)  # a newcomer in a laid-out frame
                continue
            nodes.append((node_id, ent.cls, parent, _container_of(ent)))
            sizes[node_id] = _entity_size(ent)
            if ent.details.get("spawns") and parent is None:
                growers.add(node_id)
                self._growers.add(node_id)
                sizes[node_id] = (GROWER_W, sizes[node_id][1] + 120.0)
        origin_y = 0.0
        if not tidy:
            origin_y = BELOW_GAP + max(
                (n.position[1] + sizes[n.id][1] for n in self.graph.nodes), default=0.0
            )
        positions: dict[str, tuple[float, float]] = {}
        for part in (False, True):  # the rest first, the servers below them
            members = (
                [n for n in nodes if _root(n, nodes) in growers]
                if part
                else [n for n in nodes if _root(n, nodes) not in growers]
            )
            if not members:
                continue
            scratch = self._scratch(members)
            size_of = lambda nid: sizes.get(nid, (CARD_W, 120.0))  # noqa: E731
            placed = auto_layout(scratch, size_of, origin=(0.0, origin_y))
            positions.update(placed)
            origin_y = BELOW_GAP + max(
                (y + size_of(nid)[1] for nid, (_x, y) in placed.items()), default=origin_y
            )
        if tidy:
            for node_id, pos in positions.items():
                if node_id in known and self.graph.node(node_id).position != pos:
                    self.graph.move_node(node_id, pos)
        for parent, newcomers in inside.items():
            x, y = self.graph.node(parent).position
            start = len(self.graph.node(parent).children)
            for k, node_id in enumerate(newcomers, start):
                positions[node_id] = (x + 22.0 + k * (CARD_W + 40.0), y + 52.0)
        return positions

    def _scratch(self, members: list[tuple[str, str, str | None, str | None]]) -> Graph:
        """A throw-away graph of ``members`` (id, class, parent, container) and their links."""
        scratch = Graph()
        ids = {m[0] for m in members}
        for node_id, component, parent, kind in members:
            scratch.add_node(
                component,
                node_id=node_id,
                parent=parent if parent in ids and scratch.has_node(parent) else None,
                container_kind=kind,
            )
        ends = [(lk.source, lk.sink) for lk in self.graph.links]
        for key in self._links:
            source, sink = self._node_of.get(key[0]), self._node_of.get(key[2])
            if source is not None and sink is not None:
                ends.append(((source, key[1]), (sink, key[3])))
        for source_ref, sink_ref in ends:
            if source_ref[0] in ids and sink_ref[0] in ids and source_ref[0] != sink_ref[0]:
                scratch.add_link(source_ref, sink_ref)
        return scratch

    def _size_of(self, component: str) -> tuple[float, float]:
        try:
            spec = self.catalog.get(component)
        except LookupError:
            return (CARD_W, 120.0)
        rows = max(len(spec.inboxes), len(spec.outboxes), 1)
        return (CARD_W, HEADER_H + ROW_H * rows + 12.0)


def _root(node: tuple[str, str, str | None, str | None], nodes: list) -> str:
    """The top-level ancestor's id of ``node`` among ``nodes``."""
    parents = {n[0]: n[2] for n in nodes}
    node_id = node[0]
    for _ in range(64):
        parent = parents.get(node_id)
        if parent is None:
            return node_id
        node_id = parent
    return node_id


def _container_of(ent: LiveEntity) -> str | None:
    kind = container_kind(ent.details)
    if kind is None and ent.details.get("children") and not ent.details.get("spawns"):
        return "graphline"  # a plain component with children of its own: a frame around them
    return kind


def _entity_size(ent: LiveEntity) -> tuple[float, float]:
    rows = max(len(ent.inboxes), len(ent.outboxes), 1)
    return (CARD_W, HEADER_H + ROW_H * rows + 12.0)
