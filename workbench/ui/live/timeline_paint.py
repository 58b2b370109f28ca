"""Paints one frame of the timeline: lifelines and bars, arrows or counts, the ruler, the headers.

Called by TimelineView.paintEvent with the view's geometry (``y_of``, ``x_of_column``...). The
work of a frame is bounded by what is on screen: rows in view are found by bisection; where two
arrows would be closer than ``MIN_ROW_PX`` a pixel band is drawn as density bars per lifeline
pair, counted through the rows' tally blocks (and cached per band while the zoom holds), so
following a flood or scrolling a long run costs the same as a quiet one.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen, QPixmap, QPolygonF

from workbench.runtime.timeline import Lifeline
from workbench.runtime.timeline_rows import ORDER
from workbench.ui.canvas.style import Fonts, pill
from workbench.ui.live import timeline_density
from workbench.ui.live.log_model import fmt_time
from workbench.ui.live.timeline_geometry import (
    COL_W,
    HEADER_H,
    LABEL_PX,
    MIN_ROW_PX,
    RULER_W,
    TIMES,
    PaintStats,
)

if TYPE_CHECKING:
    from workbench.ui.live.timeline_view import TimelineView

TICK_PX = 64
GAP_MARK_S = 1.0
"""A pause this long between two drawn rows is labelled."""
SOLID = ("new", "closing", "eos")
_ELIDED: dict[tuple, str] = {}


def paint(view: TimelineView, p: QPainter) -> PaintStats:
    """Draw the visible frame of ``view``; returns what was drawn."""
    stats = PaintStats()
    theme = view.theme
    vp = view.viewport()
    w, h = vp.width(), vp.height()
    p.fillRect(0, 0, w, h, theme.canvas)
    cols = view.columns()
    xs: dict[int, float] = {}
    visible: list[tuple[float, Lifeline]] = []
    for j, line in enumerate(cols):
        x = view.x_of_column(j)
        xs[line.cid] = x
        if RULER_W - COL_W < x < w + COL_W:
            visible.append((x, line))
    rows = view.rows
    if rows is not None and rows.pos:
        p.setClipRect(QRectF(RULER_W, HEADER_H, w - RULER_W, h - HEADER_H))
        lifelines(view, p, visible, stats, h)
        messages(view, p, xs, stats, w, h)
        p.setClipping(False)
    else:
        p.setPen(theme.muted)
        p.setFont(Fonts.get("label"))
        text = "No messages yet: run a graph and its messages appear here, time running down"
        area = QRectF(RULER_W, HEADER_H, w - RULER_W, h - HEADER_H)
        p.drawText(area, Qt.AlignmentFlag.AlignCenter, text)
    ruler(view, p, h)
    headers(view, p, visible, w)
    return stats


# -- lifelines ------------------------------------------------------------------------------
def lifelines(view: TimelineView, p: QPainter, visible, stats: PaintStats, h: int) -> None:
    """Dashed lifelines, lifetime bars (spawned..ended), connection bars (newCSA..shutdownCSA)."""
    rows, theme = view.rows, view.theme
    assert rows is not None
    y_of = view.y_of
    for x, line in visible:
        starts = [rows.pos_at(line.spawned)] if line.spawned is not None else []
        if line.opened is not None:
            starts.append(rows.pos_of_message(line.opened))
        top = y_of(min(starts) if starts else rows.pos_of_message(line.first))
        bottom = h + 4.0
        if line.ended is not None:
            bottom = y_of(rows.pos_at(line.ended))
            if line.closed is not None:
                bottom = max(bottom, y_of(rows.pos_of_message(line.closed)))
        if bottom < HEADER_H or top > h:
            continue
        stats.lifelines += 1
        lit = line.cid in view.highlighted
        pen = QPen(theme.accent if lit else theme.card_border, 2.0 if lit else 1.0)
        pen.setStyle(Qt.PenStyle.SolidLine if lit else Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.drawLine(QPointF(x, max(top, HEADER_H)), QPointF(x, min(bottom, h + 4)))
        if line.kind == "connection" and line.opened is not None:
            y0 = y_of(rows.pos_of_message(line.opened))
            y1 = y_of(rows.pos_of_message(line.closed)) if line.closed is not None else h + 4
            connection_bar(view, p, x, y0, y1, line.closed is not None)
            stats.bars.append(("connection", line.cid, y0, y1, "closed" if line.closed else "open"))
        y0 = y_of(rows.pos_at(line.spawned)) if line.spawned is not None else top
        y1 = y_of(rows.pos_at(line.ended)) if line.ended is not None else h + 4
        life_bar(view, p, x, y0, y1, line)
        stats.bars.append(("life", line.cid, y0, y1, line.state))


def connection_bar(view: TimelineView, p: QPainter, x: float, y0: float, y1: float, closed: bool):
    """The connection's life, newCSA (green cap) to shutdownCSA (orange cap)."""
    theme = view.theme
    conn = theme.category_color("Internet")
    rect = QRectF(x - 7, y0, 14, max(3.0, y1 - y0))
    fill = QColor(conn)
    fill.setAlpha(38)
    p.setPen(QPen(conn, 1.0))
    p.setBrush(fill)
    p.drawRect(rect)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(theme.new)
    p.drawRect(QRectF(x - 7, y0, 14.5, 3))
    if closed:
        p.setBrush(theme.closing)
        p.drawRect(QRectF(x - 7, rect.bottom() - 2.5, 14.5, 3))


