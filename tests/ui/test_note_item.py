"""Tests for workbench.ui.canvas.note_item: annotations drawn as notes, edited through undo."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt
from PySide6.QtGui import QImage, QMouseEvent, QPainter
from PySide6.QtWidgets import QApplication

from tests.ui.fakes import Echo, cid, make_catalog
from workbench.model import Catalog, Graph, load, save
from workbench.resources import examples_dir
from workbench.ui.canvas.note_item import TEXT_WIDTH, WIDTH, NoteItem, note_colors
from workbench.ui.canvas.scene import GraphScene
from workbench.ui.main_window import MainWindow
from workbench.ui.theme import DARK, LIGHT

EXAMPLES = examples_dir()
LONG = "A note long enough to wrap over several lines of text on its card. " * 4


@pytest.fixture
def window(qtbot, make_window):
    win = make_window(make_catalog(), (1200, 800))
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=2000)
    return win


def _note_file(tmp_path: Path) -> Path:
    graph = Graph()
    graph.add_node(cid(Echo), name="echo", position=(0, 0))
    graph.add_annotation(LONG, (0, -200))
    path = tmp_path / "noted.kgraph.json"
    save(graph, path)
    return path


def _edit(qtbot, window: MainWindow, item: NoteItem, text: str) -> None:
    window.view.setFocus()
    item.begin_edit(select_all=True)
    qtbot.waitUntil(item.text_item.hasFocus, timeout=2000)
    qtbot.keyClicks(window.view.viewport(), text)


def test_notes_of_a_file_are_drawn_wrapped_and_fitted(window, tmp_path):
    assert window.open_file(str(_note_file(tmp_path)))
    (item,) = window.scene.note_items()
    note = window.graph.annotations[0]
    assert item is window.scene.note_item(note.id) and item.model is note
    assert item.text == LONG
    assert (item.pos().x(), item.pos().y()) == (0.0, -200.0)
    assert item.card_rect().width() == WIDTH
    assert item.text_item.textWidth() == TEXT_WIDTH
    card = item.mapRectToScene(item.card_rect())
    text = item.text_item.mapRectToScene(item.text_item.boundingRect())
    assert card.contains(text) and text.height() > 3 * 12  # wrapped, and all of it inside
    assert window.view.shown_rect().contains(card)
    assert "a1" in repr(item)


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.kgraph.json")), ids=lambda p: p.name)
def test_example_notes_sit_clear_of_their_graph(qtbot, path):
    catalog = Catalog.discover()
    scene = GraphScene(load(path, catalog), catalog)
    try:
        notes = scene.note_items()
        assert notes, "every example explains itself in a note"
        graph_area = QRectF()
        for item in scene.node_items():
            rect = item.frame_rect() if hasattr(item, "frame_rect") else item.sceneBoundingRect()
            graph_area = graph_area.united(rect)
        for link in scene.link_items():
            graph_area = graph_area.united(link.sceneBoundingRect())
        for note in notes:
            assert not note.mapRectToScene(note.card_rect()).intersects(graph_area), note
    finally:
        scene.close()


def test_add_note_action_places_a_note_in_edit_and_undo_removes_it(window):
    window.actions_["add_note"].trigger()
    (item,) = window.scene.note_items()
    assert item.editing and item.isSelected()
    centre = window.view.mapToScene(window.view.viewport().rect().center())
    assert item.sceneBoundingRect().contains(centre)
    assert window.stack.undoText() == "Add note"
    window.stack.undo()
    assert window.scene.note_items() == [] and window.graph.annotations == []
    window.stack.redo()
    assert window.scene.note_item(item.annotation_id).text == "New note"


def test_n_on_the_canvas_adds_a_note_and_typing_replaces_its_text(qtbot, window):
    window.view.setFocus()
    qtbot.keyClick(window.view.viewport(), Qt.Key.Key_N)
    (item,) = window.scene.note_items()
    qtbot.waitUntil(item.text_item.hasFocus, timeout=2000)
    qtbot.keyClicks(window.view.viewport(), "Nodes")  # an N while editing is just a letter
    qtbot.keyClick(window.view.viewport(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert not item.editing
    assert window.graph.annotations[0].text == "Nodes"
    assert len(window.scene.note_items()) == 1


def test_edit_text_commits_on_ctrl_enter_and_undo_restores_it(qtbot, window):
    note_id = window.editor.add_note("old", (0, 0))
    item = window.scene.note_item(note_id)
    _edit(qtbot, window, item, "new text")
    qtbot.keyClick(window.view.viewport(), Qt.Key.Key_Delete)  # edits text, not the selection
    qtbot.keyClick(window.view.viewport(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.graph.annotation(note_id).text == "new text"
    assert window.stack.undoText() == "Edit note"
    window.stack.undo()
    assert item.text == "old" and window.graph.annotation(note_id).text == "old"
    window.stack.redo()
    assert item.text == "new text"


def test_escape_cancels_an_edit(qtbot, window):
    note_id = window.editor.add_note("keep me", (0, 0))
    item = window.scene.note_item(note_id)
    count = window.stack.count()
    _edit(qtbot, window, item, "scribble")
    qtbot.keyClick(window.view.viewport(), Qt.Key.Key_Escape)
    assert not item.editing and item.text == "keep me"
    assert window.stack.count() == count


def test_leaving_the_note_commits_the_edit(qtbot, window):
    note_id = window.editor.add_note("before", (0, 0))
    item = window.scene.note_item(note_id)
    _edit(qtbot, window, item, "after")
    window.scene.setFocusItem(None)
    assert not item.editing
    assert window.graph.annotation(note_id).text == "after"


def test_double_click_starts_an_edit(qtbot, window):
    note_id = window.editor.add_note("click me", (0, 0))
    item = window.scene.note_item(note_id)
    window.view.centerOn(item)
    where = window.view.mapFromScene(item.mapToScene(QPointF(40, 20)))
    qtbot.mouseDClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert item.editing


def test_undo_during_an_edit_of_the_same_note_cancels_it(qtbot, window):
    note_id = window.editor.add_note("one", (0, 0))
    item = window.scene.note_item(note_id)
    _edit(qtbot, window, item, "two")
    window.stack.undo()  # removes the note: the edit goes with it, nothing is committed
    assert window.scene.note_item(note_id) is None
    assert window.graph.annotations == []


def test_move_note_and_nodes_is_one_undo_step(window):
    node_id = window.editor.add_node(cid(Echo), (0, 0))
    note_id = window.editor.add_note("moving", (0, -100))
    note, node = window.scene.note_item(note_id), window.scene.node_item(node_id)
    note.setPos(200, -80)
    node.setPos(200, 20)
    window.scene.report_moved([note, node])
    assert window.graph.annotation(note_id).position == (200.0, -80.0)
    assert window.graph.node(node_id).position == (200.0, 20.0)
    window.stack.undo()
    assert window.graph.annotation(note_id).position == (0.0, -100.0)
    assert window.graph.node(node_id).position == (0.0, 0.0)
    assert (note.pos().x(), note.pos().y()) == (0.0, -100.0)
    window.stack.redo()
    assert (note.pos().x(), note.pos().y()) == (200.0, -80.0)


def test_a_dragged_note_snaps_and_reports_one_move(qtbot, window):
    note_id = window.editor.add_note("drag me", (0, 0))
    item = window.scene.note_item(note_id)
    item.setPos(33, 47)
    assert (item.pos().x(), item.pos().y()) == (30.0, 50.0)
    with qtbot.waitSignal(window.scene.items_moved) as blocker:
        window.scene.report_moved([item])
    assert blocker.args == [{}, {note_id: (30.0, 50.0)}]
    assert window.stack.undoText() == "Move note"


def test_delete_removes_selected_notes_and_undo_brings_them_back(window):
    node_id = window.editor.add_node(cid(Echo), (0, 200))
    note_id = window.editor.add_note("gone soon", (0, 0))
    window.scene.note_item(note_id).setSelected(True)
    window.scene.node_item(node_id).setSelected(True)
    window.actions_["delete"].trigger()
    assert window.scene.note_item(note_id) is None and not window.graph.has_node(node_id)
    window.stack.undo()
    assert window.scene.note_item(note_id).text == "gone soon"
    assert window.graph.has_node(node_id)


def _paper_pixel(scene: GraphScene, item: NoteItem) -> tuple[int, int, int]:
    rect = item.mapRectToScene(QRectF(WIDTH - 40, item.card_rect().height() - 8, 4, 4))
    image = QImage(4, 4, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    scene.render(painter, QRectF(0, 0, 4, 4), rect)
    painter.end()
    color = image.pixelColor(2, 2)
    return color.red(), color.green(), color.blue()


def test_theme_switch_recolours_paper_and_text(window):
    note_id = window.editor.add_note("themed", (0, 0))
    item = window.scene.note_item(note_id)
    for name, theme in (("light", LIGHT), ("dark", DARK)):
        window.set_theme(name)
        assert item.text_item.defaultTextColor() == theme.text
        paper = note_colors(theme)[0]
        got = _paper_pixel(window.scene, item)
        want = (paper.red(), paper.green(), paper.blue())
        assert all(abs(a - b) <= 6 for a, b in zip(got, want, strict=True)), (name, got, want)


def _mouse(window: MainWindow, kind, pos: QPointF, buttons) -> None:
    viewport = window.view.viewport()
    event = QMouseEvent(
        kind,
        pos,
        viewport.mapToGlobal(pos),
        Qt.MouseButton.LeftButton if kind != QEvent.Type.MouseMove else Qt.MouseButton.NoButton,
        buttons,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(viewport, event)


def test_dragging_a_note_with_the_mouse_is_one_undoable_move(window):
    note_id = window.editor.add_note("drag me", (0, 0))
    item = window.scene.note_item(note_id)
    window.view.centerOn(item)
    start = QPointF(window.view.mapFromScene(item.mapToScene(QPointF(30, 20))))
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    count = window.stack.count()
    _mouse(window, QEvent.Type.MouseButtonPress, start, left)
    for step in range(1, 6):
        _mouse(window, QEvent.Type.MouseMove, start + QPointF(20 * step, 10 * step), left)
    _mouse(window, QEvent.Type.MouseButtonRelease, start + QPointF(100, 50), none)
    assert window.stack.count() == count + 1 and window.stack.undoText() == "Move note"
    moved = window.graph.annotation(note_id).position
    assert moved != (0.0, 0.0) and moved == (item.pos().x(), item.pos().y())
    window.stack.undo()
    assert (item.pos().x(), item.pos().y()) == (0.0, 0.0)


def test_a_move_keeps_an_edit_going_and_a_new_text_cancels_it(qtbot, window):
    note_id = window.editor.add_note("first", (0, 0))
    item = window.scene.note_item(note_id)
    _edit(qtbot, window, item, "typing")
    window.graph.edit_annotation(note_id, position=(40, 40))
    assert item.editing and item.text == "typing" and item.pos() == QPointF(40, 40)
    window.graph.edit_annotation(note_id, text="from elsewhere")
    assert not item.editing and item.text == "from elsewhere"
