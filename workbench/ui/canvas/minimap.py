"""Shows the whole scene small in the canvas' bottom-right corner, with the visible area framed.

Cheap by design: node and group outlines are collected at most every half second (after a change);
the frame of the visible area is painted over it on every scroll. Clicking centres the view there.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView, QWidget

from workbench.ui.canvas.group_item import GroupItem
from workbench.ui.canvas.node_item import NodeItem

SIZE = (180, 110)


class MiniMap(QWidget):
    """An overview of the view's scene, child of the view's viewport corner."""

    def __init__(self, view: QGraphicsView) -> None:
        """Attach to ``view``; call :meth:`set_scene` when the view gets a scene."""
        super().__init__(view)
        self.view = view
        self.setFixedSize(*SIZE)
        self.setProperty("pinned_right", True)  # GraphView.fit_all keeps the cards clear of it
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._blocks: list[tuple[QRectF, bool, bool]] = []
        self._pixmap: QPixmap | None = None
        self._source = QRectF()
        self._scene: QGraphicsScene | None = None
        self._refresh = QTimer(self, singleShot=True, interval=500)
        self._refresh.timeout.connect(self.render_scene)

    def set_scene(self, scene: QGraphicsScene | None) -> None:
        """Follow ``scene`` (re-rendered after its changes)."""
        if self._scene is not None:
            self._scene.changed.disconnect(self._schedule)
        self._scene = scene
        if scene is not None:
            scene.changed.connect(self._schedule)
        self._schedule()

    def place(self) -> None:
        """Keep the map in the bottom-right corner of the viewport."""
        vp = self.view.viewport().geometry()
        self.move(vp.right() - SIZE[0] - 12, vp.bottom() - SIZE[1] - 12)

    def _schedule(self, *_args: object) -> None:
        if not self._refresh.isActive():
            self._refresh.start()

    def render_scene(self) -> None:
        """Collect the node and group outlines to draw (blocks, not a rendering of the items).

        Rendering the items themselves through ``QGraphicsScene.render`` would consume their
        device-coordinate caches' dirty state and leave the main view stale.
        """
        scene = self._scene
        self._blocks = []
        if scene is None or not hasattr(scene, "node_items"):
            self._source = QRectF()
            self.update()
            return
        rect = QRectF()
        for item in scene.items():  # the model's cards and the live view's own
            if not isinstance(item, GroupItem | NodeItem) or not item.isVisible():
                continue
            if isinstance(item, GroupItem):
                r, is_group = item.frame_rect(), True
            else:
                r, is_group = item.mapRectToScene(item.card_rect()), False
            self._blocks.append((r, is_group, item.isSelected()))
            rect = rect.united(r)
        self._source = rect.adjusted(-40, -40, 40, 40) if not rect.isEmpty() else QRectF()
        self._paint_blocks()
        self.update()

    def _paint_blocks(self) -> None:
        """Draw the outlines once into a pixmap; paintEvent only blits it."""
        theme = getattr(self._scene, "theme", None)
        dpr = self.devicePixelRatioF()
        pix = QPixmap(int(SIZE[0] * dpr), int(SIZE[1] * dpr))
        pix.setDevicePixelRatio(dpr)
        pix.fill(Qt.GlobalColor.transparent)
        if theme is not None:
            painter = QPainter(pix)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            for rect, is_group, selected in self._blocks:
                r = QRectF(self._to_map(rect.topLeft()), self._to_map(rect.bottomRight()))
                if is_group:
                    painter.setPen(QPen(theme.group_border, 1))
                    painter.setBrush(theme.group_fill)
                else:
                    painter.setPen(Qt.PenStyle.NoPen)
                    painter.setBrush(theme.accent if selected else theme.card_border)
                painter.drawRoundedRect(r, 1.5, 1.5)
            painter.end()
        self._pixmap = pix

    def _target(self) -> QRectF:
        """Where the source rect lands inside the widget (aspect kept)."""
        inner = QRectF(4, 4, SIZE[0] - 8, SIZE[1] - 8)
        if self._source.isEmpty():
            return inner
        scale = min(inner.width() / self._source.width(), inner.height() / self._source.height())
        w, h = self._source.width() * scale, self._source.height() * scale
        return QRectF(inner.center().x() - w / 2, inner.center().y() - h / 2, w, h)

    def _to_map(self, p: QPointF) -> QPointF:
        t = self._target()
        sx = t.width() / max(self._source.width(), 1)
        sy = t.height() / max(self._source.height(), 1)
        return QPointF(
            t.left() + (p.x() - self._source.left()) * sx,
            t.top() + (p.y() - self._source.top()) * sy,
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        theme = getattr(self._scene, "theme", None)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        back = QColor(theme.panel if theme else QColor("#202329"))
        back.setAlpha(235)
        painter.setPen(QPen(theme.card_border if theme else QColor("#3b404b"), 1))
        painter.setBrush(back)
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
        if self._pixmap is not None:
            painter.drawPixmap(0, 0, self._pixmap)
        if not self._source.isEmpty():
            visible = self.view.mapToScene(self.view.viewport().rect()).boundingRect()
            frame = QRectF(self._to_map(visible.topLeft()), self._to_map(visible.bottomRight()))
            accent = QColor(theme.accent if theme else QColor("#4d8dff"))
            painter.setPen(QPen(accent, 1.5))
            accent.setAlpha(30)
            painter.setBrush(accent)
            painter.drawRect(frame.intersected(QRectF(self.rect())))
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        t = self._target()
        if self._source.isEmpty() or t.width() <= 0:
            return
        p = event.position()
        x = self._source.left() + (p.x() - t.left()) * self._source.width() / t.width()
        y = self._source.top() + (p.y() - t.top()) * self._source.height() / t.height()
        self.view.centerOn(x, y)
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self.mousePressEvent(event)
