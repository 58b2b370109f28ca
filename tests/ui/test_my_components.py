"""My components in the window: loaded at start, edited in the dock, reloaded into the palette."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QPointF, Qt

from workbench.model import Catalog
from workbench.runtime.user_components import CATEGORY, TEMPLATE
from workbench.ui.main_window import MainWindow

SHOUT = "my_components.my_component.Shout"


@pytest.fixture(scope="module")
def classes():
    return list(Catalog.discover()._classes.values())


@pytest.fixture
def make(make_window, tmp_path, classes):
    """Windows sharing one settings file and one components folder (a restart)."""
    yield lambda: make_window(Catalog(classes), components_dir=tmp_path / "components")
    for name in [m for m in sys.modules if m.startswith("my_components.")]:
        del sys.modules[name]


def palette_categories(win: MainWindow) -> list[str]:
    tree = win.palette_dock.tree
    return [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]


def test_files_in_the_folder_are_in_the_palette_from_the_start(make, tmp_path):
    (tmp_path / "components").mkdir()
    (tmp_path / "components" / "my_component.py").write_text(TEMPLATE)
    win = make()
    assert SHOUT in win.palette_dock.entries()
    assert CATEGORY.upper() in palette_categories(win)
    assert win.catalog.get(SHOUT).category == CATEGORY
    assert win.my_components.dock is None  # no editor until one is asked for


def test_a_broken_file_at_start_is_reported_and_the_window_works(make, tmp_path):
    (tmp_path / "components").mkdir()
    (tmp_path / "components" / "bad.py").write_text("def oops(:\n")
    win = make()
    assert "bad.py, line 1: SyntaxError" in win.status_label.text()
    assert any("bad.py, line 1" in text for level, text in win.log.entries if level == "error")
    assert CATEGORY.upper() not in palette_categories(win)
    assert win.add_component("kamaelia_core.util.echo.Echo", QPointF(0, 0)) is not None


def test_the_editor_saves_reloads_and_marks_an_error_line(make, qtbot, tmp_path):
    win = make()
    win.actions_["my_components"].trigger()
    dock = win.my_components.dock
    assert dock.isVisibleTo(win) and dock.path.name == "my_component.py"
    assert "not loaded yet" in dock.status.text()
    qtbot.mouseClick(dock.reload_button, Qt.MouseButton.LeftButton)
    assert "Shout in the palette under 'My components'" in dock.status.text()
    assert SHOUT in win.palette_dock.entries()
    assert SHOUT in [win.quick_add.list.item(i).data(Qt.ItemDataRole.UserRole)
                     for i in range(win.quick_add.list.count())]  # fmt: skip
    dock.editor.setPlainText(TEMPLATE.replace("yield 1", "yield 1 +"))
    assert dock.windowTitle().endswith("\u2022")  # edited, not saved
    qtbot.mouseClick(dock.reload_button, Qt.MouseButton.LeftButton)
    line = TEMPLATE.splitlines().index("            yield 1") + 1
    assert f"my_component.py, line {line}: SyntaxError" in dock.status.text()
    (mark,) = dock.editor.extraSelections()
    assert mark.cursor.blockNumber() == line - 1
    assert dock.editor.textCursor().blockNumber() == line - 1
    assert "yield 1 +" in (tmp_path / "components" / "my_component.py").read_text()  # saved
    dock.set_theme(win.scene.theme)  # recolouring keeps the mark
    assert len(dock.editor.extraSelections()) == 1


def test_reload_redraws_a_graph_using_the_component_with_its_new_boxes(make, qtbot):
    win = make()
    win.my_components.open_editor()
    win.my_components.reload()
    node_id = win.add_component(SHOUT, QPointF(0, 0))
    item = win.scene.node_item(node_id)
    assert item.port("outbox", "out") is not None and item.port("shouted", "out") is None
    dock = win.my_components.dock
    dock.editor.setPlainText(
        TEMPLATE.replace('"outbox": "the shouted text"', '"shouted": "the shouted text"')
    )
    dock.save_and_reload()
    item = win.scene.node_item(node_id)
    assert item.port("shouted", "out") is not None and item.port("outbox", "out") is None
    assert win.graph.node(node_id).component == SHOUT  # the same node, the new version


def test_reload_waits_until_no_run_is_going(make, qtbot):
    win = make()
    win.my_components.open_editor()
    assert win.open_example("echo_server")
    win.run_graph()
    # listening first: a stop before the server's first slices leaks its socket (core bug)
    qtbot.waitUntil(lambda: bool(win.run.session.model.listening()))
    assert win.my_components.reload() == []
    assert "Stop the run first" in win.status_label.text()
    win.stop_graph()
    assert win.my_components.reload()[0].ok


def test_a_chosen_file_is_remembered_and_loaded_at_the_next_start(make, tmp_path):
    chosen = tmp_path / "elsewhere" / "pair.py"
    chosen.parent.mkdir()
    chosen.write_text(
        "from kamaelia_core import Component\n\n\nclass Pair(Component):\n    '''Two.'''\n"
    )
    win = make()
    win.my_components.editor_dock().file_chosen.emit(str(chosen))  # what "Open file…" does
    assert win.my_components.dock.path == chosen.resolve()
    assert "my_components.pair.Pair" in win.palette_dock.entries()
    win.my_components.add_file(tmp_path / "notes.txt")
    assert "components are Python files" in win.status_label.text()
    win.shutdown()
    for name in [m for m in sys.modules if m.startswith("my_components.")]:
        del sys.modules[name]
    again = make()
    assert "my_components.pair.Pair" in again.palette_dock.entries()


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_the_editor_looks_right_in_both_themes(make, qtbot, tmp_path, theme):
    win = make()
    win.resize(1600, 1000)
    win.set_theme(theme)
    win.show()
    qtbot.waitExposed(win)
    win.my_components.open_editor()
    dock = win.my_components.dock
    dock.editor.setPlainText(TEMPLATE.replace("def main(self):", "def main(self)"))
    dock.save_and_reload()
    win.grab().save(str(tmp_path / f"my_components_{theme}.png"))
    picture = dock.grab().toImage()
    assert picture.width() > 600 and dock.height() >= 150
    assert dock.status.styleSheet().endswith(f"{win.scene.theme.error.name()};")
