"""Queue-depth badges and labels of the live view, from what the live model knows.

Used by the LiveController: at each refresh it puts the depths the model learnt from the last
``sampled`` event on every drawn component's inboxes (a badge per inbox, warning near a size
limit, the maximum over a stack), and the message log asks it how to name a component and which
connection an event belongs to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kamaelia_core.instrument import Event
from workbench.ui.live import kinds
from workbench.ui.live.live_node_item import LiveNodeItem

if TYPE_CHECKING:
    from workbench.ui.live.controller import LiveController

WARN_DEPTH = 64
"""An inbox this full (with no size limit) is flagged."""


def refresh_depths(ctl: LiveController) -> None:
    """Queue-depth badges (aggregated on stacks) and the service's dynamic-outbox count."""
    stacks: dict[int, dict[str, int]] = {}
    model = ctl.model.entities
    for ent in list(ctl.entities.values())[:5000]:
        live = model.get(ent.cid)
        if live is None or live.ended_t is not None:
            continue
        _, item = ctl._resolve(ent.cid)
        if item is None or not hasattr(item, "set_queue_depth"):
            continue
        if ent.kind == "service" and isinstance(item, LiveNodeItem):
            dynamic = live.dynamic_outboxes
            item.set_footer(f"+{dynamic} dynamic outboxes" if dynamic > 0 else "")
        agg = stacks.setdefault(id(item), {}) if item is not ent.item else None
        for name in live.inboxes:
            depth = live.depths.get(name, 0)
            if agg is not None:
                agg[name] = max(agg.get(name, 0), depth)
                continue
            limit = live.limits.get(name)
            warn = depth >= WARN_DEPTH or (limit is not None and depth >= 0.8 * limit)
            item.set_queue_depth(name, depth, warn)
    for cluster in ctl.layout.clusters.values():
        for stack in cluster.stacks.values():
            for name, depth in stacks.get(id(stack), {}).items():
                stack.set_queue_depth(name, depth, depth >= WARN_DEPTH)


# -- selection --------------------------------------------------------------------------


def describe(ctl: LiveController, ev: Event) -> tuple[str, str, str]:
    """Log labels of ``ev``: (source.box, sink.box, the connection's peer or "")."""
    source = label(ctl, ev.cid, ev.name, ev.box)
    sink = label(ctl, ev.sink_cid, ev.sink_name, ev.sink_box) if ev.sink_cid else ""
    conn = ""
    for cid in (ev.cid, ev.sink_cid):
        ent = ctl.entities.get(cid)
        if ent is not None and ent.peer and ent.kind in ("connection", "handler"):
            conn = ent.peer
            break
    return source, sink, conn


def label(ctl: LiveController, cid: int, name: str, box: str) -> str:
    """ "echo_server._socketactivity" for design nodes, "CSA#12.outbox" for live ones."""
    ent = ctl.entities.get(cid)
    base = kinds.short_name(name)
    if ent is not None and ent.kind == "design" and ent.item is not None:
        base = getattr(ent.item, "title", base)
    return f"{base}.{box}" if box else base


def banner_text(ctl: LiveController, rate: float) -> str:
    """Why the view is in high-rate mode, with what it collapsed."""
    clusters = ctl.layout.clusters.values()
    stacked = sum(s.stack_count for c in clusters for s in c.stacks.values())
    extra = f" · {stacked} live nodes collapsed" if stacked else ""
    return (
        f"tokens off above {ctl.high_rate:.0f} msg/s (now {rate:,.0f}/s){extra} · links show rates"
    )
