"""Draws the crowded stretches of the timeline as density bars with counts, never row by row.

Called by timeline_paint for each frame that is not drawn arrow by arrow. The view is cut into
pixel bands of ``BAND_PX``; a band holding more rows than fit apart is counted through the rows'
tally blocks (``TimelineRows.aggregate``: bounded work, whatever the number of messages) and drawn
as one bar per lifeline pair and direction: messages to the right fill the upper half of the
band, to the left the lower half, with a solid edge on the receiver's side and an opacity that
grows with the logarithm of the count. A band's bars are kept, in content coordinates, while the
zoom, the rows and the columns stay the same, so scrolling and following live only count and
build the bands that are new on screen.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen

from workbench.ui.canvas.style import Fonts, pill
from workbench.ui.live.timeline_geometry import (
    BAND_PX,
    COL_W,
    HEADER_H,
    MIN_ROW_PX,
    RULER_W,
    TOP_PAD,
    PaintStats,
)

if TYPE_CHECKING:
    from workbench.ui.live.timeline_view import TimelineView
    from workbench.ui.theme import Theme

LEVELS = 8
"""Opacity steps of a bar: 1 message, 2-3, 4-7, ... 128 and more."""
COUNT_PX = 48
"""Height of the slots the bands' message counts are summed in (one pill per slot)."""
CACHE_BANDS = 20_000
_COLORS: dict[tuple[str, str, int], QColor] = {}

Band = tuple[int, int, int, dict, dict]
"""(first row, end row, messages, (kind, level) -> bar rects, kind -> edge rects)."""


def density_color(theme: Theme, kind: str, level: int) -> QColor:
    """The token colour of ``kind`` at opacity ``level`` (0..LEVELS-1), made once."""
    key = (theme.name, kind, level)
    color = _COLORS.get(key)
    if color is None:
        color = QColor(theme.token_color(kind))
        color.setAlpha(40 + (130 * level) // (LEVELS - 1))
        _COLORS[key] = color
    return color


def dense_bands(view: TimelineView, p: QPainter, xs, stats: PaintStats, h: int) -> list[int]:
    """Draw the visible crowded bands; return the rows of the sparse ones (drawn as arrows)."""
    rows = view.rows
    assert rows is not None
    zoom, origin = view.zoom, view.origin
    key, ids = view.band_summaries_key(), view.column_ids
    cache: dict[int, Band] = view.band_cache
    moved = ids[: len(view.band_ids)] != view.band_ids  # columns appended move no bar
    if key != view.band_key or moved or len(cache) > CACHE_BANDS:
        cache.clear()
        view.band_key = key
    view.band_ids = ids
    scroll = view.verticalScrollBar().value()
    hscroll = view.horizontalScrollBar().value()
    k0 = math.floor((scroll - TOP_PAD) / BAND_PX) - 1
    k1 = math.ceil((scroll - TOP_PAD + h - HEADER_H) / BAND_PX) + 1
    pos, n_rows = rows.pos, len(rows.pos)
    per_band = BAND_PX // MIN_ROW_PX
    content_x = {cid: x + hscroll for cid, x in xs.items()}
    i = bisect_left(pos, origin + k0 * BAND_PX / zoom)
    sparse: list[int] = []
    bars: dict[tuple[str, int], list[QRectF]] = {}
    edges: dict[str, list[QRectF]] = {}
    slots: dict[int, int] = {}
    for k in range(k0, k1 + 1):
        if i >= n_rows:
            break
        j = bisect_left(pos, origin + (k + 1) * BAND_PX / zoom, i)
        if j - i and j - i <= per_band:
            sparse.extend(range(i, j))
        elif j - i:
            band = cache.get(k)
            if band is None or band[0] != i or band[1] != j:
                band = build_band(view, k, i, j, content_x, stats)
                if j < n_rows:  # the last band still grows (its last row may collapse more)
                    cache[k] = band
            else:
                stats.cached += 1
            stats.bands += 1
            stats.aggregated += band[2]
            for style, rects in band[3].items():
                bars.setdefault(style, []).extend(rects)
            for kind, rects in band[4].items():
                edges.setdefault(kind, []).extend(rects)
            slot = int((k * BAND_PX + TOP_PAD - scroll) // COUNT_PX)
            slots[slot] = slots.get(slot, 0) + band[2]
        i = j
    if bars or edges:
        draw(view, p, bars, edges, hscroll, scroll)
    if slots:
        counts(view, p, slots)
    return sparse


def build_band(view: TimelineView, k: int, i: int, j: int, xs, stats: PaintStats) -> Band:
    """Count rows ``[i, j)`` and lay out their bars at band ``k`` (content coordinates)."""
    rows = view.rows
    assert rows is not None
    out: dict = {}
    stats.visits += rows.aggregate(i, j, out)
    y = TOP_PAD + k * BAND_PX
    half = (BAND_PX - 2) / 2
    bars: dict[tuple[str, int], list[QRectF]] = {}
    edges: dict[str, list[QRectF]] = {}
    total = 0
    for (src, dst, kind), n in out.items():
        total += n
        x1, x2 = xs.get(src), xs.get(dst)
        if x1 is None or x2 is None:
            continue
        level = min(LEVELS - 1, n.bit_length() - 1)
        lo, hi = (x1, x2) if x1 <= x2 else (x2, x1)
        if hi - lo < 8:  # to itself: a short bar on the right of its lifeline
            lo, hi = lo - 4, hi + 14
        top = y + 1 if x2 >= x1 else y + 1 + half
        bars.setdefault((kind, level), []).append(QRectF(lo, top, hi - lo, half))
        edges.setdefault(kind, []).append(QRectF(x2 - 2 if x2 >= x1 else x2, top, 2, half))
    return i, j, total, bars, edges


def draw(view: TimelineView, p: QPainter, bars, edges, hscroll: int, scroll: int) -> None:
    """Paint the collected bars, one brush at a time, shifted from content to the viewport."""
    theme = view.theme
    p.save()
    p.translate(-hscroll, HEADER_H - scroll)
    p.setPen(Qt.PenStyle.NoPen)
    for (kind, level), rects in bars.items():
        p.setBrush(density_color(theme, kind, level))
        p.drawRects(rects)
    for kind, rects in edges.items():
        p.setBrush(theme.token_color(kind))
        p.drawRects(rects)
    p.restore()


def counts(view: TimelineView, p: QPainter, slots: dict[int, int]) -> None:
    """A pill with the messages of each ``COUNT_PX`` slot, at the right edge."""
    theme = view.theme
    w = view.viewport().width()
    font = Fonts.get("mono")
    metrics = QFontMetricsF(font)
    p.setFont(font)
    right = min(w - 8, RULER_W + len(view.columns()) * COL_W - view.horizontalScrollBar().value())
    for slot, total in slots.items():
        text = f"{total:,} msgs"
        tw = metrics.horizontalAdvance(text) + 12
        rect = QRectF(max(RULER_W + 4, right - tw), HEADER_H + slot * COUNT_PX + COUNT_PX / 2 - 8,
                      tw, 16)  # fmt: skip
        p.setPen(QPen(theme.card_border, 1.0))
        p.setBrush(theme.card)
        p.drawPath(pill(rect))
        p.setPen(theme.text)
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