def life_bar(view: TimelineView, p: QPainter, x: float, y0: float, y1: float, line: Lifeline):
    """The component's activation, spawned to finished (grey cap) or crashed (red, with a ✕)."""
    theme = view.theme
    crashed = line.state == "crashed"
    width = 6 if line.kind == "connection" else 8
    rect = QRectF(x - width / 2, y0, width, max(2.0, y1 - y0))
    if crashed:
        fill = QColor(theme.error)
        fill.setAlpha(150)
        p.setPen(QPen(theme.error, 1.0))
    else:
        fill = QColor(theme.card_header)
        p.setPen(QPen(theme.card_border, 1.0))
    p.setBrush(fill)
    p.drawRect(rect)
    if line.ended is None:
        return
    if crashed:
        p.setPen(QPen(theme.error, 2.0))
        b = rect.bottom()
        p.drawLine(QPointF(x - 6, b - 6), QPointF(x + 6, b + 6))
        p.drawLine(QPointF(x - 6, b + 6), QPointF(x + 6, b - 6))
        p.setFont(Fonts.get("sub"))
        p.drawText(QPointF(x + 10, b + 4), "crashed")
    else:
        p.setPen(QPen(theme.state_color("finished"), 2.0))
        p.drawLine(QPointF(x - 8, rect.bottom()), QPointF(x + 8, rect.bottom()))


# -- messages -------------------------------------------------------------------------------
def messages(view: TimelineView, p: QPainter, xs, stats: PaintStats, w: int, h: int) -> None:
    """Arrows where they fit, density bars with counts where they do not."""
    rows = view.rows
    assert rows is not None
    zoom = view.zoom
    p_top, p_bottom = view.pos_at_y(HEADER_H - 2), view.pos_at_y(h + 2)
    selected = None
    if view.selected is not None:
        i, exact = rows.row_of(view.selected)
        selected = i if exact else None
    if rows.spacing == ORDER and zoom >= MIN_ROW_PX:  # every row a unit apart: all arrows fit
        i0, i1 = rows.span(p_top, p_bottom)
        sparse: range | list[int] = range(max(0, i0 - 1), i1)
    else:
        sparse = timeline_density.dense_bands(view, p, xs, stats, h)
    labels = zoom >= LABEL_PX
    pos = rows.pos
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    for i in sparse:
        y = view.y_of(pos[i])
        room = labels or _room(pos, i, zoom)
        arrow(view, p, i, y, xs, stats, room, i == selected, w)
        if i > 0 and rows.first[i].t - rows.first[i - 1].t >= GAP_MARK_S:
            gap = rows.first[i].t - rows.first[i - 1].t
            y_gap = y - (pos[i] - pos[i - 1]) * zoom / 2
            if y - y_gap >= 6:
                p.setPen(view.theme.muted)
                p.setFont(Fonts.get("sub"))
                p.drawText(QPointF(RULER_W + 8, y_gap + 4), f"⋯ {_seconds(gap)} later")


def _room(pos: list[float], i: int, zoom: float) -> bool:
    before = (pos[i] - pos[i - 1]) * zoom if i > 0 else LABEL_PX
    after = (pos[i + 1] - pos[i]) * zoom if i + 1 < len(pos) else LABEL_PX
    return min(before, after) >= LABEL_PX


