"""Shows a GraphScene: zoom, pan, rubber-band selection, fit, dot grid, drops from the palette.

Zoomed out, labels are hidden by the items themselves and the viewport switches to full updates,
which measured cheapest with many moving items; the dot grid is cached with the background.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QFrame, QGraphicsScene, QGraphicsView, QWidget

from workbench.ui.canvas.minimap import MiniMap
from workbench.ui.canvas.style import DETAIL_LOD

MIME_COMPONENT = "application/x-kamaelia-component"
MIN_ZOOM, MAX_ZOOM = 0.1, 3.0
FULL_UPDATE_BELOW = 0.6


class GraphView(QGraphicsView):
    """The canvas widget."""

    zoom_changed = Signal(float)  #: current zoom factor (1.0 = 100 %)
    component_dropped = Signal(str, QPointF)  #: (catalog id, scene position)
    quick_add_requested = Signal(QPointF)  #: scene position for the quick-add popup

    def __init__(self, scene: QGraphicsScene | None = None, parent: QWidget | None = None) -> None:
        """Configure rendering and interaction; ``scene`` may be set later."""
        super().__init__(parent)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setRubberBandSelectionMode(Qt.ItemSelectionMode.IntersectsItemShape)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAcceptDrops(True)
        self.setMouseTracking(True)
        self._pan_from: QPointF | None = None
        self._space = False
        self.minimap = MiniMap(self)
        if scene is not None:
            self.setScene(scene)

    def setScene(self, scene: QGraphicsScene | None) -> None:
        super().setScene(scene)
        self.minimap.set_scene(scene)
        if scene is not None and hasattr(scene, "theme_changed"):
            scene.theme_changed.connect(self.resetCachedContent)

    # -- zoom ----------------------------------------------------------------------------
    def zoom(self) -> float:
        """The current zoom factor."""
        return self.transform().m11()

    def set_zoom(self, factor: float) -> None:
        """Zoom to ``factor`` (clamped to 10 %..300 %) around the view centre."""
        factor = max(MIN_ZOOM, min(MAX_ZOOM, factor))
        self.scale_by(factor / self.zoom())

    def scale_by(self, ratio: float) -> None:
        """Multiply the zoom by ``ratio`` (clamped)."""
        target = max(MIN_ZOOM, min(MAX_ZOOM, self.zoom() * ratio))
        ratio = target / self.zoom()
        if abs(ratio - 1.0) < 1e-6:
            return
        self.scale(ratio, ratio)
        mode = (
            QGraphicsView.ViewportUpdateMode.FullViewportUpdate
            if target < FULL_UPDATE_BELOW
            else QGraphicsView.ViewportUpdateMode.SmartViewportUpdate
        )
        self.setViewportUpdateMode(mode)
        set_low_detail = getattr(self.scene(), "set_low_detail", None)  # a GraphScene's
        if set_low_detail is not None:
            set_low_detail(target < DETAIL_LOD)
        self.resetCachedContent()
        self.minimap.update()
        self.zoom_changed.emit(target)

    def zoom_in(self) -> None:
        """Zoom in one step."""
        self.scale_by(1.2)

    def zoom_out(self) -> None:
        """Zoom out one step."""
        self.scale_by(1 / 1.2)

    def zoom_reset(self) -> None:
        """Back to 100 %."""
        self.set_zoom(1.0)

    def right_inset(self) -> int:
        """Pixels at the right covered by pinned overlays (the live legend), 0 when none."""
        covered = [
            w.width() + 16
            for w in self.findChildren(QWidget)
            if w.property("pinned_right") and w.isVisible()
        ]
        return max(covered, default=0)

    def shown_rect(self) -> QRectF:
        """What there is to see: the shown cards, groups, links and notes (items hidden in a
        collapsed stack and the token layer do not count); the scene's item bounds when there are
        none."""
        scene = self.scene()
        rect = QRectF()
        for item in scene.items():
            shown = getattr(item, "is_card", False) or hasattr(item, "frame_rect")
            shown = shown or getattr(item, "is_note", False)
            if (shown or hasattr(item, "link_id")) and item.isVisible():
                rect = rect.united(item.sceneBoundingRect())
        return rect if not rect.isEmpty() else scene.itemsBoundingRect()

    def fit_all(self) -> None:
        """Fit every item in the view (at most 100 %)."""
        scene = self.scene()
        if scene is None:
            return
        rect = self.shown_rect()
        if rect.isEmpty():
            self.zoom_reset()
            self.centerOn(0, 0)
            return
        rect.adjust(-40, -40, 40, 40)
        self._fit_rect(rect)
        inset = self.right_inset()
        width = self.viewport().width()
        if 0 < inset < width / 2 and self._overlay_hides_something():
            # keep the graph clear of the legend pinned at the right
            rect.adjust(0, 0, rect.width() * inset / (width - inset), 0)
            self._fit_rect(rect)

    def _fit_rect(self, rect: QRectF) -> None:
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        if self.zoom() > 1.0:
            self.set_zoom(1.0)
            self.centerOn(rect.center())
        self.scale_by(1.0)
        self.zoom_changed.emit(self.zoom())  # fitInView scales behind scale_by's back

    def _overlay_hides_something(self) -> bool:
        """True when a pinned overlay covers a shown card or a group's header."""
        scene = self.scene()
        for widget in self.findChildren(QWidget):
            if not (widget.property("pinned_right") and widget.isVisible()):
                continue
            area = self.mapToScene(widget.geometry()).boundingRect()
            for item in scene.items(area):
                if getattr(item, "is_card", False) and item.isVisible():
                    return True
                if hasattr(item, "frame_rect") and item.isVisible():
                    frame = item.frame_rect()
                    if area.intersects(QRectF(frame.topLeft(), frame.topRight() + QPointF(0, 30))):
                        return True
        return False
        self.zoom_changed.emit(self.zoom())
        self.minimap.update()

    # -- events --------------------------------------------------------------------------
    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            super().wheelEvent(event)
            return
        delta = event.angleDelta().y()
        if delta:
            self.scale_by(1.0015**delta)
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.MiddleButton or (
            self._space and event.button() == Qt.MouseButton.LeftButton
        ):
            self._pan_from = event.position()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            delta = event.position() - self._pan_from
            self._pan_from = event.position()
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - int(delta.x()))
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - int(delta.y()))
            self.minimap.update()
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            self._pan_from = None
            self.viewport().unsetCursor()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if self.itemAt(event.position().toPoint()) is None:
            self.quick_add_requested.emit(self.mapToScene(event.position().toPoint()))
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = True
        if event.key() == Qt.Key.Key_Tab:
            pos = self.mapFromGlobal(self.cursor().pos())
            if not self.viewport().rect().contains(pos):
                pos = self.viewport().rect().center()
            self.quick_add_requested.emit(self.mapToScene(pos))
            event.accept()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = False
        super().keyReleaseEvent(event)

    def focusNextPrevChild(self, next_: bool) -> bool:
        return False

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        self.minimap.update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.minimap.place()

    # -- drops from the palette ---------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasFormat(MIME_COMPONENT):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasFormat(MIME_COMPONENT):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        data = event.mimeData()
        if data.hasFormat(MIME_COMPONENT):
            component = bytes(data.data(MIME_COMPONENT).data()).decode("utf-8")
            self.component_dropped.emit(component, self.mapToScene(event.position().toPoint()))
            event.acceptProposedAction()
        else:
            super().dropEvent(event)

    # -- background ----------------------------------------------------------------------
    def drawBackground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        theme = getattr(self.scene(), "theme", None)
        if theme is None:
            super().drawBackground(painter, rect)
            return
        painter.fillRect(rect, theme.canvas)
        step = 20.0
        zoom = self.zoom()
        while step * zoom < 12:
            step *= 2
        color = QColor(theme.grid)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        size = max(1.0, 1.6 / zoom)
        x0 = int(rect.left() // step) * step
        y0 = int(rect.top() // step) * step
        y = y0
        while y < rect.bottom():
            x = x0
            while x < rect.right():
                painter.drawRect(QRectF(x, y, size, size))
                x += step
            y += step
