"""Draws a watched link's last few messages in place, beside the link (as Max's watchpoints do).

Made by DebugTools when the user watches a link: the display link starts keeping its last
messages (``DisplayLink.recent``) and this callout, anchored at the link's midpoint, lists them
newest first, refreshed a few times a second while it lives.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from workbench.ui.canvas.link_item import LinkItem
from workbench.ui.canvas.style import Fonts, theme_of
from workbench.ui.live import kinds

KEEP = 5
WIDTH = 260.0
LINE_H = 15.0
REFRESH_MS = 250


class WatchCallout(QGraphicsItem):
    """The last ``KEEP`` messages of one watched link.

    Args:
        link: The LinkItem watched.
        controller: The LiveController (its display links hold the messages).
    """

    def __init__(self, link: LinkItem, controller: Any) -> None:
        super().__init__()
        self.link = link
        self.controller = controller
        self.lines: list[tuple[str, str]] = []
        disp = controller.links.by_item.get(link)
        if disp is not None and disp.recent is None:
            disp.recent = deque(maxlen=KEEP)
        self.setZValue(link.zValue() + 50)
        link.scene().addItem(self)
        self._timer = QTimer(interval=REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self.refresh()

    def refresh(self) -> None:
        """Follow the link and show its latest messages."""
        if self.link.scene() is None:
            self.detach()
            return
        disp = self.controller.links.by_item.get(self.link)
        lines = list(reversed(disp.recent)) if disp is not None and disp.recent else []
        mid = self.link.midpoint()
        self.setPos(mid.x() + 12, mid.y() + 10)
        if lines != self.lines:
            self.prepareGeometryChange()
            self.lines = lines
            self.update()

    def detach(self) -> None:
        """Stop watching: the link no longer keeps its messages, the callout goes."""
        self._timer.stop()
        disp = self.controller.links.by_item.get(self.link)
        if disp is not None:
            disp.recent = None
        if self.scene() is not None:
            self.scene().removeItem(self)

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, WIDTH, LINE_H * (max(1, len(self.lines)) + 1) + 8)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        theme = theme_of(self)
        rect = self.boundingRect()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fill = QColor(theme.card)
        fill.setAlpha(235)
        painter.setPen(QPen(theme.accent, 1.2))
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, 6, 6)
        painter.setFont(Fonts.get("sub"))
        painter.setPen(theme.accent)
        painter.drawText(
            QRectF(8, 3, WIDTH - 16, LINE_H), Qt.AlignmentFlag.AlignVCenter, "watch · newest first"
        )
        mono = Fonts.get("mono")
        metrics = QFontMetricsF(mono)
        painter.setFont(mono)
        if not self.lines:
            painter.setPen(theme.muted)
            painter.drawText(QRectF(8, 4 + LINE_H, WIDTH - 16, LINE_H), "no message yet")
        for i, (msg_type, value) in enumerate(self.lines):
            painter.setPen(theme.token_color(kinds.token_kind(msg_type)))
            text = metrics.elidedText(
                f"{msg_type}  {value}", Qt.TextElideMode.ElideRight, WIDTH - 16
            )
            painter.drawText(
                QRectF(8, 4 + LINE_H * (i + 1), WIDTH - 16, LINE_H),
                Qt.AlignmentFlag.AlignVCenter,
                text,
            )
