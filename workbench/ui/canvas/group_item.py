"""Draws a chassis (Pipeline, Graphline, ServerCore) as a translucent frame around its children.

The header holds the title, the class and the child count, and the group's own boxes as sockets so
child<->parent (passthrough) links have a target. The frame follows its members; dragging the header
moves them; the chevron (or a double-click on the header) collapses the group to its header.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsSceneMouseEvent,
    QStyleOptionGraphicsItem,
    QWidget,
)

from workbench.ui.canvas.boxes import BoxSpec
from workbench.ui.canvas.port_item import PortItem
from workbench.ui.canvas.style import LABEL_LOD, Z_GROUP, Fonts, lod, pill, theme_of

if TYPE_CHECKING:
    from workbench.ui.canvas.node_item import NodeItem

HEADER = 30.0
MARGIN = 22.0
SOCKET_H = 16.0


class GroupItem(QGraphicsItem):
    """A group frame. Members stay top-level scene items; the frame is computed from them.

    Attributes:
        node_id: the model id of the group node.
        model: the model object (by reference).
        members: the NodeItems / GroupItems inside.
        collapsed: True when only the header is shown.
    """

    def __init__(
        self,
        node_id: str,
        title: str,
        class_name: str = "",
        inboxes: list[BoxSpec] | None = None,
        outboxes: list[BoxSpec] | None = None,
        model: Any = None,
        origin: QPointF | None = None,
    ) -> None:
        """Create an empty group at ``origin``; add members with :meth:`add_member`."""
        super().__init__()
        self.node_id = node_id
        self.title = title
        self.class_name = class_name
        self.model = model
        self.category = "Chassis"
        self.members: list[NodeItem | GroupItem] = []
        self.collapsed = False
        self.state = "idle"
        self.detail: str | None = None
        self.parent_group: GroupItem | None = None
        self.origin = QPointF(origin) if origin is not None else QPointF(0, 0)
        self._rect = QRectF(self.origin, self.origin + QPointF(260, 140))
        self._drag_from: QPointF | None = None
        self._moving = False
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setZValue(Z_GROUP)
        self.setAcceptHoverEvents(True)
        self.ports: dict[tuple[str, str], PortItem] = {}
        for box in [*(inboxes or []), *(outboxes or [])]:
            self.ports[(box.direction, box.name)] = PortItem(self, box)
        self._update_geometry()

    # -- membership -----------------------------------------------------------------------
    def add_member(self, item: NodeItem | GroupItem) -> None:
        """Put ``item`` (a NodeItem or GroupItem) inside this frame."""
        if item not in self.members:
            self.members.append(item)
            item.parent_group = self
            if isinstance(item, GroupItem):
                item.setZValue(self.zValue() + 1)
            item.setVisible(not self.collapsed)
            self._update_geometry()

    def remove_member(self, item: NodeItem | GroupItem) -> None:
        """Take ``item`` out of the frame."""
        if item in self.members:
            self.members.remove(item)
            item.parent_group = None
            self._update_geometry()

    def member_moved(self) -> None:
        """Called by a member when it moved: refit the frame."""
        if not self._moving:
            self._update_geometry()

    def port(self, name: str, direction: str | None = None) -> PortItem | None:
        """Return the socket for the group's own box ``name``."""
        if direction is not None:
            return self.ports.get((direction, name))
        return self.ports.get(("in", name)) or self.ports.get(("out", name))

    # -- collapse -------------------------------------------------------------------------
    def set_collapsed(self, collapsed: bool) -> None:
        """Show only the header (members hidden, their outside links end on the header)."""
        self.collapsed = collapsed
        for item in self.members:
            item.setVisible(not collapsed)
        self._update_geometry()
        for item in self.members:
            for link in getattr(item, "links", list)():
                link.update_path()

    def collapsed_anchor(self, inbox: bool) -> QPointF:
        """Where links to hidden members attach: the left (inbox) or right edge of the header."""
        rect = self._rect
        return QPointF(rect.left() if inbox else rect.right(), rect.top() + HEADER / 2)

    def links(self) -> list:
        """LinkItems attached to the group's own sockets."""
        return [link for port in self.ports.values() for link in port.links]

    def set_state(self, state: str, detail: str | None = None) -> None:
        """Show the chassis' own run state as a dot in the header (like a NodeItem's)."""
        self.state, self.detail = state, detail
        self.setToolTip(detail or "")
        self.update()

    # -- geometry -------------------------------------------------------------------------
    def frame_rect(self) -> QRectF:
        """The frame in scene coordinates (the item sits at the scene origin)."""
        return QRectF(self._rect)

    def _update_geometry(self) -> None:
        shown = [m for m in self.members if m.isVisible()] if not self.collapsed else []
        if shown:
            rect = QRectF()
            for item in shown:
                r = item.frame_rect() if isinstance(item, GroupItem) else item.sceneBoundingRect()
                rect = rect.united(r)
            rect.adjust(-MARGIN, -MARGIN - HEADER, MARGIN, MARGIN)
            self.origin = rect.topLeft()
        else:
            rect = QRectF(self.origin, self.origin + QPointF(self._header_width(), HEADER))
            if not self.collapsed:
                rect.setHeight(140)
        rect.setWidth(max(rect.width(), self._header_width()))
        self.prepareGeometryChange()
        self._rect = rect
        self._place_sockets()
        if self.parent_group is not None:
            self.parent_group.member_moved()

    def _info_text(self) -> str:
        count = len(self.members)
        return f"{self.class_name}  \u00b7  {count} child{'ren' if count != 1 else ''}"

    def _header_width(self) -> float:
        header = QFontMetricsF(Fonts.get("header"))
        label = QFontMetricsF(Fonts.get("label"))
        sub = QFontMetricsF(Fonts.get("sub"))
        sockets = sum(label.horizontalAdvance(p.name) + 36 for p in self.ports.values())
        info = sub.horizontalAdvance(self._info_text())
        return 76 + header.horizontalAdvance(self.title) + sockets + info + 80

    def _socket_rects(self) -> list[tuple[PortItem, QRectF]]:
        label = QFontMetricsF(Fonts.get("label"))
        x = (
            self._rect.left()
            + 36
            + QFontMetricsF(Fonts.get("header")).horizontalAdvance(self.title)
        )
        x += 40
        out = []
        for port in self.ports.values():
            width = label.horizontalAdvance(port.name) + 26
            out.append(
                (port, QRectF(x, self._rect.top() + (HEADER - SOCKET_H) / 2, width, SOCKET_H))
            )
            x += width + 10
        return out

    def _place_sockets(self) -> None:
        for port, rect in self._socket_rects():
            if port.box.is_inbox:
                port.setPos(rect.left() + 9, rect.center().y())
            else:
                port.setPos(rect.right() - 9, rect.center().y())
            for link in port.links:
                link.update_path()

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-2, -2, 2, 2)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRect(
            QRectF(self._rect.topLeft(), QPointF(self._rect.right(), self._rect.top() + HEADER))
        )
        return path

    # -- painting -------------------------------------------------------------------------
    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        theme = theme_of(self)
        rect = self._rect
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        border = theme.accent if self.isSelected() else theme.group_border
        painter.setPen(QPen(border, 1.5 if self.isSelected() else 1))
        painter.setBrush(theme.group_fill)
        painter.drawRoundedRect(rect, 8, 8)
        header = QRectF(rect.left(), rect.top(), rect.width(), HEADER)
        head_fill = QColor(theme.group_fill)
        head_fill.setAlpha(min(255, head_fill.alpha() * 2))
        path = QPainterPath()
        path.addRoundedRect(header, 8, 8)
        painter.fillPath(path, head_fill)
        painter.setPen(QPen(theme.group_border, 1))
        if not self.collapsed:
            painter.drawLine(header.bottomLeft(), header.bottomRight())
        if lod(option, painter) < LABEL_LOD:
            return
        # chevron (click to collapse)
        painter.setPen(QPen(theme.muted, 1.5))
        cx, cy = rect.left() + 16, rect.top() + HEADER / 2
        if self.collapsed:
            painter.drawPolyline(
                [QPointF(cx - 2, cy - 4), QPointF(cx + 2, cy), QPointF(cx - 2, cy + 4)]
            )
        else:
            painter.drawPolyline(
                [QPointF(cx - 4, cy - 2), QPointF(cx, cy + 2), QPointF(cx + 4, cy - 2)]
            )
        painter.setPen(theme.text)
        painter.setFont(Fonts.get("header"))
        painter.drawText(
            QRectF(rect.left() + 28, rect.top(), rect.width(), HEADER),
            Qt.AlignmentFlag.AlignVCenter,
            self.title,
        )
        dot = QPointF(rect.right() - 14, rect.top() + HEADER / 2)
        color = theme.state_color(self.state)
        painter.setPen(QPen(color, 1.5))
        painter.setBrush(Qt.BrushStyle.NoBrush if self.state in ("idle", "closing") else color)
        painter.drawEllipse(dot, 4.5, 4.5)
        painter.setFont(Fonts.get("sub"))
        painter.setPen(theme.muted)
        info = self._info_text()
        painter.drawText(
            QRectF(rect.left(), rect.top(), rect.width() - 28, HEADER),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
            info,
        )
        painter.setFont(Fonts.get("label"))
        for port, srect in self._socket_rects():
            painter.setPen(QPen(theme.card_border, 1))
            painter.setBrush(theme.card)
            painter.drawPath(pill(srect))
            painter.setPen(port.color(theme) if port.box.kind != "data" else theme.text)
            text = (
                srect.adjusted(16, 0, -6, 0) if port.box.is_inbox else srect.adjusted(6, 0, -16, 0)
            )
            painter.drawText(text, Qt.AlignmentFlag.AlignVCenter, port.name)

    # -- interaction ----------------------------------------------------------------------
    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        pos = event.scenePos()
        if abs(pos.x() - (self._rect.left() + 16)) < 10:
            self.set_collapsed(not self.collapsed)
            event.accept()
            return
        self._drag_from = pos
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._drag_from is None:
            return
        delta = event.scenePos() - self._drag_from
        self._drag_from = event.scenePos()
        self.move_by(delta)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        report_moved = getattr(self.scene(), "report_moved", None)  # a GraphScene's
        if self._drag_from is not None and report_moved is not None:
            report_moved([self, *self.members])
        self._drag_from = None
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        self.set_collapsed(not self.collapsed)

    def move_by(self, delta: QPointF) -> None:
        """Move the frame and every member by ``delta``."""
        self._moving = True
        try:
            for item in self.members:
                if isinstance(item, GroupItem):
                    item.move_by(delta)
                else:
                    item.moveBy(delta.x(), delta.y())
            self.origin += delta
        finally:
            self._moving = False
        self._update_geometry()

    def __repr__(self) -> str:
        return f"<GroupItem {self.node_id} {self.title!r} members={len(self.members)}>"