def arrow(view, p: QPainter, i: int, y: float, xs, stats: PaintStats, label: bool, selected: bool,
          w: int) -> None:  # fmt: skip
    """One message from its sender's lifeline to its receiver's, coloured like its token."""
    rows, theme = view.rows, view.theme
    ev = rows.first[i]
    x1, x2 = xs.get(ev.cid), xs.get(ev.sink_cid)
    if x1 is None or x2 is None or max(x1, x2) + 30 < RULER_W or min(x1, x2) > w:
        return
    n = rows.count[i]
    kind = rows.kind(ev.msg_type)
    color = theme.accent if selected else theme.token_color(kind)
    if selected:
        band = QColor(theme.accent)
        band.setAlpha(40)
        p.fillRect(QRectF(RULER_W, y - 9, w - RULER_W, 18), band)
    width = 2.4 if selected else (1.7 if kind in SOLID else 1.2)
    p.setPen(QPen(color, width))
    p.setBrush(color)
    if x1 == x2:  # to itself: a small loop on the right of its lifeline
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawArc(QRectF(x1 + 2, y - 6, 22, 12), 90 * 16, -180 * 16)
        p.setBrush(color)
        tip, direction, mid = x1 + 6, -1, x1 + 40
    else:
        direction = 1 if x2 > x1 else -1
        start, tip = x1 + direction * 5, x2 - direction * 5
        p.drawLine(QPointF(start, y), QPointF(tip, y))
        if n > 1:  # a collapsed run: a second, fainter line under the first
            faint = QColor(color)
            faint.setAlpha(110)
            p.setPen(QPen(faint, 1.0))
            p.drawLine(QPointF(start, y + 3), QPointF(tip - direction * 4, y + 3))
        mid = (x1 + x2) / 2
    p.setPen(Qt.PenStyle.NoPen)
    p.drawPolygon(QPolygonF([QPointF(tip, y), QPointF(tip - direction * 7, y - 3.5),
                             QPointF(tip - direction * 7, y + 3.5)]))  # fmt: skip
    stats.arrows.append((ev.seq, y, x1, x2))
    if label or n > 1 or selected:
        text = (ev.msg_type or "message") + (f" {TIMES}{n:,}" if n > 1 else "")
        type_label(view, p, text, kind, mid, y, color if selected else None)
        stats.labels += 1
    if selected:
        value_callout(view, p, ev.value, max(x1, x2) + 14, y)


def type_label(view, p: QPainter, text: str, kind: str, mid: float, y: float, accent) -> None:
    """The message type above its arrow: a pill for lifecycle messages, plain text for data."""
    theme = view.theme
    font = Fonts.get("sub")
    p.setFont(font)
    width = QFontMetricsF(font).horizontalAdvance(text) + 12
    rect = QRectF(mid - width / 2, y - 15, width, 13)
    color = accent or theme.token_color(kind)
    if kind in SOLID:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(color)
        p.drawPath(pill(rect))
        p.setPen(QColor("#0b1f10") if kind == "new" else QColor("#ffffff"))
    else:
        back = QColor(theme.canvas)
        back.setAlpha(200)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(back)
        p.drawPath(pill(rect))
        p.setPen(color)
    p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)


def value_callout(view, p: QPainter, value: str, x: float, y: float) -> None:
    """The selected message's value in a mono callout beside the arrow."""
    theme = view.theme
    font = Fonts.get("mono")
    metrics = QFontMetricsF(font)
    text = metrics.elidedText(value, Qt.TextElideMode.ElideRight, 260)
    rect = QRectF(x, y - 9, metrics.horizontalAdvance(text) + 14, 18)
    p.setPen(QPen(theme.accent, 1.2))
    p.setBrush(theme.card)
    p.drawRoundedRect(rect, 4, 4)
    p.setFont(font)
    p.setPen(theme.text)
    p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)


# -- ruler and headers ------------------------------------------------------------------------
def ruler(view: TimelineView, p: QPainter, h: int) -> None:
    """Times down the left edge (from the first event), every ``TICK_PX`` pixels."""
    theme, rows, model = view.theme, view.rows, view.model
    p.fillRect(QRectF(0, HEADER_H, RULER_W, h - HEADER_H), theme.panel)
    p.setPen(QPen(theme.card_border, 1.0))
    p.drawLine(QPointF(RULER_W - 0.5, HEADER_H), QPointF(RULER_W - 0.5, h))
    if rows is None or model is None or not rows.pos or model.t0 is None:
        return
    font = Fonts.get("mono")
    p.setFont(font)
    scroll = view.verticalScrollBar().value()
    first = math.ceil(scroll / TICK_PX) * TICK_PX
    last_label = ""
    for cy in range(first, scroll + h, TICK_PX):
        y = HEADER_H + cy - scroll
        if y < HEADER_H + 6:
            continue
        t = rows.time_at(view.pos_at_y(y))
        if t is None:
            break
        label = fmt_time(t - model.t0)
        label = label[3:] if label.startswith("00:") else label
        p.setPen(QPen(theme.card_border, 1.0))
        p.drawLine(QPointF(RULER_W - 6, y), QPointF(RULER_W - 1, y))
        if label != last_label:
            p.setPen(theme.muted)
            align = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            p.drawText(QRectF(2, y - 8, RULER_W - 10, 16), align, label)
            last_label = label


