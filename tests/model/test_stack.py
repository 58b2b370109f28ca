"""Tests for the command stack: undo/redo, merging, clean state and its observers."""

from __future__ import annotations

import pytest

from tests.model.fakes import SINK, SOURCE
from workbench.model import io
from workbench.model.commands import AddNode, MoveNodes, RenameNode
from workbench.model.graph import Graph
from workbench.model.stack import CommandStack


def test_push_undo_redo_and_texts() -> None:
    graph = Graph()
    stack = CommandStack(graph)
    assert not stack.can_undo and not stack.can_redo and stack.is_clean
    empty = io.dumps(graph)
    stack.push(AddNode(SOURCE))
    one = io.dumps(graph)
    stack.push(RenameNode("n1", "src"))
    assert stack.undo_text == "Rename to src" and len(stack) == 2
    stack.undo()
    assert io.dumps(graph) == one and stack.redo_text == "Rename to src"
    stack.undo()
    assert io.dumps(graph) == empty and not stack.can_undo
    stack.undo()
    stack.redo()
    stack.redo()
    stack.redo()
    assert graph.node("n1").name == "src" and stack.index == 2
    stack.undo()
    stack.push(AddNode(SINK))
    assert len(stack) == 2 and not stack.can_redo


def test_drag_moves_merge_but_not_across_a_save() -> None:
    graph = Graph()
    graph.add_node(SOURCE)
    stack = CommandStack(graph)
    stack.push(MoveNodes({"n1": (1, 1)}, drag_id="d"))
    stack.push(MoveNodes({"n1": (2, 2)}, drag_id="d"))
    assert len(stack) == 1
    stack.set_clean()
    stack.push(MoveNodes({"n1": (3, 3)}, drag_id="d"))
    assert len(stack) == 2 and not stack.is_clean
    stack.undo()
    assert graph.node("n1").position == (2.0, 2.0) and stack.is_clean
    stack.undo()
    assert graph.node("n1").position == (0.0, 0.0)


def test_observers_and_clean_changes() -> None:
    graph = Graph()
    stack = CommandStack(graph)
    seen: list[tuple[str, object]] = []
    unsubscribe = stack.subscribe(lambda event, payload: seen.append((event, payload)))
    command = AddNode(SOURCE)
    stack.push(command)
    stack.undo()
    stack.redo()
    stack.set_clean()
    stack.clear()
    assert seen == [
        ("command_pushed", command),
        ("clean_changed", False),
        ("command_undone", command),
        ("clean_changed", True),
        ("command_redone", command),
        ("clean_changed", False),
        ("clean_changed", True),
        ("stack_cleared", None),
    ]
    unsubscribe()
    stack.push(AddNode(SOURCE))
    assert len(seen) == 8


def test_clean_state_lost_when_its_branch_is_discarded() -> None:
    graph = Graph()
    stack = CommandStack(graph)
    stack.push(AddNode(SOURCE))
    stack.set_clean()
    stack.undo()
    stack.push(AddNode(SINK))
    assert not stack.is_clean
    stack.undo()
    assert not stack.is_clean


@pytest.mark.expect_errors(match=r"command stack observer .*broken failed on")
def test_failing_observer_detached(caplog) -> None:
    stack = CommandStack(Graph())

    def broken(event: str, payload: object) -> None:
        raise RuntimeError("x")

    detached: list[object] = []
    stack.subscribe(broken)
    stack.on_observer_detached(lambda callback, exc: detached.append(callback))
    stack.push(AddNode(SOURCE))
    stack.push(AddNode(SOURCE))
    assert sum("detached" in r.message for r in caplog.records) == 1
    assert detached == [broken]
