"""Places live components on the canvas: next to the design node that owns them, in stable rows.

Between the controller (which learns of components from events) and the scene items. A cluster
gathers what one design node spawned: its singletons (the TCPServer inside a ServerCore), one row
per connection (the CSA and its protocol handler side by side) and nothing else moves when a row
comes or goes. Beyond ``collapse_at`` connections a cluster shows two stacked cards instead
("ConnectedSocketAdapter x 137", "Echo x 137") that expand on demand. Services (the Selector made
through the CAT) get a column of their own outside any group.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPointF

from workbench.runtime.live_model import LiveEntity
from workbench.ui.canvas.boxes import BoxSpec, boxes_from
from workbench.ui.canvas.group_item import GroupItem
from workbench.ui.canvas.node_item import NodeItem
from workbench.ui.live.layout import SlotLayout
from workbench.ui.live.live_node_item import LiveNodeItem

if TYPE_CHECKING:
    from workbench.ui.canvas.scene import GraphScene

GAP = 140.0
"""Horizontal room between two columns of cards (for the link and its counter pill)."""
ROW_PITCH = 168.0
"""Vertical distance between two rows (the gap leaves room for a link loop and its pill)."""
COLLAPSE_AT = 24


@dataclass
class Entity:
    """What the live view knows of one live component.

    Attributes:
        kind: "design" (drawn by its model node), "singleton", "connection", "handler" or
            "service".
        item: the item drawing it (None while collapsed into a stack, or not drawn).
    """

    cid: int
    name: str
    cls: str
    kind: str
    design_id: str | None
    inboxes: list[BoxSpec] = field(default_factory=list)
    outboxes: list[BoxSpec] = field(default_factory=list)
    item: NodeItem | GroupItem | None = None
    cluster: Cluster | None = None
    slot: int | None = None
    partner: int | None = None
    state: str = "running"
    closing: bool = False
    ended_at: float | None = None
    peer: str = ""
    traffic: bool = False
    traceback: str = ""
    declared_out: int = 0
    live: LiveEntity | None = None
    """What the live model knows of it (the facts; this record holds how it is drawn)."""
    parent: int | None = None
    """cid of the component that made it (from its ``spawned`` event), or None."""
    member_crashes: dict[str, str] = field(default_factory=dict)
    """Name -> traceback of crashed components without a card of their own that this one's
    card stands for (the members of a per-connection Pipeline); its card shows them."""


@dataclass
class Cluster:
    """The live components one design node spawned, and how they are drawn."""

    owner_id: str
    anchor: QPointF
    group: GroupItem | None
    template: NodeItem | None
    slots: SlotLayout = field(default_factory=SlotLayout)
    singletons: list[Entity] = field(default_factory=list)
    rows: dict[int, list[Entity]] = field(default_factory=dict)
    collapsed: bool = False
    expanded: bool = False
    stacks: dict[str, LiveNodeItem] = field(default_factory=dict)
    columns: dict[str, float] = field(default_factory=dict)
    """Column kind -> card width seen first ("singleton", "connection")."""

    def column_x(self, kind: str) -> float:
        """Left x of the column of ``kind``: singletons, then connections, then handlers."""
        x = self.anchor.x()
        for previous in ("singleton", "connection", "handler"):
            if previous == kind:
                return x
            x += self.columns.get(previous, 220.0) + GAP
        return x

    def members(self, kind: str) -> list[Entity]:
        """Entities of ``kind`` ("connection" or "handler") in row order."""
        return [e for slot in sorted(self.rows) for e in self.rows[slot] if e.kind == kind]

    def live_rows(self) -> int:
        """Rows whose connection has not ended."""
        return sum(1 for row in self.rows.values() if any(e.ended_at is None for e in row))


class ClusterLayout:
    """Creates, places, collapses and removes live items in one GraphScene.

    Args:
        scene: the GraphScene (items are added to it).
        on_expand: called with a stack item whose chip was clicked.
        collapse_at: rows beyond which a cluster collapses into stacks.
    """

    def __init__(
        self, scene: GraphScene, on_expand: Callable[[LiveNodeItem], None], collapse_at: int
    ) -> None:
        self.scene = scene
        self.on_expand = on_expand
        self.collapse_at = collapse_at
        self.clusters: dict[str, Cluster] = {}
        self.services: list[Entity] = []
        self.hidden_templates: list[NodeItem] = []
        self.templates: dict[str, str] = {}
        """Template node id -> the ServerCore node id that builds it."""
        self.on_item_removed: Callable[[object], None] = lambda item: None
        """Called with an item just before it leaves the scene (its links go first)."""

    # -- clusters ---------------------------------------------------------------------------
    def cluster_for(self, owner_id: str) -> Cluster | None:
        """The cluster of design node ``owner_id`` (made on first use)."""
        cluster = self.clusters.get(owner_id)
        if cluster is not None:
            return cluster
        owner = self.scene.node_item(owner_id)
        if owner is None:
            return None
        template = None
        group: GroupItem | None
        if isinstance(owner, GroupItem):
            inner = [m for m in owner.members if isinstance(m, NodeItem)]
            template = next((m for m in inner if m.node_id in self.templates), None)
            if template is not None:
                anchor = QPointF(template.pos())
            else:
                rect = owner.frame_rect()
                anchor = QPointF(rect.left() + 24, rect.top() + 56)
            group = owner
        else:
            anchor = owner.pos() + QPointF(owner.width + 80, 0)
            group = owner.parent_group
        cluster = Cluster(
            owner_id, anchor, group if isinstance(group, GroupItem) else None, template
        )
        self.clusters[owner_id] = cluster
        return cluster

    def place(self, ent: Entity) -> None:
        """Give a new non-design entity its place (and its item unless collapsed)."""
        if ent.kind == "service":
            self.services.append(ent)
            self._make_item(ent, None)
            return
        cluster = ent.cluster
        if cluster is None:
            return
        self._hide_template(cluster)
        if ent.kind == "singleton":
            cluster.singletons.append(ent)
            self._make_item(ent, cluster)
            return
        if ent.slot is None:
            ent.slot = cluster.slots.take(ent.cid)
        cluster.rows.setdefault(ent.slot, []).append(ent)
        if (
            not cluster.collapsed
            and cluster.live_rows() > self.collapse_at
            and not cluster.expanded
        ):
            self.set_collapsed(cluster, True)
        if cluster.collapsed:
            self.refresh_stacks(cluster)
        else:
            self._make_item(ent, cluster)
            if cluster.stacks:  # the header of an expanded crowd counts it too
                self.refresh_stacks(cluster)

    def _hide_template(self, cluster: Cluster) -> None:
        template = cluster.template
        if template is not None and template.isVisible():
            template.setVisible(False)
            self.hidden_templates.append(template)

    def position(self, ent: Entity) -> QPointF:
        """Where ``ent``'s card goes (stable for its lifetime)."""
        if ent.kind == "service":
            return self._service_position(self.services.index(ent))
        cluster = ent.cluster
        assert cluster is not None
        a = cluster.anchor
        x = cluster.column_x(ent.kind)
        if ent.kind == "singleton":
            return QPointF(x, a.y() + cluster.singletons.index(ent) * ROW_PITCH)
        return QPointF(x, a.y() + (ent.slot or 0) * ROW_PITCH)

    def _service_position(self, index: int) -> QPointF:
        clusters = list(self.clusters.values())
        if clusters:
            right = max(cluster.column_x("end") + 20 for cluster in clusters)
            # beside the rows, clear of the legend
            top = min(cluster.anchor.y() + ROW_PITCH * 0.75 for cluster in clusters)
        else:
            rect = self.scene.itemsBoundingRect()
            right, top = rect.right() + 80, rect.top()
        return QPointF(right, top + index * ROW_PITCH)

    # -- items ------------------------------------------------------------------------------
    def _make_item(self, ent: Entity, cluster: Cluster | None, adopt: bool = True) -> LiveNodeItem:
        item = LiveNodeItem(
            ent.cid,
            self._title(ent),
            self._subtitle(ent),
            "Internet" if ent.kind in ("connection", "singleton", "service") else "Util",
            ent.inboxes,
            ent.outboxes,
            service=ent.kind == "service",
        )
        if ent.kind == "handler" and cluster is not None and cluster.template is not None:
            item.category = cluster.template.category
        if cluster is not None:
            cluster.columns.setdefault(ent.kind, item.width)
        if ent.state == "crashed":
            item.set_state("crashed", ent.traceback or None)
        else:
            item.set_state("closing" if ent.closing else ent.state)
        for who, traceback in ent.member_crashes.items():
            item.mark_crashed(who, traceback)
        self.scene.addItem(item)
        item.setPos(self.position(ent))
        if adopt and cluster is not None and cluster.group is not None and ent.kind != "service":
            cluster.group.add_member(item)
        ent.item = item
        return item

    def _title(self, ent: Entity) -> str:
        if ent.kind == "handler" and ent.cluster is not None and ent.cluster.template is not None:
            return ent.cluster.template.title
        return ent.cls

    def _subtitle(self, ent: Entity) -> str:
        if ent.kind == "service":
            return "service via CAT"
        tag = " · traffic" if ent.traffic else ""
        if ent.kind == "connection":
            return (ent.peer or ent.name) + tag
        if ent.kind == "handler":
            port = ent.peer.rsplit(":", 1)[-1] if ent.peer else f"#{ent.cid}"
            return f"handler · {port}{tag}"
        return ent.peer or ent.name

    def refresh_labels(self, ent: Entity) -> None:
        """Redraw ``ent``'s texts after its peer or traffic flag became known."""
        item = ent.item
        if isinstance(item, LiveNodeItem):
            item.set_title(self._title(ent), self._subtitle(ent))

    def remove(self, ent: Entity) -> None:
        """Take ``ent`` off the canvas for good and free its row."""
        self.drop_item(ent)
        if ent.kind == "service":
            if ent in self.services:
                self.services.remove(ent)
            return
        cluster = ent.cluster
        if cluster is None:
            return
        if ent.kind == "singleton":
            if ent in cluster.singletons:
                cluster.singletons.remove(ent)
            return
        slot = ent.slot
        row = cluster.rows.get(slot) if slot is not None else None
        if slot is not None and row is not None and ent in row:
            row.remove(ent)
            if not row:
                del cluster.rows[slot]
                cluster.slots.release(slot)
        if cluster.collapsed:
            if cluster.live_rows() <= self.collapse_at // 2:
                self.set_collapsed(cluster, False)
            else:
                self.refresh_stacks(cluster)
        elif cluster.stacks:
            if cluster.live_rows() <= self.collapse_at // 2:
                cluster.expanded = False
                for key in list(cluster.stacks):
                    self._drop_stack(cluster.stacks.pop(key))
            else:
                self.refresh_stacks(cluster)

    def drop_item(self, ent: Entity) -> None:
        """Remove ``ent``'s own live item (it stays known)."""
        item = ent.item
        ent.item = None
        if not isinstance(item, LiveNodeItem):
            return
        self.on_item_removed(item)
        for link in item.links():
            link.detach()
            if link.scene() is not None:
                link.scene().removeItem(link)
        if item.parent_group is not None:
            item.parent_group.remove_member(item)
        if item.scene() is not None:
            item.scene().removeItem(item)

    # -- collapse ---------------------------------------------------------------------------
    def set_collapsed(self, cluster: Cluster, collapsed: bool) -> None:
        """Collapse the rows of ``cluster`` into stacks, or lay them out one by one again.

        Expanded on the user's request, the stacks stay as a header above the rows, with a
        "collapse ▾" chip; expanded because the crowd thinned out, they go.
        """
        cluster.collapsed = collapsed
        rows = [e for row in cluster.rows.values() for e in row]
        if collapsed:
            for ent in rows:
                self.drop_item(ent)
            self.refresh_stacks(cluster)
            for stack in cluster.stacks.values():
                stack.expanded = False
                stack.setPos(stack.pos().x(), cluster.anchor.y())
                stack.update()
            return
        for key in list(cluster.stacks):
            stack = cluster.stacks[key]
            if cluster.expanded:
                stack.expanded = True
                stack.setPos(stack.pos().x(), cluster.anchor.y() - ROW_PITCH)
                stack.update()
            else:
                self._drop_stack(cluster.stacks.pop(key))
        made = [self._make_item(ent, cluster, adopt=False) for ent in rows if ent.item is None]
        group = cluster.group
        if group is not None and made:
            for item in made:  # GroupItem.add_member refits per item: adopt all, refit once
                group.members.append(item)
                item.parent_group = group
                item.setVisible(not group.collapsed)
            group.member_moved()

    def _drop_stack(self, stack: LiveNodeItem) -> None:
        self.on_item_removed(stack)
        for link in stack.links():
            link.detach()
            if link.scene() is not None:
                link.scene().removeItem(link)
        if stack.parent_group is not None:
            stack.parent_group.remove_member(stack)
        if stack.scene() is not None:
            stack.scene().removeItem(stack)

    def refresh_stacks(self, cluster: Cluster) -> None:
        """Recount the stack cards of ``cluster`` (members, running/closing, peer range)."""
        for kind in ("connection", "handler"):
            members = cluster.members(kind)
            stack = cluster.stacks.get(kind)
            if not members:
                if stack is not None:
                    self._drop_stack(cluster.stacks.pop(kind))
                continue
            if stack is None:
                first = members[0]
                title = self._title(first)
                stack = LiveNodeItem(
                    0,
                    f"{title} \u00d7 0000",
                    "",
                    "Internet" if kind == "connection" else "Util",
                    first.inboxes,
                    first.outboxes,
                )  # fmt: skip  (sized for the count, then titled)
                stack.set_title(title)
                width = max(cluster.columns.get(kind, 0.0), stack.width)
                cluster.columns[kind] = width
                stack.node_id = f"stack:{cluster.owner_id}:{kind}"
                stack.make_expandable(self.on_expand)
                self.scene.addItem(stack)
                stack.setPos(cluster.column_x(kind), cluster.anchor.y())
                if cluster.group is not None:
                    cluster.group.add_member(stack)
                cluster.stacks[kind] = stack
            closing = sum(1 for e in members if e.closing or e.ended_at is not None)
            running = len(members) - closing
            stack.set_stack_count(len(members))
            ports = [e.peer.rsplit(":", 1)[-1] for e in members if e.peer]
            if kind == "connection" and ports:
                host = members[0].peer.rsplit(":", 1)[0]
                sub = f"{host}:{ports[0]} … {ports[-1]}" if len(ports) > 1 else members[0].peer
            else:
                sub = "protocol handlers" if kind == "handler" else ""
            stack.set_title(stack.title, sub)
            stack.set_footer(f"{running} running · {closing} closing", running / len(members))

    def stack_of(self, ent: Entity) -> LiveNodeItem | None:
        """The stack card standing for ``ent`` while its cluster is collapsed."""
        cluster = ent.cluster
        if cluster is None or not cluster.collapsed or ent.kind not in ("connection", "handler"):
            return None
        return cluster.stacks.get(ent.kind)

    def cluster_of_stack(self, stack: LiveNodeItem) -> Cluster | None:
        """The cluster whose stack ``stack`` is."""
        for cluster in self.clusters.values():
            if stack in cluster.stacks.values():
                return cluster
        return None

    # -- teardown ---------------------------------------------------------------------------
    def clear(self, entities: list[Entity]) -> None:
        """Remove every live item and show the hidden templates again."""
        for ent in entities:
            if ent.kind != "design":
                self.drop_item(ent)
        for cluster in self.clusters.values():
            for stack in cluster.stacks.values():
                self._drop_stack(stack)
            cluster.stacks.clear()
        for template in self.hidden_templates:
            template.setVisible(True)
            if template.parent_group is not None:
                template.parent_group.member_moved()
        self.hidden_templates.clear()
        self.clusters.clear()
        self.services.clear()


def boxes_of(live: LiveEntity, catalog: Any = None) -> tuple[list[BoxSpec], list[BoxSpec], int]:
    """The boxes a live component was spawned with (descriptions from the catalog when it knows
    the class), and how many outboxes it declared."""
    docs_in: dict[str, str] = {}
    docs_out: dict[str, str] = {}
    if catalog is not None and live.cls in catalog:
        spec = catalog.get(live.cls)
        docs_in, docs_out = spec.inboxes, spec.outboxes
    declared = live.outboxes[: live.declared_outboxes or len(live.outboxes)]
    ins = boxes_from({name: docs_in.get(name, "") for name in live.inboxes}, "in")
    outs = boxes_from({name: docs_out.get(name, "") for name in declared}, "out")
    return ins, outs, len(outs)
