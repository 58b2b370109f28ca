"""Draws a component that exists only at run time (a CSA, a handler, the TCPServer, the Selector).

The live controller makes one per runtime-spawned component, or one per collapsed column ("CSA x
137"). It is a NodeItem card with live extras: the peer address, a "traffic" tag, a footer that
counts running and closing members or dynamic outboxes, and an "expand ▸" chip on stacks.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsSceneMouseEvent, QStyleOptionGraphicsItem, QWidget

from workbench.ui.canvas.boxes import BoxSpec
from workbench.ui.canvas.node_item import NodeItem
from workbench.ui.canvas.style import LABEL_LOD, Fonts, lod, pill, theme_of

FOOTER_H = 18.0


class LiveNodeItem(NodeItem):
    """A live-only card.

    Attributes:
        cid: the live component id (0 for a stack).
        footer: text in the footer row ("134 running · 3 closing", "+4 dynamic outboxes").
        tag: a small tag drawn in the header ("traffic"), or "".
        on_expand: called with this item when its "expand ▸" / "collapse ▾" chip is clicked.
        expanded: for stacks, whether the members are shown (the chip reads "collapse").
    """

    def __init__(
        self,
        cid: int,
        title: str,
        subtitle: str,
        category: str | None,
        inboxes: list[BoxSpec],
        outboxes: list[BoxSpec],
        service: bool = False,
        footer: str = "",
    ) -> None:
        """Build the card (movable, selectable) for live component ``cid``."""
        super().__init__(
            f"live:{cid}", title, subtitle, category, inboxes, outboxes, service=service
        )
        self.cid = cid
        self.footer = footer
        self.tag = ""
        self.on_expand: Callable[[LiveNodeItem], None] | None = None
        self.expanded = False
        self.running_fraction = 1.0
        self.setZValue(self.zValue() + 1)
        self._grow()

    def _grow(self) -> None:
        self.prepareGeometryChange()
        self.height = self._base_height() + (FOOTER_H if self._has_footer() else 0.0)

    def _base_height(self) -> float:
        from workbench.ui.canvas.style import HEADER_H, ROW_H

        return HEADER_H + self.row_count * ROW_H + 8

    def _has_footer(self) -> bool:
        return bool(self.footer) or self.on_expand is not None

    def set_footer(self, text: str, running_fraction: float | None = None) -> None:
        """Change the footer text (and the running bar of a stack)."""
        if running_fraction is not None:
            self.running_fraction = max(0.0, min(1.0, running_fraction))
        if text != self.footer:
            had = self._has_footer()
            self.footer = text
            if had != self._has_footer():
                self._grow()
            self.update()

    def set_tag(self, tag: str) -> None:
        """Show ``tag`` ("traffic") in the header; "" hides it."""
        if tag != self.tag:
            self.tag = tag
            self.update()

    def make_expandable(self, on_expand: Callable[[LiveNodeItem], None]) -> None:
        """Give the card an "expand ▸" chip that calls ``on_expand(self)``."""
        self.on_expand = on_expand
        self._grow()
        self.update()

    # -- painting -------------------------------------------------------------------------
    def chip_rect(self) -> QRectF:
        """Where the expand/collapse chip sits (local coordinates)."""
        return QRectF(self.width - 74, self.height - FOOTER_H + 1, 64, 14)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        super().paint(painter, option, widget)
        if lod(option, painter) < LABEL_LOD:
            return
        theme = theme_of(self)
        if self.tag:
            painter.setFont(Fonts.get("sub"))
            rect = QRectF(self.width - 86, 7, 56, 13)
            painter.setPen(QPen(theme.muted, 1))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(pill(rect))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.tag)
        if not self._has_footer():
            return
        top = self.height - FOOTER_H
        painter.setPen(QPen(theme.card_border, 1))
        painter.drawLine(QPointF(8, top), QPointF(self.width - 8, top))
        painter.setFont(Fonts.get("label_italic"))
        painter.setPen(theme.service if self.service else theme.muted)
        room = self.width - (90 if self.on_expand is not None else 24)
        painter.drawText(
            QRectF(12, top, room, FOOTER_H), Qt.AlignmentFlag.AlignVCenter, self.footer
        )
        if self.on_expand is not None:
            chip = self.chip_rect()
            painter.setPen(QPen(theme.accent, 1))
            fill = QColor(theme.accent)
            fill.setAlpha(40)
            painter.setBrush(fill)
            painter.drawPath(pill(chip))
            painter.setPen(theme.text)
            painter.setFont(Fonts.get("sub"))
            text = "collapse ▾" if self.expanded else "expand ▸"
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, text)
        if self.stack_count > 1:
            bar = QRectF(12, self.height - 4, self.width - 24, 2.5)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(theme.closing)
            painter.drawPath(pill(bar))
            bar.setWidth(bar.width() * self.running_fraction)
            painter.setBrush(theme.new)
            painter.drawPath(pill(bar))

    # -- interaction ----------------------------------------------------------------------
    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self.on_expand is not None and self.chip_rect().contains(event.pos()):
            self.on_expand(self)
            event.accept()
            return
        super().mousePressEvent(event)

    def __repr__(self) -> str:
        stack = f" x{self.stack_count}" if self.stack_count > 1 else ""
        return f"<LiveNodeItem {self.cid} {self.title!r}{stack} {self.state}>"