def headers(view: TimelineView, p: QPainter, visible, w: int) -> None:
    """The sticky row of lifeline headers, drawn into a pixmap kept while nothing in it
    changes (columns, states, scroll sideways, highlight, theme, width)."""
    theme = view.theme
    key = (w, view.horizontalScrollBar().value(), view._columns_key, theme.name,
           frozenset(view.highlighted), view.titles_version,
           tuple((line.cid, line.state, line.closed is None, line.ended is None)
                 for _x, line in visible))  # fmt: skip
    cached = view.header_cache
    if cached is None or cached[0] != key:
        ratio = view.devicePixelRatioF()
        pixmap = QPixmap(max(1, round(w * ratio)), round(HEADER_H * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(theme.panel)
        painter = QPainter(pixmap)
        try:
            header_cards(view, painter, visible, w)
        finally:
            painter.end()
        cached = view.header_cache = (key, pixmap)
    p.drawPixmap(0, 0, cached[1])
    rows, model = view.rows, view.model
    if model is not None and model.forgotten and rows is not None and rows.pos:
        top = view.y_of(rows.pos[0])
        if top > HEADER_H + 4:
            p.setPen(theme.muted)
            p.setFont(Fonts.get("sub"))
            p.drawText(QPointF(RULER_W + 8, top - 8),
                       f"{model.forgotten:,} older messages forgotten (the newest "
                       f"{model.max_messages:,} are kept)")  # fmt: skip


def header_cards(view: TimelineView, p: QPainter, visible, w: int) -> None:
    """One card per lifeline: name, what it is, category bar and status dot; "TIME" corner."""
    theme = view.theme
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(QPen(theme.card_border, 1.0))
    p.drawLine(QPointF(0, HEADER_H - 0.5), QPointF(w, HEADER_H - 0.5))
    title_font, sub_font = Fonts.get("header"), Fonts.get("sub")
    title_metrics, sub_metrics = QFontMetricsF(title_font), QFontMetricsF(sub_font)
    p.setClipRect(QRectF(RULER_W, 0, w - RULER_W, HEADER_H))
    for x, line in visible:
        rect = QRectF(x - COL_W / 2 + 5, 6, COL_W - 10, HEADER_H - 12)
        lit = line.cid in view.highlighted
        p.setOpacity(0.55 if line.ended is not None and not lit else 1.0)
        p.setPen(QPen(theme.accent if lit else theme.card_border, 1.8 if lit else 1.0))
        p.setBrush(theme.card)
        p.drawRoundedRect(rect, 5, 5)
        bar = theme.service if line.kind == "service" else theme.category_color(line.category)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(bar)
        p.drawRoundedRect(QRectF(rect.left() + 1, rect.top() + 4, 3, rect.height() - 8), 1.5, 1.5)
        state = line.state if line.ended is not None else "running"
        if line.kind == "connection" and line.closed is not None and line.ended is None:
            state = "closing"
        p.setBrush(theme.state_color(state))
        p.drawEllipse(QPointF(rect.right() - 8, rect.top() + 8), 3.2, 3.2)
        title, sub = view.title_for(line)
        room = rect.width() - 24
        p.setFont(title_font)
        p.setPen(theme.text)
        p.drawText(QPointF(rect.left() + 9, rect.top() + 14), elided(title_metrics, title, room))
        p.setFont(sub_font)
        p.setPen(theme.muted)
        p.drawText(QPointF(rect.left() + 9, rect.top() + 27), elided(sub_metrics, sub, room + 12))
    p.setOpacity(1.0)
    p.setClipping(False)
    p.setPen(theme.muted)
    p.setFont(sub_font)
    p.drawText(QRectF(8, 0, RULER_W - 12, HEADER_H - 6),
               Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, "TIME")  # fmt: skip


def elided(metrics: QFontMetricsF, text: str, width: float) -> str:
    """``text`` elided to ``width`` with ``metrics`` (remembered: headers repeat every frame)."""
    key = (metrics.height(), text, width)
    hit = _ELIDED.get(key)
    if hit is None:
        if len(_ELIDED) > 4000:
            _ELIDED.clear()
        hit = _ELIDED[key] = metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
    return hit


def _seconds(dt: float) -> str:
    return f"{dt:.1f} s" if dt < 60 else f"{dt / 60:.1f} min"
