"""Tests for undoable commands: each restores the exact state on undo and redoes with same ids."""

from __future__ import annotations

import pytest

from tests.model.fakes import GRAPHLINE, PIPELINE, SERVERCORE, SINK, SOURCE, UPPER
from workbench.model import io
from workbench.model.commands import (
    AddAnnotation,
    AddLink,
    AddNode,
    Command,
    CommandError,
    EditAnnotation,
    Macro,
    MoveNode,
    MoveNodes,
    RemoveAnnotation,
    RemoveLink,
    RemoveNode,
    RenameNode,
    SetParam,
    remove_selection,
)
from workbench.model.graph import Graph, GraphError
from workbench.model.grouping import Group, Ungroup


def nested_graph() -> Graph:
    """outer Graphline n1 holding src n2, Pipeline n3 [n4, n5], sink n6; n7 outside; a note."""
    graph = Graph()
    outer = graph.add_node(GRAPHLINE, container_kind="graphline", position=(0, 0))
    src = graph.add_node(SOURCE, parent=outer.id, params={"messages": [1]}, position=(10, 10))
    pipe = graph.add_node(PIPELINE, container_kind="pipeline", parent=outer.id)
    graph.add_node(UPPER, parent=pipe.id, position=(100, 10))
    graph.add_node(UPPER, parent=pipe.id, position=(150, 10))
    sink = graph.add_node(SINK, parent=outer.id, position=(300, 10))
    after = graph.add_node(SINK, position=(500, 0))
    graph.add_link((src.id, "outbox"), (pipe.id, "inbox"))
    graph.add_link((pipe.id, "outbox"), (sink.id, "inbox"))
    graph.add_link((outer.id, "outbox"), (after.id, "inbox"))
    graph.add_link((sink.id, "outbox"), (outer.id, "outbox"))
    graph.add_annotation("note", (5, 5))
    return graph


def round_trip(graph: Graph, command: Command) -> tuple[str, str]:
    """Do, undo, redo, undo, redo: check exact states each time; return (before, after)."""
    before = io.dumps(graph)
    command.do(graph)
    after = io.dumps(graph)
    assert after != before
    for _ in range(2):
        command.undo(graph)
        assert io.dumps(graph) == before
        command.do(graph)
        assert io.dumps(graph) == after
    return before, after


def test_add_node_reuses_its_id_on_redo() -> None:
    graph = nested_graph()
    command = AddNode(UPPER, parent="n3", index=1, position=(120, 10), params={"x": [1]})
    round_trip(graph, command)
    assert command.node_id == "n8" and graph.node("n3").children == ["n4", "n8", "n5"]
    assert command.text == "Add Upper"


def test_remove_node_restores_children_links_and_order() -> None:
    graph = nested_graph()
    before, _ = round_trip(graph, RemoveNode("n3"))
    assert not graph.has_node("n4")
    graph = nested_graph()
    command = RemoveNode("n1")
    command.do(graph)
    assert [n.id for n in graph.nodes] == ["n7"] and graph.links == []
    command.undo(graph)
    assert io.dumps(graph) == before
    assert command.text == "Delete graphline1"


def test_move_rename_and_params() -> None:
    graph = nested_graph()
    round_trip(graph, MoveNode("n2", (42, 43)))
    round_trip(graph, MoveNodes({"n2": (1, 1), "n6": (2, 2)}))
    round_trip(graph, RenameNode("n2", "source"))
    round_trip(graph, SetParam("n2", "messages", [1, 2]))
    round_trip(graph, SetParam("n2", "delay", 0.5))
    round_trip(graph, SetParam("n2", "messages", unset=True))


def test_links_and_annotations() -> None:
    graph = nested_graph()
    add = AddLink(("n2", "signal"), ("n6", "control"))
    round_trip(graph, add)
    assert add.link_id == "l5"
    round_trip(graph, RemoveLink("l2"))
    note = AddAnnotation("hello", (1, 2))
    round_trip(graph, note)
    round_trip(graph, EditAnnotation(note.annotation_id, text="bye"))
    round_trip(graph, EditAnnotation("a1", position=(9, 9)))
    round_trip(graph, RemoveAnnotation("a1"))


def test_failed_command_changes_nothing() -> None:
    graph = nested_graph()
    before = io.dumps(graph)
    for command in (
        AddLink(("n99", "outbox"), ("n2", "inbox")),
        RemoveNode("n99"),
        MoveNodes({"n2": (1, 1), "n99": (2, 2)}),
        Group(["n2", "n4"], PIPELINE, "pipeline"),
        Ungroup("n2"),
        Group(["n6", "n2"], SERVERCORE, "servercore"),
    ):
        with pytest.raises(GraphError):
            command.do(graph)
        assert io.dumps(graph) == before, command


