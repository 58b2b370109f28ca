"""Where a delivery's token travels: along the display links it crossed, or a fallback curve.

Used by the LiveController for each delivery it animates: the route (from LiveLinks) gives the
LinkItems in order and the token rides each in turn; a delivery with no drawn link (a Selector's
dynamic outbox, a link to the service that is hidden) gets a curve between the two cards, for
lifecycle messages only, so the busy data notifications do not scribble across the canvas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPointF
from PySide6.QtGui import QPainterPath

from kamaelia_core.instrument import Event
from workbench.ui.live import kinds
from workbench.ui.live.links import DisplayLink

if TYPE_CHECKING:
    from workbench.ui.live.controller import LiveController


def emit_token(ctl: LiveController, ev: Event, hops: list[DisplayLink], kind: str) -> None:
    """Queue the token(s) of delivery ``ev`` along ``hops`` (one per drawn link, in turn)."""
    where = f"{kinds.short_name(ev.name)}.{ev.box} → {kinds.short_name(ev.sink_name)}.{ev.sink_box}"
    if ctl.selected_only and not involves_selection(ctl, ev, hops):
        return
    if not hops:
        path = fallback_path(ctl, ev) if kind != "data" else None
        if path is not None:
            ctl.tokens.add(path, kind, ev.msg_type, ev.value, where)
        else:
            ctl.tokens.skipped += 1
        return
    delay = 0.0
    for disp in hops:
        if disp.item.isVisible():
            ctl.tokens.add(disp.item.path(), kind, ev.msg_type, ev.value, where,
                            link=disp.item, delay=delay)  # fmt: skip
            delay += ctl.tokens.travel


def fallback_path(ctl: LiveController, ev: Event) -> QPainterPath | None:
    """A curve from the sender's box to the receiver's box when no link is drawn between them."""
    _, src = ctl._resolve(ev.cid)
    _, dst = ctl._resolve(ev.sink_cid)
    if src is None or dst is None or src is dst or not src.isVisible() or not dst.isVisible():
        return None
    a = anchor_of(src, ev.box, out=True)
    b = anchor_of(dst, ev.sink_box, out=False)
    path = QPainterPath(a)
    bend = max(40.0, abs(b.x() - a.x()) * 0.5)
    path.cubicTo(QPointF(a.x() + bend, a.y()), QPointF(b.x() - bend, b.y()), b)
    return path


def involves_selection(ctl: LiveController, ev: Event, hops: list[DisplayLink]) -> bool:
    """True when ``ev`` crossed a selected link or touched a selected card."""
    if any(d.item.isSelected() or d.item.highlighted for d in hops):
        return True
    for cid in (ev.cid, ev.sink_cid):
        _, item = ctl._resolve(cid)
        if item is not None and item.isSelected():
            return True
    return False


# -- periodic refresh -------------------------------------------------------------------


def anchor_of(item: Any, box: str, out: bool) -> QPointF:
    """Scene point of box ``box`` on ``item``, or its card edge when the box is not drawn."""
    port = item.port(box, "out" if out else "in") if hasattr(item, "port") else None
    if port is not None:
        return port.anchor()
    rect = item.sceneBoundingRect()
    return QPointF(rect.right() - 8 if out else rect.left() + 8, rect.top() + 20)
