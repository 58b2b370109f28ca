"""Draws the rubber line while the user drags from a box to wire a new link (red when illegal)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsPathItem, QStyleOptionGraphicsItem, QWidget

from workbench.ui.canvas.style import Z_WIRE, theme_of


class WireItem(QGraphicsPathItem):
    """A temporary curve from the drag's start port to the mouse.

    Attributes:
        legal: None while over no port, True over an acceptable port, False over a refused one.
    """

    def __init__(self, start: QPointF, from_outbox: bool) -> None:
        """Start at ``start``; the curve leaves an outbox rightwards, an inbox leftwards."""
        super().__init__()
        self.start = QPointF(start)
        self.from_outbox = from_outbox
        self.legal: bool | None = None
        self.setZValue(Z_WIRE)
        self.set_end(start, None)

    def set_end(self, end: QPointF, legal: bool | None) -> None:
        """Move the free end to ``end`` and record whether the port under it is legal."""
        self.legal = legal
        sign = 1 if self.from_outbox else -1
        bend = max(40.0, abs(end.x() - self.start.x()) * 0.5)
        path = QPainterPath(self.start)
        path.cubicTo(
            QPointF(self.start.x() + sign * bend, self.start.y()),
            QPointF(end.x() - sign * bend, end.y()),
            end,
        )
        self.setPath(path)
        self.update()

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        theme = theme_of(self)
        color = {None: theme.muted, True: theme.accent, False: theme.error}[self.legal]
        pen = QPen(color, 2)
        if self.legal is None:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(pen)
        painter.drawPath(self.path())
