"""Tests for workbench.ui.undo: model commands on a QUndoStack, merging drags, paste."""

from __future__ import annotations

from PySide6.QtGui import QUndoStack

from tests.ui.fakes import Echo, cid
from workbench.model import dumps
from workbench.ui.undo import GraphEditor


def test_moves_of_one_drag_merge(qtbot, graph, catalog):
    editor = GraphEditor(graph, catalog, QUndoStack())
    node = graph.nodes[1]
    start = node.position
    editor.move_nodes({node.id: (1, 1)}, drag_id="d1")
    editor.move_nodes({node.id: (2, 2)}, drag_id="d1")
    assert editor.stack.count() == 1
    editor.stack.undo()
    assert graph.node(node.id).position == start


def test_remove_and_undo_restores_the_document(qtbot, graph, catalog):
    editor = GraphEditor(graph, catalog)
    before = dumps(graph)
    core = graph.nodes[0]
    editor.remove([core.id], [graph.links[-1].id])
    assert not graph.has_node(core.id)
    editor.stack.undo()
    assert dumps(graph) == before
    editor.stack.redo()
    editor.stack.undo()
    assert dumps(graph) == before


def test_copy_paste_fragment_with_inner_links(qtbot, graph, catalog):
    editor = GraphEditor(graph, catalog)
    csa, echo = graph.nodes[2], graph.nodes[3]
    fragment = editor.copy_fragment([csa.id, echo.id])
    assert len(fragment["nodes"]) == 2 and len(fragment["links"]) == 3
    created = editor.paste_fragment(fragment, (10, 10))
    assert len(created) == 2
    assert len(graph.links_of(created[0])) == 3
    editor.stack.undo()
    assert not any(graph.has_node(n) for n in created)
    editor.stack.redo()
    assert all(graph.has_node(n) for n in created)


def test_add_rename_set_param(qtbot, graph, catalog):
    editor = GraphEditor(graph, catalog)
    node_id = editor.add_node(cid(Echo), (0, 0))
    editor.rename(node_id, "Mirror")
    assert graph.node(node_id).name == "Mirror"
    editor.stack.undo()
    editor.stack.undo()
    assert not graph.has_node(node_id)


def test_note_edits_are_undoable_and_a_mixed_drag_is_one_step(qtbot, graph, catalog):
    editor = GraphEditor(graph, catalog, QUndoStack())
    before = dumps(graph)
    note_id = editor.add_note("hi", (0, 0))
    editor.edit_note(note_id, "hi")  # unchanged: nothing to undo
    editor.edit_note("a999", "gone")  # unknown: ignored
    assert editor.stack.count() == 1
    editor.edit_note(note_id, "hello")
    node = graph.nodes[1]
    editor.move_items({node.id: (5, 5)}, {note_id: (7, 7), "a999": (1, 1)})
    assert editor.stack.count() == 3 and editor.stack.undoText() == "Move"
    assert graph.annotation(note_id).position == (7.0, 7.0)
    editor.move_items({}, {note_id: (8, 8)}, drag_id="d")
    editor.move_items({}, {note_id: (9, 9)}, drag_id="d")
    assert editor.stack.count() == 4 and editor.stack.undoText() == "Move note"
    editor.remove([], [], [note_id, "a999"])
    assert graph.annotations == []
    while editor.stack.canUndo():
        editor.stack.undo()
    assert dumps(graph) == before
