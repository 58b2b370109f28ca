"""Draws every message token and link pulse of the live view on one item, moved by one timer.

The live controller turns deliveries into tokens travelling along the LinkItem paths they really
took (or a fallback curve when the link is not drawn, e.g. a Selector's dynamic outboxes). In
high-rate mode it hands over link pulses instead: chevrons flowing along busy links. The timer runs
only while something moves; hovering a token shows its message.
"""

from __future__ import annotations

import bisect
import math
import time
from collections import deque
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsSceneHoverEvent,
    QStyleOptionGraphicsItem,
    QWidget,
)

from workbench.ui.canvas.link_item import LinkItem
from workbench.ui.canvas.style import Z_WIRE, Fonts, pill, theme_of
from workbench.ui.theme import Theme

FRAME_MS = 16
BASE_TRAVEL = 0.7
"""Seconds a token takes along a link at speed 1.0."""
MAX_TOKENS = 600
MAX_BACKLOG = 2.0
"""A token that would wait longer than this many travel times behind others is not drawn."""
TRAIL = (0.035, 0.07, 0.105)
PULSE_SPACING = 60.0
"""Scene units between two chevrons of a pulsing link."""
SAMPLES = 40


class ArcTable:
    """A path sampled into a polyline with cumulative lengths: cheap points by distance."""

    __slots__ = ("cum", "length", "path", "points")

    def __init__(self, path: QPainterPath) -> None:
        self.path = QPainterPath(path)
        self.points = [path.pointAtPercent(i / SAMPLES) for i in range(SAMPLES + 1)]
        self.cum = [0.0]
        for a, b in zip(self.points, self.points[1:], strict=False):
            self.cum.append(self.cum[-1] + math.hypot(b.x() - a.x(), b.y() - a.y()))
        self.length = self.cum[-1]

    def at(self, fraction: float) -> tuple[QPointF, float, float]:
        """Point at ``fraction`` of the length, with the unit direction (ux, uy) there."""
        d = max(0.0, min(1.0, fraction)) * self.length
        i = max(1, min(len(self.cum) - 1, bisect.bisect_left(self.cum, d)))
        a, b = self.points[i - 1], self.points[i]
        seg = self.cum[i] - self.cum[i - 1]
        t = (d - self.cum[i - 1]) / seg if seg > 0 else 0.0
        dx, dy = b.x() - a.x(), b.y() - a.y()
        norm = math.hypot(dx, dy) or 1.0
        return QPointF(a.x() + dx * t, a.y() + dy * t), dx / norm, dy / norm


@dataclass
class Token:
    """One message on its way.

    Attributes:
        path: the scene path it travels (a link's, read live when ``link`` is set).
        start: ``time.monotonic()`` when it leaves.
        duration: seconds to arrive.
        kind: "new", "closing", "eos" or "data" (the colour).
        label: the message type.
        value: the message's truncated repr.
        where: "source.box → sink.box" for the tooltip.
        link: the LinkItem it rides on, if drawn.
    """

    path: QPainterPath
    start: float
    duration: float
    kind: str
    label: str
    value: str
    where: str
    link: LinkItem | None = None
    pos: QPointF | None = None
    progress: float = 0.0
    table: ArcTable | None = field(default=None, repr=False)


