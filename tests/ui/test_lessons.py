"""Lessons dock: lists the shipped lessons, shows one, opens its graph in the window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, QSettings, Qt

from tests.ui.conftest import WINDOW_SIZE
from workbench.model.lesson_steps import Facts
from workbench.model.lessons import load_lessons
from workbench.ui.main_window import MainWindow
from workbench.ui.panels import lesson_pointer
from workbench.ui.panels.lesson_pointer import PointerFrame
from workbench.ui.panels.lesson_steps_view import first_sentence
from workbench.ui.panels.lessons import LessonsDock, install_lessons


@pytest.fixture
def window(make_window):
    return make_window()


def test_dock_lists_lessons_and_shows_the_steps_as_cards(qtbot):
    lessons = load_lessons()
    dock = LessonsDock(lessons)
    qtbot.addWidget(dock)
    dock.show()  # the cards are built once it is opened
    assert dock.chooser.count() == len(lessons)
    assert dock.current() is lessons[0]
    dock.chooser.setCurrentIndex(2)
    assert dock.current() is lessons[2]
    assert "TCPServer" in dock.intro.text()
    assert [card.step for card in dock.steps.cards] == list(lessons[2].steps)
    states = [card.state for card in dock.steps.cards]
    assert states == ["current"] + ["todo"] * (len(states) - 1)
    assert "Waiting for the lesson's graph open" in dock.steps.card(0).waiting.text()
    assert dock.progress_text.text() == f"Step 1 of {len(lessons[2].steps)} \u00b7 0 done"
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
    dock.chooser.setCurrentIndex(2)
    dock.open_button.click()
    # a copy: saving it never writes over the shipped lesson graph
    assert window.docs.path is None and window.docs.origin is not None
    assert window.docs.origin.name == "echo_server.kgraph.json"
    assert window.docs.display_name() == "echo_server (copy)" and not window.docs.dirty
    assert any(n.name == "echo_server" for n in window.graph.nodes)
    assert dock.progress().done == {0}  # "graph-loaded" was noticed, from the copy's origin
    assert dock.steps.card(0).badge.text() == "\u2713"


def test_no_lessons_is_said_plainly(qtbot):
    dock = LessonsDock([])
    qtbot.addWidget(dock)
    dock.show()  # the cards are built once it is opened
    assert "No lessons" in dock.intro.text()
    assert not dock.open_button.isEnabled() and not dock.next_button.isEnabled()


def test_next_previous_a_click_and_start_over_move_the_current_step(qtbot):
    lessons = load_lessons()
    dock = LessonsDock(lessons)
    qtbot.addWidget(dock)
    dock.show()  # the cards are built once it is opened
    progress = dock.progress()
    assert not dock.prev_button.isEnabled()
    dock.next_button.click()
    dock.next_button.click()
    assert progress.current == 2 and progress.done == set()  # skipping ticks nothing
    assert dock.steps.card(2).state == "current" and dock.steps.card(0).state == "todo"
    dock.prev_button.click()
    assert progress.current == 1
    qtbot.mouseClick(dock.steps.card(3), Qt.MouseButton.LeftButton)
    assert progress.current == 3 and not dock.next_button.isEnabled()
    dock.reset_button.click()
    assert progress.current == 0


def test_progress_is_remembered_per_lesson(qtbot, tmp_path):
    lessons = load_lessons()
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    dock = LessonsDock(lessons, settings)
    qtbot.addWidget(dock)
    dock.show()  # the cards are built once it is opened
    dock.chooser.setCurrentIndex(2)
    facts = Facts(document=str(lessons[2].graph.resolve()), run_state="running", listening=1)
    dock.on_facts(facts)
    assert dock.progress().done == {0, 1} and dock.progress().current == 2
    dock.chooser.setCurrentIndex(0)  # another lesson: its own progress (the graph differs)
    assert dock.progress().done == set()  # steps tick in order: "graph-loaded" first
    dock.next_button.click()  # skipped: "run-started" holds, and is ticked as it comes up
    assert dock.progress().done == {1} and dock.progress().current == 2
    again = LessonsDock(lessons, settings)  # the next start
    qtbot.addWidget(again)
    assert again.current() is lessons[0]  # the lesson shown last
    assert again.progress().done == {1}
    assert again.progress(lessons[2]).state() == {"done": [0, 1], "current": 2}
    settings.setValue("lessons/03-a-tcp-server/progress", "not json")
    third = LessonsDock(lessons, settings)
    qtbot.addWidget(third)
    third.show()  # the cards are built once it is opened
    assert third.progress(lessons[2]).state() == {"done": [], "current": 0}


def test_show_me_reveals_the_hint_and_points_at_the_widget(window, qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(lesson_pointer, "SHOW_MS", 300)
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    dock = window.lessons
    dock.toggleViewAction().trigger()
    dock.chooser.setCurrentIndex(2)
    dock.go_to(2)  # step 3: Press Traffic (a hint, and show: traffic)
    card = dock.steps.card(2)
    assert card.show_button.isVisibleTo(dock) and not card.hint.isVisibleTo(dock)
    card.show_button.click()
    assert card.hint.isVisibleTo(dock) and "toolbar" in card.hint.text()
    frame = window.findChild(PointerFrame)
    assert frame is not None and frame.isVisible()
    button = window.live.traffic_button
    assert frame.geometry().contains(QRect(button.mapTo(window, QPoint(0, 0)), button.size()))
    window.grab().save(str(tmp_path / "show_me.png"))
    card.show_button.click()  # again: the hint folds away
    assert not card.hint.isVisibleTo(dock)
    qtbot.waitUntil(lambda: window.findChild(PointerFrame) is None, timeout=4000)  # it goes


@pytest.fixture
def shown(qtbot, make_window):
    """Windows at 1600x1000, shown, sharing one settings file (a restart reads what the last
    one saved)."""

    def make() -> MainWindow:
        win = make_window(size=WINDOW_SIZE)
        qtbot.waitExposed(win)
        return win

    return make


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


def test_a_done_step_folds_to_its_first_sentence():
    assert first_sentence("Press **Run**: the server starts.") == "Press Run."
    assert first_sentence("Load it.\nThen more.") == "Load it."
    assert first_sentence("Open **Graph > My Components…**: it opens.") == (
        "Open Graph > My Components…"
    )
    long = "word " * 40
    assert first_sentence(long).endswith("\u2026") and len(first_sentence(long)) <= 90
