"""Points at a part of the window for a lesson's "Show me": a glowing frame over it, briefly.

The Lessons dock names targets by the words of ``workbench.model.lesson_steps.SHOW_TARGETS``;
this module finds the widget the window holds for each (raising its dock first) and draws an
accent-coloured frame over it for a moment. The frame ignores the mouse and removes itself.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QPoint, QRect, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QDockWidget, QWidget

log = logging.getLogger(__name__)

SHOW_MS = 1800
"""How long the frame stays."""
MARGIN = 4


class PointerFrame(QWidget):
    """A rounded accent frame drawn over another widget of the window."""

    def __init__(self, window: QWidget, target: QWidget, color: QColor) -> None:
        super().__init__(window)
        self.setObjectName("lessonPointer")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.color = QColor(color)
        top_left = target.mapTo(window, QPoint(0, 0))
        rect = QRect(top_left, target.size()).adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
        self.setGeometry(rect.intersected(window.rect()))
        self.raise_()
        self.show()
        QTimer.singleShot(SHOW_MS, self.deleteLater)

    def paintEvent(self, event: QPaintEvent) -> None:
        """The frame and a faint fill."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fill = QColor(self.color)
        fill.setAlpha(36)
        painter.setBrush(fill)
        painter.setPen(QPen(self.color, 3))
        painter.drawRoundedRect(self.rect().adjusted(2, 2, -2, -2), 7, 7)
        painter.end()


def target_widget(window: Any, target: str) -> QWidget | None:
    """The widget of ``window`` a ``show:`` target names (its dock shown and raised), or None."""
    actions = getattr(window, "actions_", {})
    if target in ("run", "pause", "step", "stop") and target in actions:
        return window.toolbar.widgetForAction(actions[target])
    live = getattr(window, "live", None)
    mine = getattr(window, "my_components", None)
    found: QWidget | None = {
        "traffic": getattr(live, "traffic_button", None),
        "speed": getattr(window, "speed_slider", None),
        "log-filter": getattr(getattr(live, "log_dock", None), "filter_edit", None),
        "palette": getattr(window, "palette_dock", None),
        "inspector": getattr(window, "properties", None),
        "canvas": getattr(window, "view", None),
        "components": _components_editor(mine) if target == "components" else None,
    }.get(target)
    if found is None:
        return None
    dock = found if isinstance(found, QDockWidget) else _dock_of(found)
    if dock is not None:
        dock.show()
        dock.raise_()
    return found


def _components_editor(mine: Any) -> QWidget | None:
    """The My components editor, opened on the user's file if it shows none yet."""
    if mine is None:
        return None
    if mine.dock is None or mine.dock.path is None:
        mine.open_editor()
    return mine.dock


def _dock_of(widget: QWidget) -> QDockWidget | None:
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QDockWidget):
        parent = parent.parentWidget()
    return parent


def point_at(window: Any, target: str) -> PointerFrame | None:
    """Frame the widget ``target`` names for a moment; None when the window has no such part."""
    widget = target_widget(window, target)
    if widget is None or not widget.isVisible():
        log.info("nothing to show for %r", target)
        return None
    return PointerFrame(window, widget, window.scene.theme.accent)
