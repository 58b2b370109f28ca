"""Lessons dock: guided tours of the component model, each opening its example graph.

Reads the lessons (``workbench.model.lessons``), lists them, shows the selected one as rich
text, and opens its graph in the window on request. ``install_lessons(window)`` adds the dock
(hidden until asked for) and a Help > Lessons action. The dock opens as a tab beside the
Inspector, with the whole right column to itself (stacked under it, both were squeezed to a few
lines); wherever the user moves it, it reopens there (and the window's saved state keeps it).
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDockWidget,
    QListWidget,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workbench.model.lessons import Lesson, LessonError, load_lessons

log = logging.getLogger(__name__)


MIN_WIDTH = 260
MIN_HEIGHT = 320
"""Enough for the list and a paragraph of a lesson (the dock is never a sliver)."""


class LessonsDock(QDockWidget):
    """A list of lessons above the selected lesson's text and an "Open its graph" button.

    Args:
        lessons: The lessons to offer.
        parent: The window.
    """

    open_requested = Signal(str)  #: path of the graph the user wants to open

    def __init__(self, lessons: list[Lesson], parent: QWidget | None = None) -> None:
        super().__init__("Lessons", parent)
        self.setObjectName("LessonsDock")
        self.lessons = lessons
        self.list = QListWidget()
        self.list.addItems([f"{i}. {lesson.title}" for i, lesson in enumerate(lessons, 1)])
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(False)
        self.open_button = QPushButton("Open this lesson's graph")
        self.open_button.clicked.connect(self._open_current)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.list)
        splitter.addWidget(self.text)
        splitter.setSizes([120, 480])
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)
        layout.addWidget(self.open_button)
        self.setWidget(body)
        self.setMinimumSize(MIN_WIDTH, MIN_HEIGHT)
        self.list.currentRowChanged.connect(self.show_lesson)
        if lessons:
            self.list.setCurrentRow(0)
        else:
            self.text.setPlainText("No lessons were found.")
            self.open_button.setEnabled(False)

    def current(self) -> Lesson | None:
        """The lesson on show, or None."""
        row = self.list.currentRow()
        return self.lessons[row] if 0 <= row < len(self.lessons) else None

    def show_lesson(self, row: int) -> None:
        """Show lesson ``row``'s text."""
        if not 0 <= row < len(self.lessons):
            return
        lesson = self.lessons[row]
        self.text.setMarkdown(lesson.body)
        self.open_button.setEnabled(lesson.graph is not None)

    def _open_current(self) -> None:
        lesson = self.current()
        if lesson is not None and lesson.graph is not None:
            self.open_requested.emit(str(lesson.graph))


def install_lessons(window: Any) -> LessonsDock:
    """Add the lessons dock (hidden) and a Help > Lessons action to ``window``."""
    try:
        lessons = load_lessons()
    except (LessonError, OSError) as exc:
        log.warning("lessons unavailable: %s", exc)
        window.show_status(f"Lessons unavailable: {exc}", error=True)
        lessons = []
    dock = LessonsDock(lessons, window)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    inspector = getattr(window, "properties", None)
    if inspector is not None:
        window.tabifyDockWidget(inspector, dock)  # a tab of the right column, not a third of it
    dock.hide()
    dock.open_requested.connect(window.open_file)
    action: QAction = dock.toggleViewAction()
    action.setText("&Lessons")
    action.setShortcut("F1")
    action.triggered.connect(lambda checked: dock.raise_() if checked else None)  # in front
    for menu_action in window.menuBar().actions():
        if menu_action.text().replace("&", "") == "Help":
            menu = menu_action.menu()
            menu.insertAction(menu.actions()[0] if menu.actions() else None, action)
            break
    return dock
