"""Observes a workbench.model Graph and keeps one canvas item per node, group, link, note in step.

The model is the truth: the scene subscribes to the graph's events and redraws; it never edits the
graph. User gestures (wiring, moving, editing a note) come out as signals (``link_requested``,
``items_moved``, ``note_edited``) that the window turns into undoable model commands.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QPointF, QRectF, Signal
from PySide6.QtGui import QTransform
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QGraphicsSceneMouseEvent

from workbench.model import Catalog, Graph, ImplicitLink, Link, Node, UnknownComponentError
from workbench.model.items import Annotation
from workbench.model.validate import check_link
from workbench.ui.canvas.boxes import boxes_from
from workbench.ui.canvas.group_item import GroupItem
from workbench.ui.canvas.link_item import LinkItem
from workbench.ui.canvas.node_item import NodeItem
from workbench.ui.canvas.note_item import NoteItem
from workbench.ui.canvas.notes import SceneNotes
from workbench.ui.canvas.port_item import PortItem
from workbench.ui.canvas.reroute import Rerouter
from workbench.ui.canvas.wire_item import WireItem
from workbench.ui.theme import DARK, Theme

BoxRef = tuple[str, str]
LinkValidator = Callable[[Graph, BoxRef, BoxRef], str | None]
"""Returns None when source -> sink may be linked, else a message saying why not."""

DEFAULT_BOXES = ({"inbox": "", "control": ""}, {"outbox": "", "signal": ""})


class GraphScene(QGraphicsScene):
    """The canvas scene of one graph.

    Attributes:
        graph: the observed model.
        catalog: where node specs (boxes, category) come from.
        theme: the theme every item paints with.
        snap: snap moved nodes to the grid.
        grid_size: grid spacing in scene units.
        link_validator: rule check for wiring (``validate.check_link`` by default); returns
            None when legal, else the message to show.
    """

    link_requested = Signal(object, object)  #: (source BoxRef, sink BoxRef) of a legal wire
    link_rejected = Signal(str)  #: why a wire was refused
    wire_hint = Signal(str)  #: live feedback while wiring ("" clears)
    nodes_moved = Signal(dict)  #: {node id: (x, y)} after the user dragged items
    items_moved = Signal(dict, dict)  #: ({node id: (x, y)}, {note id: (x, y)}) of one drag
    note_edited = Signal(str, str)  #: (annotation id, new text) after an inline edit
    node_activated = Signal(str)  #: node id double-clicked
    theme_changed = Signal()

    def __init__(self, graph: Graph, catalog: Catalog, parent: QObject | None = None) -> None:
        """Build items for everything in ``graph`` and subscribe to its events."""
        super().__init__(parent)
        self.graph = graph
        self.catalog = catalog
        self.theme: Theme = DARK
        self.snap = True
        self.low_detail = False
        self.grid_size = 10.0
        self.link_validator: LinkValidator = self._check_link
        self._nodes: dict[str, NodeItem | GroupItem] = {}
        self._links: dict[str, LinkItem] = {}
        self.notes = SceneNotes(self)
        self._wire: WireItem | None = None
        self._wire_from: PortItem | None = None
        self._closed = False
        self._rerouter = Rerouter(self)
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)
        self.setSceneRect(QRectF(-2000, -2000, 4000, 4000))
        self._unsubscribe: Callable[[], None] | None = graph.subscribe(self._on_event)
        self.rebuild()

    def _check_link(self, graph: Graph, source: BoxRef, sink: BoxRef) -> str | None:
        problem = check_link(graph, self.catalog, source, sink)
        return None if problem is None else problem.message

    # -- lookups (used by the live view) -----------------------------------------------------
    def node_item(self, node_id: str) -> NodeItem | GroupItem | None:
        """The item drawing node ``node_id`` (a GroupItem for containers)."""
        return self._nodes.get(node_id)

    def port_item(self, node_id: str, box: str, direction: str | None = None) -> PortItem | None:
        """The marker of box ``box`` on node ``node_id``."""
        item = self._nodes.get(node_id)
        return item.port(box, direction) if item is not None else None

    def link_item(self, link_id: str) -> LinkItem | None:
        """The item drawing link ``link_id`` (explicit or a Pipeline's implicit link id)."""
        return self._links.get(link_id)

    def link_between(self, source: BoxRef, sink: BoxRef) -> LinkItem | None:
        """The link item from box ``source`` to box ``sink``, if drawn."""
        for link in self._links.values():
            if (link.source.node_id, link.source.name) == tuple(source) and (
                link.sink.node_id,
                link.sink.name,
            ) == tuple(sink):
                return link
        return None

    def note_item(self, annotation_id: str) -> NoteItem | None:
        """The item drawing annotation ``annotation_id``."""
        return self.notes.item(annotation_id)

    def note_items(self) -> list[NoteItem]:
        """All note items."""
        return self.notes.items()

    def selected_note_ids(self) -> list[str]:
        """Ids of the selected notes."""
        return [i.annotation_id for i in self.selectedItems() if isinstance(i, NoteItem)]

    def node_items(self) -> list[NodeItem | GroupItem]:
        """All node and group items."""
        return list(self._nodes.values())

    def link_items(self) -> list[LinkItem]:
        """All link items."""
        return list(self._links.values())

    def selected_node_ids(self) -> list[str]:
        """Ids of the selected nodes and groups."""
        return [i.node_id for i in self.selectedItems() if isinstance(i, NodeItem | GroupItem)]

    def selected_link_ids(self) -> list[str]:
        """Ids of the selected explicit links."""
        return [
            i.link_id
            for i in self.selectedItems()
            if isinstance(i, LinkItem) and not isinstance(i.model, ImplicitLink)
        ]

    # -- theme / teardown -----------------------------------------------------------------
    def set_theme(self, theme: Theme) -> None:
        """Repaint every item with ``theme``."""
        self.theme = theme
        self.setBackgroundBrush(theme.canvas)
        for item in self.items():
            item.update()
        self.notes.apply_theme(theme)
        self.theme_changed.emit()

    def set_low_detail(self, low: bool) -> None:
        """Hide (or show) every port marker: far zoomed out they are sub-pixel noise and cost
        a paint call each; links keep their anchors."""
        if low == self.low_detail:
            return
        self.low_detail = low
        for item in self._nodes.values():
            for port in item.ports.values():
                port.setVisible(not low)

    def card_changed(self, rect: QRectF) -> None:
        """A card moved, appeared or went: re-route the links near ``rect`` from the next turn
        (coalesced, a few milliseconds a turn: ``canvas.reroute``)."""
        self._rerouter.changed(rect)

    def reroute_links(self) -> None:
        """Re-route now every link near the cards that changed since the last call."""
        self._rerouter.run()

    def follow_graph(self) -> None:
        """Subscribe to the graph afresh and redraw it (after an error detached the scene)."""
        if self._closed:
            return
        if self._unsubscribe is not None:
            self._unsubscribe()
        self._unsubscribe = self.graph.subscribe(self._on_event)
        self.rebuild()

    def close(self) -> None:
        """Unsubscribe from the graph and remove every item (teardown)."""
        self._closed = True
        self._rerouter.close()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._cancel_wire()
        self.notes.drop()
        self._nodes.clear()
        self._links.clear()
        self.clear()

    # -- building from the model --------------------------------------------------------
    def rebuild(self) -> None:
        """Drop every item and draw the graph afresh (``graph_reset``)."""
        self._rerouter.forget_items()
        self._cancel_wire()
        self.notes.drop()
        self._nodes.clear()
        self._links.clear()
        self.clear()
        for node in self.graph.nodes:
            self._add_node(node)
        for node in self.graph.nodes:
            if node.parent is not None:
                self._join_group(node)
        for link in self.graph.links:
            self._add_link(link)
        self._sync_implicit_links()
        self.notes.rebuild()

    def _spec_view(self, node: Node) -> tuple[dict, dict, str, str, bool]:
        try:
            spec = self.catalog.get(node.component)
        except UnknownComponentError:
            ins, outs = DEFAULT_BOXES
            return ins, outs, "Other", f"{node.component} (not in catalog)", False
        subtitle = f"{spec.name} · service via CAT" if spec.is_service else spec.name
        return spec.inboxes, spec.outboxes, spec.category, subtitle, spec.is_service

    def _add_node(self, node: Node) -> None:
        ins, outs, category, class_name, service = self._spec_view(node)
        pos = QPointF(*node.position)
        if node.is_container:
            item: NodeItem | GroupItem = GroupItem(
                node.id,
                node.name,
                class_name,
                boxes_from(ins, "in"),
                boxes_from(outs, "out"),
                model=node,
                origin=pos,
            )
        else:
            item = NodeItem(
                node.id,
                node.name,
                class_name,
                category,
                boxes_from(ins, "in"),
                boxes_from(outs, "out"),
                model=node,
                service=service,
            )
            item.setPos(pos)
        self._nodes[node.id] = item
        if self.low_detail:
            for port in item.ports.values():
                port.setVisible(False)
        self.addItem(item)

    def _join_group(self, node: Node) -> None:
        item = self._nodes.get(node.id)
        group = self._nodes.get(node.parent) if node.parent else None
        if item is None:
            return
        if item.parent_group is not None and item.parent_group is not group:
            item.parent_group.remove_member(item)
        if isinstance(group, GroupItem):
            group.add_member(item)

    def _add_link(self, link: Link | ImplicitLink) -> None:
        source = self._find_port(link.source, out=True)
        sink = self._find_port(link.sink, out=False)
        if source is None or sink is None or link.id in self._links:
            return
        item = LinkItem(link.id, source, sink, model=link)
        if isinstance(link, ImplicitLink):
            item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, False)
        self._links[link.id] = item
        self.addItem(item)

    def _find_port(self, ref: BoxRef, out: bool) -> PortItem | None:
        item = self._nodes.get(ref[0])
        if item is None:
            return None
        preferred = "out" if out else "in"
        other = "in" if out else "out"
        return item.port(ref[1], preferred) or item.port(ref[1], other)

    def _remove_link_item(self, link_id: str) -> None:
        item = self._links.pop(link_id, None)
        if item is not None:
            item.detach()
            self.removeItem(item)

    def _sync_implicit_links(self) -> None:
        wanted = {link.id: link for link in self.graph.implicit_links()}
        for link_id in [k for k, v in self._links.items() if isinstance(v.model, ImplicitLink)]:
            if link_id not in wanted or wanted[link_id] != self._links[link_id].model:
                self._remove_link_item(link_id)
        for link in wanted.values():
            self._add_link(link)

    # -- model events -------------------------------------------------------------------
    def _on_event(self, event: str, payload: Any) -> None:
        if event.startswith("annotation_"):
            self.notes.on_event(event, payload)
            return
        handler = getattr(self, f"_on_{event}", None)
        if handler is not None:
            handler(payload)

    def _on_graph_reset(self, _graph: Graph) -> None:
        self.rebuild()

    def _on_node_added(self, node: Node) -> None:
        self._add_node(node)
        if node.parent is not None:
            self._join_group(node)
        self._sync_implicit_links()

    def _on_node_removed(self, node: Node) -> None:
        item = self._nodes.pop(node.id, None)
        if item is None:
            return
        for link in item.links():
            self._remove_link_item(link.link_id)
        if item.parent_group is not None:
            item.parent_group.remove_member(item)
        self.removeItem(item)
        self._sync_implicit_links()

    def _on_node_moved(self, node: Node) -> None:
        item = self._nodes.get(node.id)
        target = QPointF(*node.position)
        if isinstance(item, NodeItem) and item.pos() != target:
            item.setPos(target)
        elif isinstance(item, GroupItem) and not item.members:
            item.origin = target
            item.member_moved()

    def _on_node_renamed(self, node: Node) -> None:
        item = self._nodes.get(node.id)
        if isinstance(item, NodeItem):
            item.set_title(node.name)
        elif item is not None:
            item.title = node.name
            item.update()

    def _on_node_reparented(self, node: Node) -> None:
        item = self._nodes.get(node.id)
        if item is not None and item.parent_group is not None and node.parent is None:
            item.parent_group.remove_member(item)
        self._join_group(node)
        self._sync_implicit_links()

    def _on_link_added(self, link: Link) -> None:
        self._add_link(link)

    def _on_link_removed(self, link: Link) -> None:
        self._remove_link_item(link.id)

    # -- moves ---------------------------------------------------------------------------
    def report_moved(self, items: list[QGraphicsItem]) -> None:
        """Emit ``items_moved`` (and ``nodes_moved`` for the node part) for the items whose
        position differs from the model's."""
        moved: dict[str, tuple[float, float]] = {}
        notes: dict[str, tuple[float, float]] = {}
        for item in items:
            model = getattr(item, "model", None)
            if not isinstance(model, Node | Annotation):
                continue
            pos = item.origin if isinstance(item, GroupItem) else item.pos()
            xy = (round(pos.x(), 1), round(pos.y(), 1))
            if xy != tuple(model.position):
                (moved if isinstance(model, Node) else notes)[model.id] = xy
        if moved or notes:
            self.items_moved.emit(moved, notes)
        if moved:
            self.nodes_moved.emit(moved)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        self.report_moved([i for i in self.selectedItems() if isinstance(i, NodeItem | NoteItem)])

    # -- wiring --------------------------------------------------------------------------
    def port_at(self, pos: QPointF, exclude: PortItem | None = None) -> PortItem | None:
        """The port marker under scene point ``pos`` (with a few units of slack)."""
        area = QRectF(pos.x() - 7, pos.y() - 7, 14, 14)
        for item in self.items(area):
            if isinstance(item, PortItem) and item is not exclude and item.isVisible():
                return item
        return None

    def check_wire(self, a: PortItem, b: PortItem) -> tuple[BoxRef, BoxRef, str | None]:
        """Order the two ends as (source, sink) and check them.

        Returns:
            (source, sink, None) when legal, else (source, sink, message).
        """
        ra, rb = (a.node_id, a.name), (b.node_id, b.name)
        candidates = [(ra, rb), (rb, ra)] if a.box.is_inbox else [(ra, rb)]
        if a.box.is_inbox and not isinstance(a.owner, GroupItem):
            candidates = [(rb, ra)]
        first: tuple[BoxRef, BoxRef, str | None] | None = None
        for source, sink in candidates:
            message = self.link_validator(self.graph, source, sink)
            if message is None:
                return source, sink, None
            first = first or (source, sink, message)
        assert first is not None
        return first

    def begin_wire(self, port: PortItem, pos: QPointF) -> None:
        """Start a wiring drag at ``port``."""
        self._cancel_wire()
        self._wire_from = port
        self._wire = WireItem(port.anchor(), from_outbox=not port.box.is_inbox)
        self.addItem(self._wire)

    def update_wire(self, pos: QPointF) -> None:
        """Follow the mouse; colour the rubber line by legality and hint why."""
        if self._wire is None or self._wire_from is None:
            return
        target = self.port_at(pos, exclude=self._wire_from)
        if target is None:
            self._wire.set_end(pos, None)
            self.wire_hint.emit("")
            return
        source, sink, message = self.check_wire(self._wire_from, target)
        self._wire.set_end(target.anchor(), message is None)
        text = f"{source[0]}.{source[1]} → {sink[0]}.{sink[1]}"
        self.wire_hint.emit(f"Cannot link: {message}" if message else f"Link {text}")

    def end_wire(self, pos: QPointF) -> None:
        """Finish the drag: emit ``link_requested`` or ``link_rejected``."""
        start = self._wire_from
        self._cancel_wire()
        if start is None:
            return
        target = self.port_at(pos, exclude=start)
        self.wire_hint.emit("")
        if target is None:
            return
        source, sink, message = self.check_wire(start, target)
        if message is None:
            self.link_requested.emit(source, sink)
        else:
            self.link_rejected.emit(message)

    def _cancel_wire(self) -> None:
        if self._wire is not None:
            self.removeItem(self._wire)
        self._wire = None
        self._wire_from = None

    def item_at_scene(self, pos: QPointF) -> QGraphicsItem | None:
        """Topmost item at ``pos`` (no view transform)."""
        return self.itemAt(pos, QTransform())
