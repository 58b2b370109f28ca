"""Lessons dock: lists the shipped lessons, shows one, opens its graph in the window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from workbench.model.lessons import load_lessons
from workbench.ui.main_window import MainWindow
from workbench.ui.panels.lessons import LessonsDock, install_lessons


@pytest.fixture
def window(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(settings=settings, autosave_dir=tmp_path / "auto")
    qtbot.addWidget(win)
    yield win
    win.shutdown()


def test_dock_lists_and_shows_lessons(qtbot):
    lessons = load_lessons()
    dock = LessonsDock(lessons)
    qtbot.addWidget(dock)
    assert dock.list.count() == len(lessons)
    assert dock.current() is lessons[0]
    dock.list.setCurrentRow(2)
    assert dock.current() is lessons[2]
    assert "TCPServer" in dock.text.toPlainText()
    with qtbot.waitSignal(dock.open_requested) as signal:
        dock.open_button.click()
    assert signal.args == [str(lessons[2].graph)]


def test_help_menu_opens_the_dock_and_the_lesson_opens_its_graph(window, qtbot):
    dock = window.findChild(LessonsDock) or install_lessons(window)
    help_menu = next(a.menu() for a in window.menuBar().actions() if "Help" in a.text())
    lessons_action = next(a for a in help_menu.actions() if "Lessons" in a.text())
    assert dock.isHidden()
    lessons_action.trigger()
    assert not dock.isHidden()
    dock.list.setCurrentRow(2)
    dock.open_button.click()
    assert window.docs.path is not None and window.docs.path.name == "echo_server.kgraph.json"
    assert any(n.name == "echo_server" for n in window.graph.nodes)


def test_no_lessons_is_said_plainly(qtbot):
    dock = LessonsDock([])
    qtbot.addWidget(dock)
    assert "No lessons" in dock.text.toPlainText()
    assert not dock.open_button.isEnabled()
