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


@pytest.fixture
def shown(qtbot, tmp_path):
    """Windows at 1600x1000, shown, sharing one settings file (a restart reads what the last
    one saved)."""
    made = []

    def make() -> MainWindow:
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        win = MainWindow(settings=settings, autosave_dir=tmp_path / "auto")
        qtbot.addWidget(win)
        win.resize(1600, 1000)
        win.show()
        qtbot.waitExposed(win)
        made.append(win)
        return win

    yield make
    for win in made:
        win.shutdown()


def _open_lessons(qtbot, win) -> LessonsDock:
    dock = win.lessons
    if dock.isHidden():
        dock.toggleViewAction().trigger()
    qtbot.waitUntil(lambda: dock.isVisible() and not dock.visibleRegion().isEmpty())
    return dock


def test_lessons_get_the_inspectors_column_not_a_sliver_of_it(qtbot, shown, tmp_path):
    win = shown()
    inspector = win.properties
    column = inspector.height()
    log_height = win.live.log_dock.height()
    assert log_height >= 200  # placing the Lessons does not take the message log's rows
    dock = _open_lessons(qtbot, win)
    win.grab().save(str(tmp_path / "lessons_1600x1000.png"))
    assert dock.height() >= column - 40  # the whole right column, not a third of it
    assert dock in win.tabifiedDockWidgets(inspector)
    assert inspector.height() >= column - 40  # and the Inspector is not squeezed either
    assert win.live.log_dock.height() == log_height
    dock.toggleViewAction().trigger()  # closed ...
    assert dock.isHidden()
    _open_lessons(qtbot, win)  # ... and opened again: same place, in front
    assert dock in win.tabifiedDockWidgets(inspector)


def test_where_the_user_puts_the_lessons_is_remembered(qtbot, shown):
    from PySide6.QtCore import Qt

    win = shown()
    dock = _open_lessons(qtbot, win)
    win.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)  # what a drag does
    dock.toggleViewAction().trigger()
    _open_lessons(qtbot, win)
    assert win.dockWidgetArea(dock) == Qt.DockWidgetArea.LeftDockWidgetArea
    win.shutdown()
    again = shown()  # the next start
    moved = _open_lessons(qtbot, again)
    assert again.dockWidgetArea(moved) == Qt.DockWidgetArea.LeftDockWidgetArea


def test_a_dock_layout_saved_before_lessons_had_a_place_is_not_restored(qtbot, shown, tmp_path):
    from PySide6.QtCore import Qt

    win = shown()
    win.lessons.show()
    win.splitDockWidget(win.properties, win.lessons, Qt.Orientation.Vertical)  # the old place
    old_state = win.saveState()  # no version: as the windows before saved it
    win.shutdown()
    win.settings.setValue("window/state", old_state)
    win.settings.sync()
    again = shown()
    dock = _open_lessons(qtbot, again)
    assert dock in again.tabifiedDockWidgets(again.properties)
