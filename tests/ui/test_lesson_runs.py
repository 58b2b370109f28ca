"""Every shipped lesson done by a script: the engine ticks each step, the lesson ends complete.

Each test opens its lesson in the Lessons dock of a real window, does what each step asks through
the window's widgets and API (Run, Traffic with a few loopback clients, a breakpoint set on the
run's Debugger as the breakpoint menus do, the log filter typed into its field, the component
editor's buttons), and waits for the engine to tick that step, never for a time.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt

from workbench.model import Catalog
from workbench.runtime.debugging import BreakSpec
from workbench.ui.main_window import MainWindow
from workbench.ui.panels.lesson_steps_view import TICK
from workbench.ui.panels.lessons import LessonsDock

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(scope="module")
def catalog_classes():
    return list(Catalog.discover()._classes.values())


@pytest.fixture
def window(make_window, tmp_path, catalog_classes):
    return make_window(Catalog(catalog_classes), components_dir=tmp_path / "components")


def open_lesson(window: MainWindow, key_start: str) -> LessonsDock:
    dock = window.lessons
    dock.toggleViewAction().trigger()  # Help > Lessons (F1)
    assert dock.isVisibleTo(window)
    row = next(i for i, lesson in enumerate(dock.lessons) if lesson.key.startswith(key_start))
    dock.chooser.setCurrentIndex(row)
    assert dock.progress().done == set() and dock.progress().current == 0
    return dock


def ticked(qtbot, dock: LessonsDock, *steps: int, timeout: int = 8000) -> None:
    """Wait until the engine ticked ``steps``; their cards show the tick."""
    qtbot.waitUntil(lambda: set(steps) <= dock.progress().done, timeout=timeout)
    for i in steps:
        assert dock.steps.card(i).badge.text() == TICK


def click(qtbot, window: MainWindow, action: str) -> None:
    button = window.toolbar.widgetForAction(window.actions_[action])
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def complete(dock: LessonsDock) -> None:
    progress = dock.progress()
    assert progress.complete and progress.done == set(range(len(progress.steps)))
    assert dock.banner.isVisibleTo(dock) and "complete" in dock.banner.text()
    assert "Complete" in dock.progress_text.text()


def node_id(window: MainWindow, name: str) -> str:
    return next(n.id for n in window.graph.nodes if n.name == name)


def test_lesson_1_components_and_boxes(window, qtbot):
    dock = open_lesson(window, "01")
    qtbot.mouseClick(dock.open_button, Qt.MouseButton.LeftButton)
    ticked(qtbot, dock, 0)
    assert dock.progress().current == 1 and dock.steps.card(1).state == "current"
    click(qtbot, window, "run")
    ticked(qtbot, dock, 1, 2, 3)
    complete(dock)


@pytest.mark.expect_errors(match=r"PureTransformer#\d+ crashed")
def test_lesson_2_pipelines_and_shutdown(window, qtbot):
    dock = open_lesson(window, "02")
    dock.open_button.click()
    ticked(qtbot, dock, 0)
    qtbot.keyClicks(window.live.log_dock.filter_edit, "type:producerFinished")
    ticked(qtbot, dock, 1)
    click(qtbot, window, "run")
    ticked(qtbot, dock, 2, 3)
    click(qtbot, window, "stop")
    assert dock.progress().current == 4  # a stop is not yet what step 6 asks for
    window.editor.set_param(node_id(window, "upper"), "function", {"$callable": "int"})
    click(qtbot, window, "run")
    ticked(qtbot, dock, 4)
    click(qtbot, window, "stop")
    ticked(qtbot, dock, 5)
    complete(dock)


def test_lesson_3_a_tcp_server(window, qtbot):
    dock = open_lesson(window, "03")
    dock.open_button.click()
    ticked(qtbot, dock, 0)
    click(qtbot, window, "run")
    ticked(qtbot, dock, 1)
    assert window.live.start_traffic(3) is not None
    ticked(qtbot, dock, 2, 3)
    debugger = window.run.session.debugger
    spec = debugger.add(BreakSpec(msg_type="newCSA"))  # as "Break on messages here" does
    window.live.start_traffic(1)
    ticked(qtbot, dock, 4)
    assert window.run.session.state == "paused" and debugger.last_hit.event.msg_type == "newCSA"
    debugger.remove(spec)
    window.run.pause(False)  # Run resumes
    window.live.stop_traffic()  # Traffic > Stop traffic
    ticked(qtbot, dock, 5)
    model = window.run.session.model
    peer = next(e.peer for e in model.entities.values() if e.kind == "connection")
    qtbot.keyClicks(window.live.log_dock.filter_edit, f"conn:{peer.rsplit(':', 1)[1]}")
    ticked(qtbot, dock, 6)
    complete(dock)


def test_lesson_4_per_connection_protocols(window, qtbot):
    dock = open_lesson(window, "04")
    dock.open_button.click()
    click(qtbot, window, "run")
    ticked(qtbot, dock, 0, 1)
    window.live.start_traffic(3)
    ticked(qtbot, dock, 2)
    window.run.session.debugger.add(BreakSpec(msg_type="shutdownCSA"))
    ticked(qtbot, dock, 3)
    window.live.stop_traffic()
    ticked(qtbot, dock, 4)
    assert window.run.session.debugger.last_hit.event.msg_type == "shutdownCSA"
    click(qtbot, window, "stop")
    ticked(qtbot, dock, 5)
    complete(dock)


def test_lesson_5_clients_and_servers(window, qtbot):
    dock = open_lesson(window, "05")
    dock.open_button.click()
    ticked(qtbot, dock, 0)
    click(qtbot, window, "run")
    ticked(qtbot, dock, 1, 2, 3)
    click(qtbot, window, "pause")
    ticked(qtbot, dock, 4)
    click(qtbot, window, "stop")
    ticked(qtbot, dock, 5)
    complete(dock)


def test_lesson_6_write_your_own_component(window, qtbot, tmp_path):
    dock = open_lesson(window, "06")
    dock.open_button.click()
    ticked(qtbot, dock, 0)
    window.actions_["my_components"].trigger()  # Graph > My Components…
    editor = window.my_components.dock
    assert editor.isVisibleTo(window) and editor.path == tmp_path / "components" / "my_component.py"
    assert "class Shout(Component)" in editor.editor.toPlainText()
    qtbot.mouseClick(editor.reload_button, Qt.MouseButton.LeftButton)
    ticked(qtbot, dock, 1)
    assert "my_components.my_component.Shout" in window.palette_dock.entries()
    good = editor.editor.toPlainText()
    editor.editor.setPlainText(good.replace("def main(self):", "def main(self)"))
    qtbot.mouseClick(editor.reload_button, Qt.MouseButton.LeftButton)
    ticked(qtbot, dock, 2)
    line = good.splitlines().index("    def main(self):") + 1
    assert f"line {line}" in editor.status.text()
    assert editor.editor.textCursor().blockNumber() == line - 1  # the cursor went to the error
    assert "my_components.my_component.Shout" in window.palette_dock.entries()  # the last good one
    editor.editor.setPlainText(good)
    qtbot.mouseClick(editor.reload_button, Qt.MouseButton.LeftButton)
    ticked(qtbot, dock, 3)
    shout = window.add_component("my_components.my_component.Shout", QPointF(280, 0))
    assert shout is not None
    ticked(qtbot, dock, 4)
    words, results = node_id(window, "words"), node_id(window, "results")
    for source, sink in (
        ((words, "outbox"), (shout, "inbox")),
        ((words, "signal"), (shout, "control")),
        ((shout, "outbox"), (results, "inbox")),
        ((shout, "signal"), (results, "control")),
    ):
        window.editor.add_link(source, sink)
    ticked(qtbot, dock, 5)
    click(qtbot, window, "run")
    ticked(qtbot, dock, 6)
    complete(dock)
    collected = window.run.session.built.by_node[results].collected
    assert collected == ["HELLO!", "MY!", "COMPONENT!"]
