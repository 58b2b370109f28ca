"""The timeline's drawing surface: lifelines in columns, one arrow per message, time running down.

Sits between the timeline's rows (``TimelineRows`` over a ``TimelineModel``, both Qt-free) and the
screen. One QAbstractScrollArea paints the whole visible frame itself (``timeline_paint``): no
item per message, so the cost of a frame depends on the pixels shown, not on the messages kept.
This module owns the geometry (positions -> pixels), scrolling, follow-live, zoom (Ctrl+wheel),
hit-testing, tooltips, the selected message and the highlighted lifelines.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QMouseEvent, QPainter, QPaintEvent, QResizeEvent, QWheelEvent
from PySide6.QtWidgets import QAbstractScrollArea, QToolTip, QWidget

from kamaelia_core.instrument import Event
from workbench.runtime.timeline import Lifeline, TimelineModel
from workbench.runtime.timeline_rows import ORDER, TimelineRows
from workbench.ui.live import kinds, timeline_paint
from workbench.ui.live.log_model import fmt_time
from workbench.ui.live.timeline_geometry import (
    BAND_PX,
    COL_W,
    HEADER_H,
    MIN_ROW_PX,
    RULER_W,
    TIMES,
    TOP_PAD,
    PaintStats,
)
from workbench.ui.theme import DARK, Theme

ZOOMS = {ORDER: (22.0, 0.002, 90.0), "time": (1.5, 0.0005, 900.0)}
"""Spacing -> (default, least, most) pixels per unit."""
UPDATE_BUDGET = 40_000
"""Messages taken into the rows per refresh (a long backlog takes a few frames)."""
TitleFor = Callable[[Lifeline], tuple[str, str]]
"""Lifeline -> (title, subtitle) for its header."""


def default_title(line: Lifeline) -> tuple[str, str]:
    """Header text of a lifeline from the events alone: short name and what it is."""
    title = kinds.short_name(line.name)
    if line.kind == "connection":
        return title, line.peer or "connection"
    if line.kind == "handler":
        port = line.peer.rsplit(":", 1)[-1] if line.peer else ""
        return title, f"handler · {port}" if port else "handler"
    if line.kind == "service":
        return title, "service via CAT"
    return title, line.class_name or line.kind


class TimelineView(QAbstractScrollArea):
    """Draws one timeline and lets the user move around it and pick messages.

    Attributes:
        theme: Colours (the window's theme).
        stats: What the last paint drew.
        follow: Whether the view keeps the newest message in sight.
        selected: Serial of the selected message, or None.
        highlighted: Components whose lifelines are highlighted (a canvas selection).
    """

    message_clicked = Signal(object)  #: the Event of an arrow the user clicked
    lifeline_clicked = Signal(int)  #: cid of a lifeline header the user clicked
    follow_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelineView")
        self.setMouseTracking(True)
        self.viewport().setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.theme: Theme = DARK
        self.model: TimelineModel | None = None
        self.rows: TimelineRows | None = None
        self.title_for: TitleFor = default_title
        self.show_lifeline: Callable[[Lifeline], bool] | None = None
        """With a filter on: also show the lifelines this accepts (besides those in rows)."""
        self.zoom = ZOOMS[ORDER][0]
        self.follow = True
        self.selected: int | None = None
        self.highlighted: set[int] = set()
        self.stats = PaintStats()
        self.band_cache: dict[int, tuple] = {}
        """Band index -> its counted bars (see ``timeline_density``)."""
        self.band_key: tuple = ()
        self.band_ids: tuple[int, ...] = ()
        self._columns: list[Lifeline] = []
        self._columns_key: tuple = ()
        self.column_ids: tuple[int, ...] = ()
        """The cids of ``columns()``, left to right."""
        self.header_cache: tuple | None = None
        self.titles_version = 0
        """Bumped when ``title_for`` changes (the header pixmap is redrawn)."""
        self.origin = 0.0
        self._scrolling = False
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self.horizontalScrollBar().valueChanged.connect(lambda _v: self.viewport().update())

    # -- content ----------------------------------------------------------------------------
    def set_rows(self, rows: TimelineRows | None) -> None:
        """Show ``rows`` (None: nothing)."""
        self.rows = rows
        self.model = rows.model if rows is not None else None
        self.selected = None
        self.band_cache.clear()
        self._columns_key = ()
        self.refresh()

    def set_theme(self, theme: Theme) -> None:
        """Paint with ``theme``'s colours."""
        self.theme = theme
        self.viewport().update()

    def refresh(self) -> bool:
        """Take new messages into the rows, follow them if asked, repaint; True when a backlog
        remains for the next refresh."""
        rows = self.rows
        more = False
        if rows is not None:
            more = rows.update(UPDATE_BUDGET)
            origin = rows.pos[0] if rows.pos else 0.0
            if origin != self.origin and not self.follow:  # rows trimmed: keep the view still
                shift = (origin - self.origin) * self.zoom
                self._set_scroll(self.verticalScrollBar().value() - shift)
            self.origin = origin
        self._update_ranges()
        if self.follow:
            self._set_scroll(self.verticalScrollBar().maximum())
        self.viewport().update()
        return more

    def set_follow(self, on: bool) -> None:
        """Keep the newest message in sight (True) or stay where the user scrolled."""
        if on != self.follow:
            self.follow = on
            self.follow_changed.emit(on)
        if on:
            self._set_scroll(self.verticalScrollBar().maximum())

    def reset_zoom(self) -> None:
        """The default zoom of the rows' spacing."""
        self.set_zoom(ZOOMS[self._spacing()][0])

    def set_zoom(self, zoom: float, anchor_y: float | None = None) -> None:
        """Pixels per unit; the position under ``anchor_y`` (default: the middle) stays put."""
        _, least, most = ZOOMS[self._spacing()]
        zoom = max(least, min(most, zoom))
        if zoom == self.zoom:
            return
        y = anchor_y if anchor_y is not None else (HEADER_H + self.viewport().height()) / 2
        p = self.pos_at_y(y)
        self.zoom = zoom
        self.band_cache.clear()
        self._update_ranges()
        if self.follow:
            self._set_scroll(self.verticalScrollBar().maximum())
        else:
            self._set_scroll((p - self.origin) * zoom + TOP_PAD - (y - HEADER_H))
        self.viewport().update()

    def fit(self) -> None:
        """Zoom so that every kept row is in view."""
        rows = self.rows
        if rows is None or len(rows) < 2:
            return
        span = rows.pos[-1] - rows.pos[0]
        room = max(40.0, self.viewport().height() - HEADER_H - 2 * TOP_PAD)
        self.set_zoom(room / max(span, 1e-9))

    def _spacing(self) -> str:
        return self.rows.spacing if self.rows is not None else ORDER

    # -- selection --------------------------------------------------------------------------
    def select_serial(self, serial: int | None, scroll: bool = True) -> bool:
        """Select message ``serial`` and bring it into view; True when a row shows it."""
        self.selected = serial
        rows = self.rows
        exact = False
        if serial is not None and rows is not None:
            i, exact = rows.row_of(serial)
            if i is not None and scroll:
                self.set_follow(False)
                self.center_on(rows.pos[i])
        self.viewport().update()
        return exact

    def center_on(self, p: float) -> None:
        """Scroll so that position ``p`` is in the middle of the view."""
        middle = (self.viewport().height() - HEADER_H) / 2
        self._set_scroll((p - self.origin) * self.zoom + TOP_PAD - middle)

    def highlight(self, cids: set[int]) -> None:
        """Highlight the lifelines of ``cids`` (and scroll the first into view sideways)."""
        self.highlighted = set(cids)
        for j, line in enumerate(self.columns()):
            if line.cid in self.highlighted:
                x = RULER_W + j * COL_W
                bar = self.horizontalScrollBar()
                if not bar.value() <= x - RULER_W <= bar.value() + self.viewport().width() - 200:
                    bar.setValue(int(x - RULER_W - COL_W))
                break
        self.viewport().update()

    # -- geometry ---------------------------------------------------------------------------
    def columns(self) -> list[Lifeline]:
        """The lifelines shown, left to right (cached until the model or rows change)."""
        model, rows = self.model, self.rows
        if model is None or rows is None:
            return []
        filtered = rows.predicate is not None
        key = (id(model), model.version, rows.version, len(rows.involved), filtered)
        if key != self._columns_key:
            only = None
            if filtered:
                only = set(rows.involved)
                accept = self.show_lifeline
                if accept is not None:
                    only.update(cid for cid, line in model.lines.items() if accept(line))
            self._columns = model.columns(only)
            self._columns_key = key
            self.column_ids = tuple(line.cid for line in self._columns)
        return self._columns

    def y_of(self, p: float) -> float:
        """Viewport y of position ``p``."""
        scroll = self.verticalScrollBar().value()
        return HEADER_H + TOP_PAD + (p - self.origin) * self.zoom - scroll

    def pos_at_y(self, y: float) -> float:
        """Position at viewport y."""
        scroll = self.verticalScrollBar().value()
        return self.origin + (y - HEADER_H - TOP_PAD + scroll) / self.zoom

    def x_of_column(self, j: int) -> float:
        """Viewport x of column ``j``'s lifeline."""
        return RULER_W + j * COL_W + COL_W / 2 - self.horizontalScrollBar().value()

    def _update_ranges(self) -> None:
        rows = self.rows
        height = 0.0
        if rows is not None and rows.pos:
            height = (rows.pos[-1] - self.origin) * self.zoom + 2 * TOP_PAD
        room = self.viewport().height() - HEADER_H
        vbar = self.verticalScrollBar()
        vbar.setRange(0, max(0, min(2**31 - 2, math.ceil(height - room))))
        vbar.setPageStep(max(1, room))
        vbar.setSingleStep(max(8, round(self.zoom)))
        width = RULER_W + len(self.columns()) * COL_W + 40
        hbar = self.horizontalScrollBar()
        hbar.setRange(0, max(0, width - self.viewport().width()))
        hbar.setPageStep(max(1, self.viewport().width()))
        hbar.setSingleStep(COL_W // 4)

    def _set_scroll(self, value: float) -> None:
        self._scrolling = True
        try:
            self.verticalScrollBar().setValue(round(value))
        finally:
            self._scrolling = False

    def _on_scrolled(self, value: int) -> None:
        if not self._scrolling:  # the user moved: follow when at the bottom, else stay
            self.set_follow(value >= self.verticalScrollBar().maximum() - 2)
        self.viewport().update()

    # -- painting ---------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        """Draw the visible frame (see ``timeline_paint``)."""
        painter = QPainter(self.viewport())
        try:
            self.stats = timeline_paint.paint(self, painter)
        finally:
            painter.end()

    def band_summaries_key(self) -> tuple:
        """What the cached band counts depend on."""
        rows = self.rows
        return (id(rows), rows.version if rows is not None else 0, self.zoom, self.origin)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Keep the scroll ranges (and the bottom, when following) in step with the size."""
        super().resizeEvent(event)
        self._update_ranges()
        if self.follow:
            self._set_scroll(self.verticalScrollBar().maximum())

    # -- mouse ------------------------------------------------------------------------------
    def wheelEvent(self, event: QWheelEvent) -> None:
        """Ctrl+wheel zooms in time around the cursor; Shift+wheel scrolls sideways."""
        mods = event.modifiers()
        steps = event.angleDelta().y() / 120
        if mods & Qt.KeyboardModifier.ControlModifier:
            self.set_zoom(self.zoom * 1.25**steps, event.position().y())
            event.accept()
            return
        if mods & Qt.KeyboardModifier.ShiftModifier:
            bar = self.horizontalScrollBar()
            bar.setValue(bar.value() - round(steps * COL_W / 2))
            event.accept()
            return
        super().wheelEvent(event)

    def hit(self, point: QPoint) -> tuple[str, object]:
        """What is under ``point``: ("header", Lifeline), ("row", local row index),
        ("band", band index), or ("", None)."""
        x, y = point.x(), point.y()
        if y < HEADER_H:
            j = int((x - RULER_W + self.horizontalScrollBar().value()) // COL_W)
            cols = self.columns()
            return ("header", cols[j]) if x >= RULER_W and 0 <= j < len(cols) else ("", None)
        rows = self.rows
        if rows is None or not rows.pos or x < RULER_W:
            return "", None
        p = self.pos_at_y(y)
        if self.dense_at(y):
            return "band", rows.span(p, p)[0]
        reach = 5.0 / self.zoom
        i0, i1 = rows.span(p - reach, p + reach)
        xs = {line.cid: self.x_of_column(j) for j, line in enumerate(self.columns())}
        best, best_d = None, reach
        for i in range(i0, i1):
            ev = rows.first[i]
            x1, x2 = xs.get(ev.cid), xs.get(ev.sink_cid)
            if x1 is None or x2 is None:
                continue
            lo, hi = min(x1, x2) - 12, max(x1, x2) + (26 if x1 == x2 else 12)
            d = abs(rows.pos[i] - p)
            if lo <= x <= hi and d <= best_d:
                best, best_d = i, d
        return ("row", best) if best is not None else ("", None)

    def dense_at(self, y: float) -> bool:
        """Whether viewport y falls in a band drawn as counts (as ``timeline_density`` cuts
        them), rather than arrow by arrow."""
        rows = self.rows
        if rows is None or (rows.spacing == ORDER and self.zoom >= MIN_ROW_PX):
            return False
        i0, i1 = self.band_span(y)
        return i1 - i0 > BAND_PX // MIN_ROW_PX

    def band_span(self, y: float) -> tuple[int, int]:
        """The rows ``[i0, i1)`` of the pixel band at viewport y."""
        assert self.rows is not None
        k = math.floor((self.verticalScrollBar().value() + y - HEADER_H - TOP_PAD) / BAND_PX)
        start = self.origin + k * BAND_PX / self.zoom
        return self.rows.span(start, start + BAND_PX / self.zoom)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """Click an arrow to select it, a header to pick its component, a dense band to zoom."""
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        what, target = self.hit(event.position().toPoint())
        rows = self.rows
        if what == "row" and rows is not None and isinstance(target, int):
            self.select_serial(rows.serial[target], scroll=False)
            self.set_follow(False)
            self.message_clicked.emit(rows.first[target])
        elif what == "header" and isinstance(target, Lifeline):
            self.highlight({target.cid})
            self.lifeline_clicked.emit(target.cid)
        elif what == "band":
            self.set_follow(False)
            self.set_zoom(self.zoom * 4, event.position().y())
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        """Tell what is under the cursor: a message's type, value and path; a band's counts."""
        text = self.describe_at(event.position().toPoint())
        if text:
            QToolTip.showText(event.globalPosition().toPoint(), text, self.viewport())
        else:
            QToolTip.hideText()
        super().mouseMoveEvent(event)

    def describe_at(self, point: QPoint) -> str:
        """The tooltip for ``point`` ("" for nothing)."""
        what, target = self.hit(point)
        rows, model = self.rows, self.model
        if rows is None or model is None:
            return ""
        if what == "row" and isinstance(target, int):
            return describe_message(rows.first[target], rows.count[target], model, self.title_for)
        if what == "header" and isinstance(target, Lifeline):
            title, sub = self.title_for(target)
            state = target.state + (f": {target.traceback.strip().splitlines()[-1]}"
                                    if target.traceback.strip() else "")  # fmt: skip
            return f"{title}  ({target.class_name or target.kind})\n{sub}\n{state}"
        if what == "band":
            i0, i1 = self.band_span(point.y())
            out: dict = {}
            rows.aggregate(i0, i1, out)
            names = {line.cid: self.title_for(line)[0] for line in model.lines.values()}
            top = sorted(out.items(), key=lambda kv: -kv[1])[:6]
            lines = [f"{n:,}  {names.get(s, s)} → {names.get(d, d)}  ({k})" for (s, d, k), n in top]
            return f"{sum(out.values()):,} messages here (click to zoom in)\n" + "\n".join(lines)
        return ""


def describe_message(ev: Event, count: int, model: TimelineModel, title_for: TitleFor) -> str:
    """A message's tooltip: type (and count), seq and time, path, value."""
    names = {}
    for cid, name in ((ev.cid, ev.name), (ev.sink_cid, ev.sink_name)):
        line = model.lines.get(cid)
        names[cid] = title_for(line)[0] if line is not None else kinds.short_name(name)
    times = f" {TIMES}{count:,}" if count > 1 else ""
    when = fmt_time(ev.t - (model.t0 if model.t0 is not None else ev.t))
    return (
        f"{ev.msg_type or 'message'}{times}   #{ev.seq}  {when}\n"
        f"{names[ev.cid]}.{ev.box}  →  {names[ev.sink_cid]}.{ev.sink_box}\n{ev.value}"
    )