class TokenLayerItem(QGraphicsItem):
    """The single item holding all tokens and pulses.

    Attributes:
        speed: slow motion factor (0.25 = four times slower); travel time is BASE_TRAVEL / speed.
        enabled: draw tokens at all (the toolbar's Tokens toggle).
        drawn, skipped: tokens drawn so far, and deliveries not drawn (over the caps).
        recent: (message type, "source.box → sink.box") of the last 500 tokens queued.
    """

    def __init__(self) -> None:
        """Create the layer (add it to the scene yourself)."""
        super().__init__()
        self.tokens: list[Token] = []
        self.pulses: list[tuple[LinkItem, float]] = []
        self.speed = 1.0
        self.enabled = True
        self.drawn = 0
        self.skipped = 0
        self.recent: deque[tuple[str, str]] = deque(maxlen=500)
        self._last_start: dict[int, float] = {}
        self._bounds = QRectF()
        self._phase = 0.0
        self._tables: dict[int, ArcTable] = {}
        self.setZValue(Z_WIRE - 1)
        self.setAcceptHoverEvents(True)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, False)
        self.timer = QTimer()
        self.timer.setInterval(FRAME_MS)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self.tick)

    @property
    def travel(self) -> float:
        """Seconds a token takes along one link at the current speed."""
        return BASE_TRAVEL / max(0.05, self.speed)

    # -- feeding ----------------------------------------------------------------------------
    def add(
        self,
        path: QPainterPath,
        kind: str,
        label: str,
        value: str,
        where: str,
        link: LinkItem | None = None,
        delay: float = 0.0,
    ) -> bool:
        """Queue a token; returns False when it was not drawn (disabled, over the caps)."""
        if not self.enabled or len(self.tokens) >= MAX_TOKENS:
            self.skipped += 1
            return False
        now = time.monotonic()
        travel = self.travel
        key = id(link) if link is not None else id(path)
        start = max(now + delay, self._last_start.get(key, 0.0) + travel / 6)
        if start - now > travel * MAX_BACKLOG:
            self.skipped += 1
            return False
        self._last_start[key] = start
        self.tokens.append(Token(path, start, travel, kind, label, value, where, link))
        self.recent.append((label, where))
        self.drawn += 1
        self._ensure_running()
        return True

    def set_pulses(self, pulses: list[tuple[LinkItem, float]]) -> None:
        """Draw chevrons along ``(link, rate)`` pairs (high-rate mode); [] removes them.

        Chevrons do not run with the frame timer (that would repaint the busy links 30 times
        a second while the system is flooded); each call moves them a step, so refreshing at a
        couple of hertz makes them pulse at no cost in between.
        """
        self.pulses = [(link, rate) for link, rate in pulses if link.isVisible()]
        self._phase = (self._phase + PULSE_SPACING / 3) % PULSE_SPACING
        self._refresh_bounds()

    def clear(self) -> None:
        """Drop every token and pulse and stop the timer."""
        self.tokens.clear()
        self.pulses.clear()
        self._last_start.clear()
        self.timer.stop()
        self._refresh_bounds()

    def is_moving(self) -> bool:
        """True while the timer runs."""
        return self.timer.isActive()

    def table(self, token_or_link: Token | LinkItem) -> ArcTable:
        """The arc table of a token's path (its link's current path when it rides one)."""
        if isinstance(token_or_link, LinkItem):
            link = token_or_link
        elif token_or_link.link is not None:
            link = token_or_link.link
        else:
            token = token_or_link
            if token.table is None:
                token.table = ArcTable(token.path)
            return token.table
        path = link.path()
        table = self._tables.get(id(link))
        if table is None or table.path != path:
            table = self._tables[id(link)] = ArcTable(path)
        return table

    def _ensure_running(self) -> None:
        if not self.timer.isActive():
            self.timer.start()

    # -- animation --------------------------------------------------------------------------
    def tick(self) -> None:
        """Advance every token one frame; stop when nothing is left to move."""
        now = time.monotonic()
        alive = []
        for token in self.tokens:
            progress = (now - token.start) / token.duration
            if progress >= 1.0:
                continue
            alive.append(token)
            if progress < 0:
                token.pos = None
                continue
            token.progress = progress
            token.pos = self.table(token).at(_ease(progress))[0]
        self.tokens = alive
        if len(self._last_start) > 4 * MAX_TOKENS:
            self._last_start = {k: v for k, v in self._last_start.items() if v > now}
        if not self.tokens:
            self.timer.stop()
        if len(self._tables) > 4000:
            self._tables.clear()
        self._refresh_bounds()

    def _refresh_bounds(self) -> None:
        rect = QRectF()
        for token in self.tokens:
            if token.pos is not None:
                rect = rect.united(QRectF(token.pos.x() - 60, token.pos.y() - 30, 120, 60))
        for link, _rate in self.pulses:
            rect = rect.united(link.sceneBoundingRect())
        old = self._bounds
        if rect != old:
            self.prepareGeometryChange()
            self._bounds = rect
        self.update(old.united(rect))

    def boundingRect(self) -> QRectF:
        return QRectF(self._bounds)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        for token in self.tokens:
            if token.pos is not None:
                path.addEllipse(token.pos, 9, 9)
        return path

    # -- painting ---------------------------------------------------------------------------
    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        theme = theme_of(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for link, rate in self.pulses:
            self._paint_pulse(painter, link, rate, theme)
        font = Fonts.get("sub")
        metrics = QFontMetricsF(font)
        painter.setFont(font)
        leading: dict[int, tuple[Token, QPointF]] = {}  # each highlighted link's frontmost
        for token in self.tokens:
            pos = token.pos
            if pos is None:
                continue
            color = theme.token_color(token.kind)
            if token.kind == "data":
                self._paint_dot(painter, token, pos, color)
            else:
                self._paint_pill(painter, token, pos, color, metrics)
            if token.link is not None and token.link.highlighted:
                first = leading.get(id(token.link))
                if first is None or token.progress > first[0].progress:
                    leading[id(token.link)] = (token, pos)
        for token, pos in leading.values():  # one value callout per link, over the tokens
            self._paint_callout(painter, token, pos, theme, metrics)

    def _paint_dot(self, painter: QPainter, token: Token, pos: QPointF, color: QColor) -> None:
        table = self.table(token)
        painter.setPen(Qt.PenStyle.NoPen)
        for i, back in enumerate(TRAIL):
            t = token.progress - back
            if t <= 0:
                break
            trail = QColor(color)
            trail.setAlpha(150 - 45 * i)
            painter.setBrush(trail)
            painter.drawEllipse(table.at(_ease(t))[0], 3.2 - 0.7 * i, 3.2 - 0.7 * i)
        halo = QColor(color)
        halo.setAlpha(70)
        painter.setBrush(halo)
        painter.drawEllipse(pos, 7, 7)
        painter.setBrush(color)
        painter.setPen(QPen(QColor(255, 255, 255, 200), 1.2))
        painter.drawEllipse(pos, 4, 4)

    def _paint_pill(
        self, painter: QPainter, token: Token, pos: QPointF, color: QColor, metrics: QFontMetricsF
    ) -> None:
        width = metrics.horizontalAdvance(token.label) + 16
        rect = QRectF(pos.x() - width / 2, pos.y() - 9, width, 18)
        glow = QColor(color)
        glow.setAlpha(60)
        painter.setPen(QPen(glow, 4))
        painter.setBrush(color)
        painter.drawPath(pill(rect))
        painter.setPen(QColor("#ffffff") if token.kind != "new" else QColor("#0b1f10"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, token.label)

    def _paint_callout(
        self, painter: QPainter, token: Token, pos: QPointF, theme: Theme, metrics: QFontMetricsF
    ) -> None:
        text = token.value[:40]
        width = metrics.horizontalAdvance(text) + 14
        rect = QRectF(pos.x() - width / 2, pos.y() - 34, width, 18)
        painter.setPen(QPen(theme.accent, 1))
        painter.setBrush(theme.card)
        painter.drawRoundedRect(rect, 4, 4)
        painter.setPen(theme.text)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

    def _paint_pulse(self, painter: QPainter, link: LinkItem, rate: float, theme: Theme) -> None:
        table = self.table(link)
        length = table.length
        if length < 20:
            return
        color = QColor(theme.accent if link.highlighted else theme.data)
        color.setAlpha(200)
        pen = QPen(color, 1.8)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        d = self._phase
        while d < length - 8:
            p, ux, uy = table.at(d / length)
            back = QPointF(p.x() - 5 * ux, p.y() - 5 * uy)
            painter.drawLine(QPointF(back.x() - 4 * uy, back.y() + 4 * ux), p)
            painter.drawLine(QPointF(back.x() + 4 * uy, back.y() - 4 * ux), p)
            d += PULSE_SPACING

    # -- hover ------------------------------------------------------------------------------
    def token_at(self, pos: QPointF, radius: float = 10.0) -> Token | None:
        """The token drawn nearest scene point ``pos`` within ``radius``."""
        best, best_d = None, radius * radius
        for token in self.tokens:
            if token.pos is None:
                continue
            d = (token.pos.x() - pos.x()) ** 2 + (token.pos.y() - pos.y()) ** 2
            if d <= best_d:
                best, best_d = token, d
        return best

    def hoverMoveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        token = self.token_at(event.scenePos())
        self.setToolTip(f"{token.label}  {token.where}\n{token.value}" if token else "")
        super().hoverMoveEvent(event)


def _ease(t: float) -> float:
    """Ease in and out, so a token visibly leaves and arrives."""
    return t * t * (3 - 2 * t)