def test_macro_rolls_back_when_a_part_fails() -> None:
    graph = nested_graph()
    before = io.dumps(graph)
    macro = Macro("two", [MoveNode("n2", (5, 5)), RemoveLink("l99")])
    with pytest.raises(GraphError):
        macro.do(graph)
    assert io.dumps(graph) == before


def test_remove_selection_skips_what_goes_anyway() -> None:
    graph = nested_graph()
    command = remove_selection(graph, ["n4", "n3", "n7"], ["l1", "l3", "l9"], ["a1"])
    assert [type(c).__name__ for c in command.commands] == [
        "RemoveNode",
        "RemoveNode",
        "RemoveAnnotation",
    ]
    round_trip(graph, command)
    single = remove_selection(graph, link_ids=["l4"])
    assert single.text == "Delete link"


def test_move_merging_for_drags() -> None:
    first = MoveNodes({"n2": (1, 1)}, drag_id=7)
    assert first.merge_with(MoveNodes({"n2": (2, 2)}, drag_id=7))
    assert first.moves == {"n2": (2.0, 2.0)}
    assert not first.merge_with(MoveNodes({"n2": (3, 3)}, drag_id=8))
    assert not first.merge_with(MoveNodes({"n6": (3, 3)}, drag_id=7))
    assert not MoveNodes({"n2": (1, 1)}).merge_with(MoveNodes({"n2": (1, 1)}))
    edit = EditAnnotation("a1", position=(1, 1), drag_id=1)
    assert edit.merge_with(EditAnnotation("a1", position=(4, 4), drag_id=1))
    assert edit.position == (4, 4)
    assert not edit.merge_with(EditAnnotation("a2", position=(4, 4), drag_id=1))


def test_group_as_graphline_splits_crossing_links() -> None:
    graph = nested_graph()
    group = Group(["n3", "n6"], GRAPHLINE, "graphline", name="inner")
    round_trip(graph, group)
    inner = group.container_id
    assert graph.node("n1").children == ["n2", inner]
    assert graph.node(inner).children == ["n3", "n6"]
    pairs = {(ln.source, ln.sink) for ln in graph.links}
    assert (("n2", "outbox"), (inner, "inbox")) in pairs
    assert ((inner, "inbox"), ("n3", "inbox")) in pairs
    assert (("n3", "outbox"), ("n6", "inbox")) in pairs
    assert (("n6", "outbox"), (inner, "outbox")) in pairs
    assert ((inner, "outbox"), ("n1", "outbox")) in pairs


def test_group_as_pipeline_orders_by_chain_and_drops_implicit_links() -> None:
    graph = Graph()
    a = graph.add_node(SOURCE, position=(300, 0))
    b = graph.add_node(UPPER, position=(0, 0))
    c = graph.add_node(SINK, position=(100, 0))
    graph.add_link((a.id, "outbox"), (b.id, "inbox"))
    graph.add_link((a.id, "signal"), (b.id, "control"))
    graph.add_link((b.id, "outbox"), (c.id, "inbox"))
    group = Group([c.id, b.id, a.id], PIPELINE, "pipeline")
    round_trip(graph, group)
    assert graph.node(group.container_id).children == [a.id, b.id, c.id]
    assert graph.links == []
    assert graph.node(group.container_id).position == (-30.0, -50.0)


def test_group_keeps_child_order_in_parent() -> None:
    graph = Graph()
    line = graph.add_node(GRAPHLINE, container_kind="graphline")
    kids = [graph.add_node(SINK, parent=line.id).id for _ in range(4)]
    round_trip(graph, Group([kids[1], kids[3]], GRAPHLINE, "graphline"))


def test_group_servercore_protocol() -> None:
    graph = Graph()
    handler = graph.add_node(UPPER)
    group = Group([handler.id], SERVERCORE, "servercore")
    round_trip(graph, group)
    assert graph.node(group.container_id).container_kind == "servercore"


def test_ungroup_joins_links_back() -> None:
    graph = nested_graph()
    command = Ungroup("n3")
    round_trip(graph, command)
    pairs = {(ln.source, ln.sink) for ln in graph.links}
    assert (("n2", "outbox"), ("n4", "inbox")) in pairs
    assert (("n4", "outbox"), ("n5", "inbox")) in pairs
    assert (("n4", "signal"), ("n5", "control")) in pairs
    assert (("n5", "outbox"), ("n6", "inbox")) in pairs
    assert graph.node("n1").children == ["n2", "n4", "n5", "n6"]
    with pytest.raises(CommandError, match="not a container"):
        Ungroup("n2").do(graph)


def test_ungroup_then_group_again_and_top_level() -> None:
    graph = nested_graph()
    round_trip(graph, Ungroup("n1"))
    pairs = {(ln.source, ln.sink) for ln in graph.links}
    assert (("n6", "outbox"), ("n7", "inbox")) in pairs
    assert graph.node("n2").parent is None
