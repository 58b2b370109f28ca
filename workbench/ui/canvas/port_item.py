"""Draws one inbox or outbox marker on a node card or group header, and starts wiring drags.

Markers: data boxes round and blue, control/signal amber diamonds, private ``_boxes`` grey; filled
when linked, hollow when not. An inbox can carry an orange queue-depth badge just outside it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsSceneHoverEvent,
    QGraphicsSceneMouseEvent,
    QStyleOptionGraphicsItem,
    QWidget,
)

from workbench.ui.canvas.boxes import BoxSpec
from workbench.ui.canvas.style import DETAIL_LOD, PORT_R, Fonts, diamond, lod, pill, theme_of

if TYPE_CHECKING:
    from workbench.ui.canvas.group_item import GroupItem
    from workbench.ui.canvas.link_item import LinkItem
    from workbench.ui.canvas.node_item import NodeItem
    from workbench.ui.theme import Theme


_MARKER_RECT = QRectF(-PORT_R - 3, -PORT_R - 3, 2 * PORT_R + 6, 2 * PORT_R + 6)


class PortItem(QGraphicsItem):
    """A box marker; its position (0, 0) is the point links attach to.

    Attributes:
        box: what the box is (name, direction, kind).
        links: the LinkItems attached here.
    """

    def __init__(self, owner: NodeItem | GroupItem, box: BoxSpec) -> None:
        """Create the marker as a child of ``owner`` (a NodeItem or GroupItem)."""
        super().__init__(owner)
        self.owner = owner
        self.box = box
        self.links: list[LinkItem] = []
        self.force_linked = False
        self.queue_depth = 0
        self.queue_warn = False
        self._hover = False
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setToolTip(
            f"{box.name} ({'inbox' if box.is_inbox else 'outbox'})"
            + (f"\n{box.description}" if box.description else "")
        )

    @property
    def node_id(self) -> str:
        """Model id of the node (or group) this box belongs to."""
        return self.owner.node_id

    @property
    def name(self) -> str:
        """The box name."""
        return self.box.name

    @property
    def is_linked(self) -> bool:
        """True when a link (or a hidden service link) is attached."""
        return self.force_linked or bool(self.links)

    def color(self, theme: Theme) -> QColor:
        """Return the marker colour for the box kind."""
        return {"control": theme.control, "private": theme.private}.get(self.box.kind, theme.data)

    def shown_owner(self) -> NodeItem | GroupItem | None:
        """The item that stands for this box on screen: its owner, or the collapsed group
        around it (None when nothing visible contains it)."""
        return self.owner if self.owner.isVisible() else self._shown_group()

    def _shown_group(self) -> GroupItem | None:
        """The innermost visible group around the hidden owner, or None."""
        group = self.owner.parent_group
        while group is not None and not group.isVisible():
            group = group.parent_group
        return group

    def anchor(self) -> QPointF:
        """Scene point links attach to; the collapsed group's edge when the owner is hidden."""
        group = self._shown_group() if not self.owner.isVisible() else None
        if group is not None:
            return group.collapsed_anchor(self.box.is_inbox)
        return self.scenePos()

    def set_queue_depth(self, depth: int, warn: bool = False) -> None:
        """Show ``depth`` as a badge beside the inbox (hidden at 0); ``warn`` turns it red."""
        if (depth, warn) != (self.queue_depth, self.queue_warn):
            self.prepareGeometryChange()
            self.queue_depth, self.queue_warn = depth, warn
            self.update()

    def add_link(self, link: LinkItem) -> None:
        """Attach ``link`` (marker becomes filled)."""
        self.links.append(link)
        self.update()

    def remove_link(self, link: LinkItem) -> None:
        """Detach ``link``."""
        if link in self.links:
            self.links.remove(link)
            self.update()

    def _badge_rect(self) -> QRectF:
        text = str(self.queue_depth)
        width = max(14.0, QFontMetricsF(Fonts.get("mono")).horizontalAdvance(text) + 8)
        x = -PORT_R - 4 - width if self.box.is_inbox else PORT_R + 4
        return QRectF(x, -7, width, 14)

    def boundingRect(self) -> QRectF:
        if self.queue_depth:
            return _MARKER_RECT.united(self._badge_rect().adjusted(-1, -1, 1, 1))
        return _MARKER_RECT

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        if lod(option, painter) < DETAIL_LOD:
            return
        theme = theme_of(self)
        color = self.color(theme)
        r = PORT_R + (1.5 if self._hover else 0)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(color, 1.5))
        painter.setBrush(QBrush(color) if self.is_linked else QBrush(theme.card))
        if self.box.kind == "control":
            painter.drawPolygon(diamond(QPointF(0, 0), r + 0.5))
        else:
            painter.drawEllipse(QPointF(0, 0), r, r)
        if self.queue_depth:
            rect = self._badge_rect()
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(theme.error if self.queue_warn else theme.warn)
            painter.drawPath(pill(rect))
            painter.setPen(QColor("#ffffff"))
            painter.setFont(Fonts.get("mono"))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(self.queue_depth))

    def hoverEnterEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self._hover = True
        self.update()
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self._hover = False
        self.update()
        super().hoverLeaveEvent(event)

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        scene = self.scene()
        if event.button() == Qt.MouseButton.LeftButton and hasattr(scene, "begin_wire"):
            scene.begin_wire(self, event.scenePos())
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        scene = self.scene()
        if hasattr(scene, "update_wire"):
            scene.update_wire(event.scenePos())

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        scene = self.scene()
        if hasattr(scene, "end_wire"):
            scene.end_wire(event.scenePos())

    def __repr__(self) -> str:
        return f"<PortItem {self.node_id}.{self.name} links={len(self.links)}>"
