"""Draws one model link as a curve from an outbox to an inbox, with its arrow and counter pill.

Data links are solid, control/signal links dashed amber. A link whose curve would cross cards is
routed around them (``canvas.routing``): backwards links loop over the cards, long forward ones run
through the gutter and along the bottom; the scene re-routes links near a card that moved.
``path()`` is in scene coordinates, so the live view can move tokens along it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QGraphicsPathItem, QStyleOptionGraphicsItem, QWidget

from workbench.ui.canvas import routing
from workbench.ui.canvas.port_item import PortItem
from workbench.ui.canvas.style import (
    DETAIL_LOD,
    LABEL_LOD,
    PORT_R,
    Z_LINK,
    Fonts,
    lod,
    pill,
    theme_of,
)

ARROW = 7.0
HEADER_H = 30.0
"""Height of a group's header (``group_item.HEADER``)."""
BAND = 700.0
"""How far above and below its ends a link looks for cards to route around."""
MAX_CARDS = 80


class LinkItem(QGraphicsPathItem):
    """A link between two ports.

    Attributes:
        link_id: the model's id for the link.
        model: the model link (kept by reference).
        source, sink: the PortItems it joins.
        counter_text: the text of the midpoint pill, or None.
    """

    def __init__(self, link_id: str, source: PortItem, sink: PortItem, model: Any = None) -> None:
        """Attach to both ports and compute the path."""
        super().__init__()
        self.link_id = link_id
        self.model = model
        self.source = source
        self.sink = sink
        self.counter_text: str | None = None
        self.highlighted = False
        self.dimmed = False
        self.width_scale = 1.0
        self.setZValue(Z_LINK)
        self.setFlag(QGraphicsPathItem.GraphicsItemFlag.ItemIsSelectable)
        self.setAcceptHoverEvents(True)
        source.add_link(self)
        sink.add_link(self)
        self.setToolTip(f"{source.node_id}.{source.name} → {sink.node_id}.{sink.name}")
        self.update_path()

    @property
    def is_control(self) -> bool:
        """True for a link leaving a control/signal box (drawn dashed amber)."""
        return self.source.box.kind == "control" or self.sink.box.kind == "control"

    def detach(self) -> None:
        """Unhook from both ports (before removal from the scene)."""
        self.source.remove_link(self)
        self.sink.remove_link(self)

    # -- live-view hooks ------------------------------------------------------------------
    def set_counter_text(self, text: str | None) -> None:
        """Show ``text`` (e.g. "12 msgs · 3/s") in a mono pill at the midpoint; None hides it."""
        if text != self.counter_text:
            self.prepareGeometryChange()
            self.counter_text = text
            self.update()

    def set_highlighted(self, on: bool) -> None:
        """Draw the link in the accent colour (e.g. the link of the selected log row)."""
        self.highlighted = on
        self.update()

    def set_dimmed(self, on: bool) -> None:
        """Fade the link (a closing node's links)."""
        self.dimmed = on
        self.setOpacity(0.35 if on else 1.0)

    def set_width_scale(self, scale: float) -> None:
        """Thicken the line (high-rate mode draws width by log of the rate)."""
        self.prepareGeometryChange()
        self.width_scale = max(0.5, scale)
        self.update()

    def midpoint(self) -> QPointF:
        """The scene point where the counter pill sits."""
        return self.path().pointAtPercent(0.5)

    # -- geometry -------------------------------------------------------------------------
    def update_path(self) -> None:
        """Recompute the curve from the ports' current anchors."""
        p1, p2 = self.source.anchor(), self.sink.anchor()
        self.setPath(self._route(p1, p2))
        self.setVisible(self._ends_visible())

    def _ends_visible(self) -> bool:
        a, b = self.source.shown_owner(), self.sink.shown_owner()
        return a is not None and b is not None and (a is not b or a is self.source.owner)

    def _route(self, p1: QPointF, p2: QPointF) -> QPainterPath:
        end = QPointF(p2.x() - PORT_R - 1 - ARROW, p2.y())
        cards, ends = self._cards_near(p1, p2)
        return routing.route(p1, end, cards, ends)

    def _cards_near(self, p1: QPointF, p2: QPointF) -> tuple[list[QRectF], list[QRectF]]:
        """Scene rectangles of the shown cards around the link, and of its two end cards."""
        ends = []
        for port in (self.source, self.sink):
            owner = port.shown_owner()
            if owner is not None and getattr(owner, "is_card", False):
                ends.append(_card_rect(owner))
            elif owner is not None and hasattr(owner, "frame_rect"):
                ends.append(_header_rect(owner))  # a group's socket sits in its header
        scene = self.scene()
        if scene is None:
            return ends, ends
        left, right = sorted((p1.x(), p2.x()))
        top, bottom = sorted((p1.y(), p2.y()))
        band = QRectF(left - 60, top - BAND, right - left + 120, bottom - top + 2 * BAND)
        cards = []
        for item in scene.items(band):
            if not item.isVisible():
                continue
            if getattr(item, "is_card", False):
                cards.append(_card_rect(item))
            elif hasattr(item, "frame_rect"):
                cards.append(_header_rect(item))  # keep off the sockets' labels
            if len(cards) >= MAX_CARDS:
                break
        return cards, ends

    def _pill_rect(self) -> QRectF:
        metrics = QFontMetricsF(Fonts.get("mono"))
        width = metrics.horizontalAdvance(self.counter_text or "") + 14
        mid = self.midpoint()
        return QRectF(mid.x() - width / 2, mid.y() - 8, width, 16)

    def boundingRect(self) -> QRectF:
        rect = self.path().boundingRect().adjusted(-8, -8, 8 + ARROW, 8)
        if self.counter_text:
            rect = rect.united(self._pill_rect().adjusted(-2, -2, 2, 2))
        return rect

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(10)
        return stroker.createStroke(self.path())

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        theme = theme_of(self)
        detail = lod(option, painter)
        color = QColor(theme.control if self.is_control else theme.link)
        if self.highlighted or self.isSelected():
            color = QColor(theme.accent)
        width = (2.6 if self.highlighted else 1.5) * self.width_scale
        pen = QPen(color, width)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        if self.is_control:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self.path())
        if detail < DETAIL_LOD:
            return
        tip = self.sink.anchor() - QPointF(PORT_R + 1, 0)
        head = QPolygonF(
            [
                tip,
                QPointF(tip.x() - ARROW - 1, tip.y() - 4),
                QPointF(tip.x() - ARROW - 1, tip.y() + 4),
            ]
        )
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawPolygon(head)
        if self.counter_text and detail >= LABEL_LOD:
            rect = self._pill_rect()
            painter.setPen(QPen(theme.card_border, 1))
            painter.setBrush(theme.canvas)
            painter.drawPath(pill(rect))
            painter.setPen(theme.muted)
            painter.setFont(Fonts.get("mono"))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.counter_text)

    def __repr__(self) -> str:
        return (
            f"<LinkItem {self.link_id} {self.source.node_id}.{self.source.name}"
            f" -> {self.sink.node_id}.{self.sink.name}>"
        )


def _card_rect(item: Any) -> QRectF:
    """The card's own rectangle in the scene (without its halo and badge margins)."""
    rect = item.card_rect() if hasattr(item, "card_rect") else item.boundingRect()
    return item.mapRectToScene(rect)


def _header_rect(group: Any) -> QRectF:
    """A group's header strip (title and sockets) in the scene."""
    frame = group.frame_rect()
    return QRectF(frame.left(), frame.top(), frame.width(), HEADER_H)
