"""Draws one component of the model as a card with its boxes; the live view sets its run state.

A rounded card: bold instance name, grey class text, the category colour bar at the left, a status
dot at the top right, inboxes on the left edge and outboxes on the right (labels inside the card).
A crash the card stands for (its own component's, or a per-connection copy's or member's) puts a red
"crashed" badge on its corner, the exception in place of the class text and the traceback in its
tooltip, and it stays there whatever run state comes next, until the card is reset to idle.
The card is cached in device coordinates; only state changes repaint it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QLinearGradient, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsSceneMouseEvent,
    QStyleOptionGraphicsItem,
    QWidget,
)

from workbench.ui.canvas.boxes import BoxSpec, layout_rows
from workbench.ui.canvas.port_item import PortItem
from workbench.ui.canvas.style import (
    CARD_RADIUS,
    HEADER_H,
    LABEL_LOD,
    MIN_CARD_W,
    ROW_H,
    Z_NODE,
    Fonts,
    lod,
    paint_glow,
    pill,
    snapped,
    theme_of,
)

if TYPE_CHECKING:
    from workbench.ui.canvas.group_item import GroupItem
    from workbench.ui.theme import Theme

STATES = ("idle", "running", "waiting", "finished", "crashed", "closing")
OWN_CRASH = ""
"""Key in ``NodeItem.crashes`` of the card's own component's crash."""
TOOLTIP_CRASHES = 3
"""Tracebacks a tooltip shows (the newest ones)."""


class NodeItem(QGraphicsItem):
    """A component card; ``model`` is the model object it shows (kept by reference).

    Attributes:
        node_id: the model's stable id.
        model: the model node (or any object; tests pass None).
        state: one of ``STATES``.
        detail: text shown for the state (a crash traceback), or None.
        crashes: component name -> traceback of each crash this card stands for (``OWN_CRASH``
            for its own component's); kept across later states, cleared by ``set_state("idle")``.
    """

    is_card = True
    """Links route around items that say so (``canvas.routing``)."""

    def __init__(
        self,
        node_id: str,
        title: str,
        subtitle: str = "",
        category: str | None = None,
        inboxes: list[BoxSpec] | None = None,
        outboxes: list[BoxSpec] | None = None,
        model: Any = None,
        service: bool = False,
    ) -> None:
        """Build the card and one PortItem per box."""
        super().__init__()
        self.node_id = node_id
        self.model = model
        self.title = title
        self.subtitle = subtitle
        self.category = category
        self.service = service
        self.state = "idle"
        self.detail: str | None = None
        self.crashes: dict[str, str] = {}
        self.closing = False
        self.stack_count = 0
        self.parent_group: GroupItem | None = None
        """The group this node sits in (set by the group)."""
        self._moving = False
        self.setFlags(
            QGraphicsItem.GraphicsItemFlag.ItemIsMovable
            | QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
            | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges
        )
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setZValue(Z_NODE)
        self.ports: dict[tuple[str, str], PortItem] = {}
        self._rows: list[tuple[int, PortItem]] = []
        self.set_boxes(inboxes or [], outboxes or [])

    # -- geometry -------------------------------------------------------------------------
    def set_boxes(self, inboxes: list[BoxSpec], outboxes: list[BoxSpec]) -> None:
        """(Re)build the ports; links attached to a box that survives are kept."""
        old = self.ports
        self.prepareGeometryChange()
        ins, outs, self.row_count = layout_rows(inboxes, outboxes)
        label = QFontMetricsF(Fonts.get("label"))
        title = QFontMetricsF(Fonts.get("title"))
        in_w = max((label.horizontalAdvance(b.name) for _, b in ins), default=0)
        out_w = max((label.horizontalAdvance(b.name) for _, b in outs), default=0)
        self.width = max(
            MIN_CARD_W,
            in_w + out_w + 48,
            title.horizontalAdvance(self.title) + 48,
            QFontMetricsF(Fonts.get("sub")).horizontalAdvance(self.subtitle) + 70,
        )
        self.width = round(self.width / 10) * 10
        self.height = HEADER_H + self.row_count * ROW_H + 8
        self.ports = {}
        self._rows = []
        for rows, x in ((ins, 0.0), (outs, self.width)):
            for row, box in rows:
                key = (box.direction, box.name)
                port = old.pop(key, None) or PortItem(self, box)
                port.box = box
                port.setPos(x, self.row_y(row))
                self.ports[key] = port
                self._rows.append((row, port))
        for port in old.values():
            for link in list(port.links):
                link.detach()
            if self.scene() is not None:
                self.scene().removeItem(port)
            port.setParentItem(None)  # type: ignore[arg-type]  # Qt takes None (no parent)
        self._refresh_links()

    def row_y(self, row: int) -> float:
        """Local y of the centre of box row ``row``."""
        return HEADER_H + row * ROW_H + ROW_H / 2

    def port(self, name: str, direction: str | None = None) -> PortItem | None:
        """Return the port for box ``name`` (inbox first when ``direction`` is None)."""
        if direction is not None:
            return self.ports.get((direction, name))
        return self.ports.get(("in", name)) or self.ports.get(("out", name))

    def boundingRect(self) -> QRectF:
        extra = 6.0 * min(self.stack_count, 2) if self.stack_count > 1 else 0.0
        return QRectF(-8, -8, self.width + 16 + extra, self.height + 16 + extra)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(self.card_rect(), CARD_RADIUS, CARD_RADIUS)
        return path

    def card_rect(self) -> QRectF:
        """The card in local coordinates."""
        return QRectF(0, 0, self.width, self.height)

    # -- live-view hooks ------------------------------------------------------------------
    def set_state(self, state: str, detail: str | None = None) -> None:
        """Show run state (idle, running, waiting, finished, crashed, closing); ``detail`` is
        the crash traceback (shown as tooltip) or None.

        "crashed" also records a crash badge; later states keep it (the card of a handler
        that crashed may still be drawn closing), "idle" (a new run, the edit look) clears it.
        """
        if state not in STATES:
            raise ValueError(f"unknown node state {state!r}")
        self.state, self.detail = state, detail
        if state == "crashed":
            self.crashes[OWN_CRASH] = detail or ""
        elif state == "idle":
            self.crashes.clear()
        self._show_tooltip()
        self.set_closing(state == "closing")
        self.update()

    def mark_crashed(self, who: str, traceback: str) -> None:
        """Badge the card for a crash of component ``who`` it stands for (a per-connection copy
        of this design node, a member of the handler this card draws), leaving its run state."""
        self.crashes[who] = traceback
        self._show_tooltip()
        self.update()

    def crash_text(self) -> str | None:
        """The crashes' tracebacks as one text (newest last), or None when there is none."""
        if not self.crashes:
            return None
        parts = []
        for who, text in list(self.crashes.items())[-TOOLTIP_CRASHES:]:
            parts.append(text if who == OWN_CRASH else f"{who} crashed:\n{text}")
        more = len(self.crashes) - TOOLTIP_CRASHES
        if more > 0:
            parts.insert(0, f"… and {more} earlier crash{'es' if more > 1 else ''}")
        return "\n\n".join(parts)

    def _show_tooltip(self) -> None:
        self.setToolTip(self.crash_text() or self.detail or "")

    def set_closing(self, closing: bool) -> None:
        """Draw the card faded (40 %), dashed, with a hollow dot and "closing…"; dims its links."""
        if closing == self.closing:
            return
        self.closing = closing
        self.setOpacity(0.4 if closing else 1.0)
        for port in self.ports.values():
            for link in port.links:
                link.set_dimmed(closing)
        self.update()

    def set_queue_depth(self, box: str, depth: int, warn: bool = False) -> None:
        """Show the queue depth badge beside inbox ``box`` (0 hides it)."""
        port = self.ports.get(("in", box))
        if port is not None:
            port.set_queue_depth(depth, warn)

    def set_stack_count(self, count: int) -> None:
        """Draw the card as a stack of ``count`` collapsed instances (0 or 1: a single card)."""
        self.prepareGeometryChange()
        self.stack_count = count
        self.update()

    def set_title(self, title: str, subtitle: str | None = None) -> None:
        """Change the texts in the header."""
        self.title = title
        if subtitle is not None:
            self.subtitle = subtitle
        self.update()

    def links(self) -> list:
        """All LinkItems attached to this node's ports."""
        return [link for port in self.ports.values() for link in port.links]

    # -- painting -------------------------------------------------------------------------
    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        theme = theme_of(self)
        detail = lod(option, painter)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = self.card_rect()
        selected = self.isSelected()
        for i in range(min(self.stack_count, 3) - 1, 0, -1):
            painter.setPen(QPen(theme.card_border, 1))
            painter.setBrush(theme.card)
            painter.drawRoundedRect(rect.translated(6 * i, 6 * i), CARD_RADIUS, CARD_RADIUS)
        if selected:
            paint_glow(painter, rect, CARD_RADIUS, theme.accent)
        border = theme.card_border
        if self.service:
            border = theme.service
        if self.crashes:
            border = theme.error
        if selected:
            border = theme.accent
        pen = QPen(border, 2 if selected else 1.2)
        if self.closing or self.service:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(theme.card)
        painter.drawRoundedRect(rect, CARD_RADIUS, CARD_RADIUS)
        self._paint_header(painter, theme, rect)
        if detail >= LABEL_LOD:
            self._paint_texts(painter, theme)
        self._paint_status(painter, theme)
        if self.crashes:
            self._paint_crash_badge(painter, theme)

    def crash_badge_rect(self) -> QRectF:
        """The red "crashed" badge, astride the card's top right corner (local coordinates)."""
        n = len(self.crashes)
        text = "crashed" if n <= 1 else f"{n} crashed"
        width = QFontMetricsF(Fonts.get("sub")).horizontalAdvance(text) + 14
        return QRectF(self.width - width - 22, -7, width, 14)

    def _paint_crash_badge(self, painter: QPainter, theme: Theme) -> None:
        rect = self.crash_badge_rect()
        n = len(self.crashes)
        painter.setPen(QPen(theme.card, 1.5))
        painter.setBrush(theme.error)
        painter.drawPath(pill(rect))
        painter.setPen(QColor("#ffffff"))
        painter.setFont(Fonts.get("sub"))
        painter.drawText(
            rect, Qt.AlignmentFlag.AlignCenter, "crashed" if n <= 1 else f"{n} crashed"
        )

    def _paint_header(self, painter: QPainter, theme: Theme, rect: QRectF) -> None:
        clip = QPainterPath()
        clip.addRoundedRect(rect.adjusted(0.6, 0.6, -0.6, -0.6), CARD_RADIUS, CARD_RADIUS)
        painter.save()
        painter.setClipPath(clip)
        header = QRectF(0, 0, rect.width(), HEADER_H - 4)
        if self.service:
            grad = QLinearGradient(header.topLeft(), header.bottomLeft())
            top = QColor(theme.service)
            top.setAlpha(90)
            bottom = QColor(theme.service)
            bottom.setAlpha(25)
            grad.setColorAt(0, top)
            grad.setColorAt(1, bottom)
            painter.fillRect(header, grad)
        else:
            painter.fillRect(header, theme.card_header)
        painter.fillRect(QRectF(0, 0, 3.5, HEADER_H - 4), theme.category_color(self.category))
        painter.restore()
        painter.setPen(QPen(theme.card_border, 1))
        painter.drawLine(QPointF(1, HEADER_H - 4), QPointF(rect.width() - 1, HEADER_H - 4))

    def _paint_texts(self, painter: QPainter, theme: Theme) -> None:
        painter.setPen(theme.text)
        painter.setFont(Fonts.get("title"))
        title = self.title if self.stack_count <= 1 else f"{self.title} × {self.stack_count}"  # noqa: RUF001
        painter.drawText(QRectF(12, 4, self.width - 36, 18), Qt.AlignmentFlag.AlignVCenter, title)
        painter.setFont(Fonts.get("sub"))
        painter.setPen(theme.muted)
        sub = "closing…" if self.closing else self.subtitle
        last = _last_line(self.crash_text() or "")
        if last:  # what went wrong, readable without hovering
            painter.setPen(theme.error)
            sub = last
        sub_rect = QRectF(12, 20, self.width - 36, 14)
        sub = QFontMetricsF(Fonts.get("sub")).elidedText(
            sub, Qt.TextElideMode.ElideRight, sub_rect.width()
        )
        painter.drawText(sub_rect, Qt.AlignmentFlag.AlignVCenter, sub)
        if self.service:
            painter.setPen(theme.service)
            painter.drawText(
                QRectF(self.width - 70, 20, 62, 14),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                "SERVICE",
            )
        for row, port in self._rows:
            box = port.box
            color = {"control": theme.control, "private": theme.muted}.get(box.kind, theme.text)
            painter.setPen(color)
            painter.setFont(Fonts.get("label_italic" if box.kind == "private" else "label"))
            y = self.row_y(row) - ROW_H / 2
            r = QRectF(12, y, self.width - 24, ROW_H)
            if box.is_inbox:
                painter.drawText(
                    r, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, box.name
                )
            else:
                painter.drawText(
                    r, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, box.name
                )

    def _paint_status(self, painter: QPainter, theme: Theme) -> None:
        center = QPointF(self.width - 14, 14)
        color = theme.state_color(self.state)
        if self.state == "running":
            halo = QColor(color)
            halo.setAlpha(60)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(halo)
            painter.drawEllipse(center, 7.5, 7.5)
        hollow = self.closing or self.state == "idle"
        painter.setPen(QPen(color, 1.5))
        painter.setBrush(Qt.BrushStyle.NoBrush if hollow else color)
        painter.drawEllipse(center, 4.5, 4.5)
        if self.stack_count > 1 and self.state == "running":
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(theme.new)
            painter.drawPath(pill(QRectF(12, self.height - 5, self.width - 24, 2.5)))

    # -- interaction ----------------------------------------------------------------------
    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: Any) -> Any:
        flag = QGraphicsItem.GraphicsItemChange
        if change in (flag.ItemPositionChange, flag.ItemSceneChange):
            self._card_changed()  # the area it leaves
        if change == flag.ItemPositionChange and (on_grid := snapped(self, value)) is not None:
            return on_grid
        if change == flag.ItemPositionHasChanged:
            self._card_changed()
            self._refresh_links()
            if self.parent_group is not None:
                self.parent_group.member_moved()
        if change == flag.ItemVisibleHasChanged:
            self._card_changed()
            self._refresh_links()
        return super().itemChange(change, value)

    def _card_changed(self) -> None:
        """Tell the scene this card's area changed (links near it may route anew)."""
        scene = self.scene()
        if scene is not None and hasattr(scene, "card_changed"):
            scene.card_changed(self.sceneBoundingRect())

    def _refresh_links(self) -> None:
        for port in self.ports.values():
            for link in port.links:
                link.update_path()

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        scene = self.scene()
        if hasattr(scene, "node_activated"):
            scene.node_activated.emit(self.node_id)
        super().mouseDoubleClickEvent(event)

    def __repr__(self) -> str:
        crashed = f" crashes={len(self.crashes)}" if self.crashes else ""
        return f"<NodeItem {self.node_id} {self.title!r} {self.state}{crashed}>"


def _last_line(text: str) -> str:
    """The last non-blank line of a traceback (the exception), or ""."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""
