"""What the live view knows of each live component, kept in step with lifecycle events.

Used by the LiveController for each ``spawned``, ``finished``/``stopped``/``crashed`` event and for
the lifecycle messages that announce a closing connection (``socketShutdown``, ``shutdownCSA``):
it classifies the component (design node, singleton such as the TCPServer, connection, protocol
handler, service), pairs each handler with its connection so they share a row, and records how
and when it ended so the controller can draw it closing, crashed, then gone.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from kamaelia_core.instrument import Event
from workbench.ui.live import kinds
from workbench.ui.live.clusters import Entity, boxes_of

if TYPE_CHECKING:
    from workbench.ui.live.controller import LiveController

_OBJECT_CID = re.compile(r"object=\(?[A-Za-z_]\w*#(\d+)")


def spawned(
    ctl: LiveController, cid: int, name: str, cls: str, comp: Any, parent: int | None = None
) -> None:
    """Learn of a component (``comp``, or looked up by ``cid``) and queue it for a place."""
    comp = comp if comp is not None else ctl.session.component(cid)
    cls_name = kinds.class_label(cls) if cls else name.partition("#")[0]
    ent = Entity(cid, name, cls_name, "hidden", None)
    if parent is None and comp is not None and comp.parent is not None:
        parent = comp.parent.cid
    ent.parent = parent
    ctl.entities[cid] = ent
    built = ctl.design_of.get(cid)
    if comp is None and built is not None:
        comp = built  # a design component that already ended: the build still holds it
    if comp is None:
        spawned_and_gone(ctl, ent, cls, parent)
        return
    ent.inboxes, ent.outboxes, ent.declared_out = boxes_of(comp)
    place = ctl.session.placement(comp)
    ent.design_id = place.design_id
    if place.role == "design":
        ent.kind = "design"
        ent.item = ctl.scene.node_item(place.design_id)
        ctl.by_design[place.design_id] = cid
        if ctl.design_badges and hasattr(ent.item, "set_state"):
            ent.item.set_state("running")
    elif place.role == "service":
        ent.kind = "service"
        ctl._new.append(ent)
    elif place.role == "instance":
        owner = ctl.layout.templates.get(place.design_id)
        if owner is not None:
            ent.kind = "handler"
            ent.cluster = ctl.layout.cluster_for(owner)
            ctl._new.append(ent)
    elif place.design_id is not None:
        ent.kind = "connection" if hasattr(comp, "peer") else "singleton"
        ent.cluster = ctl.layout.cluster_for(place.design_id)
        peer = getattr(comp, "peer", None)
        if isinstance(peer, tuple) and len(peer) >= 2:
            ent.peer = f"{peer[0]}:{peer[1]}"
            ent.traffic = peer[1] in ctl.traffic_ports()
        elif getattr(comp, "port", None):
            ent.peer = f"port {comp.port}"
        if ent.cluster is not None:
            ctl._new.append(ent)
    for linkage in getattr(comp, "linkages", ()):
        key = (linkage.source.cid, linkage.sourcebox, linkage.sink.cid, linkage.sinkbox)
        ctl._add_link(key, linkage.passthrough)


def spawned_and_gone(ctl: LiveController, ent: Entity, cls: str, parent_cid: int | None) -> None:
    """Place a component that ended before this frame saw it (a handler that crashed on its
    first message): from its parent and its class as the catalog knows it."""
    parent = ctl.entities.get(parent_cid) if parent_cid is not None else None
    if parent is None or parent.kind != "design" or parent.design_id is None:
        return  # counted in the log, never drawn
    cluster = ctl.layout.cluster_for(parent.design_id)
    try:
        klass = ctl.session.catalog.resolve_class(cls)
    except LookupError:
        return
    if cluster is None:
        return
    if cls.endswith("SocketAdapter"):
        ent.kind = "connection"
    elif cluster.template is not None:
        ent.kind = "handler"
    else:
        return
    ent.inboxes, ent.outboxes, ent.declared_out = boxes_of(klass)
    ent.design_id = parent.design_id
    ent.cluster = cluster
    ctl._new.append(ent)


def pair(ctl: LiveController, ent: Entity) -> None:
    """Give a handler the row of the connection it is linked to (and the other way round)."""
    if ent.kind not in ("handler", "connection"):
        return
    for other_cid in ctl.neighbours.get(ent.cid, ()):
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


def closing_message(ctl: LiveController, ev: Event) -> None:
    """A socketShutdown/shutdownCSA delivery: draw its connection and handler closing (one
    that crashed stays drawn crashed: its connection closing afterwards changes nothing)."""
    cid = ev.cid if ev.msg_type == "socketShutdown" else None
    if cid is None or ctl.entities.get(cid, Entity(0, "", "", "", None)).kind != "connection":
        match = _OBJECT_CID.search(ev.value)
        cid = int(match.group(1)) if match else None
    ent = ctl.entities.get(cid) if cid is not None else None
    if ent is None or ent.kind != "connection":
        return
    for target in (ent, ctl.entities.get(ent.partner or -1)):
        if target is not None and not target.closing and target.state != "crashed":
            target.closing = True
            if target.item is not None:
                target.item.set_state("closing")
            if target.cluster is not None:
                ctl._dirty_clusters.add(id(target.cluster))


def ended(ctl: LiveController, ev: Event, now: float) -> None:
    """A component finished, stopped or crashed: record it (crash traceback included)."""
    ent = ctl.entities.get(ev.cid)
    if ent is None:
        return
    ent.ended_at = now
    if ent.kind == "connection":
        ctl.closed += 1
    crashed = ev.kind == "crashed"
    ent.state = "crashed" if crashed else "finished"
    if crashed:
        ent.traceback = (ev.extra or {}).get("traceback", "") or ev.value
    item = ent.item
    if ent.kind == "design":
        if ctl.design_badges and hasattr(item, "set_state"):
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
    return ctl.scene.link_between((src.design_id, sbox), (dst.design_id, dbox))
