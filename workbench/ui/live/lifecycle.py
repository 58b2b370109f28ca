"""Gives each live component the model announces its view state, and follows it to its end.

Used by the LiveController for the model's ``entity_added``, ``connection_closing`` and
``entity_ended`` changes: it turns the model's placement into a view kind (a design node's own
card, a singleton such as the TCPServer, a connection row, a protocol handler beside it, a
service), pairs each handler with its connection so they share a row, and marks how and when it
ended so the controller can draw it closing, crashed, then gone. Everything comes from the
model's ``LiveEntity``: nothing here looks at a live component.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from workbench.runtime.live_model import LiveEntity
from workbench.ui.live import kinds
from workbench.ui.live.clusters import Entity, boxes_of
from workbench.ui.live.live_node_item import LiveNodeItem

if TYPE_CHECKING:
    from workbench.ui.live.controller import LiveController


def spawned(ctl: LiveController, live: LiveEntity) -> None:
    """Learn of a component and queue it for a place."""
    ent = Entity(live.cid, live.name, kinds.class_label(live.cls), "hidden", live.design_id)
    ent.live = live
    ent.parent = live.parent
    ctl.entities[live.cid] = ent
    ent.inboxes, ent.outboxes, ent.declared_out = boxes_of(live, ctl.scene.catalog)
    ent.state = live.state
    placement = live.placement
    design_id = live.design_id
    if live.has_node and design_id is not None:  # a node of its own always has its id
        ent.kind = "design"
        ent.item = ctl.scene.node_item(design_id)
        ctl.by_design[design_id] = live.cid
        if ctl.design_badges and ent.item is not None:
            ent.item.set_state("running")
    elif placement == "service":
        ent.kind = "service"
        ctl._new.append(ent)
    elif placement == "instance":
        owner = ctl.layout.templates.get(live.design_id or "")
        if owner is not None:
            ent.kind = "handler"
            ent.cluster = ctl.layout.cluster_for(owner)
            ctl._new.append(ent)
    elif placement == "spawned" and live.design_id is not None and live.member_of is None:
        ent.kind = {"connection": "connection", "handler": "handler"}.get(live.kind, "singleton")
        ent.cluster = ctl.layout.cluster_for(live.design_id)
        if live.peer:
            ent.peer = live.peer
            ent.traffic = _port_of(live.peer) in ctl.traffic_ports()
        elif live.listening:
            ent.peer = f"port {live.listening.rsplit(':', 1)[-1]}"
        if ent.cluster is not None:
            ctl._new.append(ent)
    if live.ended_t is not None:  # ended before this view saw it (a handler that crashed at once)
        ent.state = live.state
        ent.traceback = live.traceback
        ent.closing = live.closing
    elif live.closing:
        ent.closing = True
    if live.partner is not None and live.partner in ctl.entities:
        ctl.neighbours.setdefault(live.cid, set()).add(live.partner)
        ctl.neighbours.setdefault(live.partner, set()).add(live.cid)


def _port_of(peer: str) -> int:
    try:
        return int(peer.rsplit(":", 1)[-1])
    except ValueError:
        return -1


def boxes_changed(ctl: LiveController, live: LiveEntity) -> None:
    """An adaptive component added or removed a box: the footer counts dynamic outboxes."""
    ent = ctl.entities.get(live.cid)
    if ent is not None and ent.kind == "service" and isinstance(ent.item, LiveNodeItem):
        dynamic = live.dynamic_outboxes
        ent.item.set_footer(f"+{dynamic} dynamic outboxes" if dynamic > 0 else "")


def pair(ctl: LiveController, ent: Entity) -> None:
    """Give a handler the row of the connection it is linked to (and the other way round)."""
    if ent.kind not in ("handler", "connection"):
        return
    known = ent.live.partner if ent.live is not None else None
    candidates = [known] if known is not None else list(ctl.neighbours.get(ent.cid, ()))
    for other_cid in candidates:
        other = ctl.entities.get(other_cid)
        if other is None or other.kind == ent.kind or other.kind not in ("handler", "connection"):
            continue
        if other.slot is not None and ent.slot is None and other.ended_at is None:
            ent.slot = other.slot
            ent.partner, other.partner = other.cid, ent.cid
            if ent.kind == "handler":
                ent.peer = other.peer
                ent.traffic = other.traffic
            return


def closing(ctl: LiveController, live: LiveEntity) -> None:
    """The model says a connection (or its handler) is closing: draw it dimmed (one that
    crashed stays drawn crashed: its connection closing afterwards changes nothing)."""
    target = ctl.entities.get(live.cid)
    if target is None or target.closing or target.state == "crashed":
        return
    target.closing = True
    if target.item is not None:
        target.item.set_state("closing")
    if target.cluster is not None:
        ctl._dirty_clusters.add(id(target.cluster))


def ended(ctl: LiveController, live: LiveEntity, now: float) -> None:
    """A component finished, stopped or crashed: record it (crash traceback included)."""
    ent = ctl.entities.get(live.cid)
    if ent is None:
        return
    ent.ended_at = now
    crashed = live.state == "crashed"
    ent.state = live.state
    if crashed:
        ent.traceback = live.traceback
    item = ent.item
    if ent.kind == "design":
        if ctl.design_badges and item is not None:
            item.set_state(ent.state, ent.traceback or None)
        return
    if ent.kind != "hidden" and not crashed:
        ent.closing = True
    if item is not None:
        item.set_state("crashed" if crashed else "closing", ent.traceback or None)
    elif crashed and ent.kind == "hidden":
        badge_drawn_ancestor(ctl, ent)
    if ent.cluster is not None:
        ctl._dirty_clusters.add(id(ent.cluster))


def badge_drawn_ancestor(ctl: LiveController, ent: Entity) -> None:
    """A component with no card of its own crashed (a member of a per-connection Pipeline or
    Graphline): record it on the nearest ancestor the view draws (that connection's handler)
    and badge its card, now or when the card is made (it may be placed later in this batch)."""
    cid, hops = ent.parent, 0
    while cid is not None and hops < 32:
        ancestor = ctl.entities.get(cid)
        if ancestor is None:
            return
        if ancestor.kind != "hidden":
            ancestor.member_crashes[ent.name] = ent.traceback
            item = ctl.item_for(cid)
            if hasattr(item, "mark_crashed"):
                item.mark_crashed(ent.name, ent.traceback)
            return
        cid, hops = ancestor.parent, hops + 1


def hide_link(ctl: LiveController, src: Entity | None, dst: Entity | None) -> bool:
    """Links not drawn: per-connection components to a service (the Selector), and, in a
    crowded cluster the user expanded, rows to anything outside their row (1,000 feedback
    loops to the TCPServer would cover the canvas). Their ports stay filled."""
    if src is None or dst is None:
        return False
    rows = ("connection", "handler")
    if dst.kind == "service" and src.kind in rows:
        return True
    for a, b in ((src, dst), (dst, src)):
        crowded = a.cluster is not None and len(a.cluster.rows) > ctl.layout.collapse_at
        if crowded and a.kind in rows and b.kind not in rows:
            return True
    return False


def design_link(ctl: LiveController, scid: int, sbox: str, dcid: int, dbox: str) -> Any:
    """The model's link between two design nodes (for deliveries whose chain is gone)."""
    src, dst = ctl.entities.get(scid), ctl.entities.get(dcid)
    if src is None or dst is None or src.kind != "design" or dst.kind != "design":
        return None
    if src.design_id is None or dst.design_id is None:  # no node: no link drawn between them
        return None
    return ctl.scene.link_between((src.design_id, sbox), (dst.design_id, dbox))
