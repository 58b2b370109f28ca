"""Tests for the graph document: ids, structure, derived links and observers."""

from __future__ import annotations

import pytest

from tests.model.fakes import GRAPHLINE, PIPELINE, SERVERCORE, SINK, SOURCE, UPPER
from workbench.model.graph import Graph, GraphError, ImplicitLink, snake_case


def test_ids_are_generated_in_order_and_never_reused(graph: Graph) -> None:
    a = graph.add_node(SOURCE)
    b = graph.add_node(SINK)
    assert (a.id, b.id) == ("n1", "n2")
    graph.remove_node("n2")
    assert graph.add_node(SINK).id == "n3"
    link = graph.add_link(("n1", "outbox"), ("n3", "inbox"))
    note = graph.add_annotation("hello", (1, 2))
    assert (link.id, note.id) == ("l1", "a1")


def test_explicit_ids_bump_the_counter_and_duplicates_fail(graph: Graph) -> None:
    graph.add_node(SOURCE, node_id="n7")
    assert graph.add_node(SINK).id == "n8"
    with pytest.raises(GraphError, match="already used"):
        graph.add_node(SINK, node_id="n7")


def test_default_names_are_unique_snake_case(graph: Graph) -> None:
    assert graph.add_node(SOURCE).name == "source1"
    assert graph.add_node(SOURCE).name == "source2"
    assert graph.add_node(SOURCE, name="mine").name == "mine"
    assert snake_case("DataSource") == "data_source"
    assert snake_case("TCPClient") == "tcp_client"


def test_params_and_positions_are_copied(graph: Graph) -> None:
    params = {"messages": ["a", "b"]}
    node = graph.add_node(SOURCE, params=params, position=(1, 2))
    params["messages"].append("c")
    assert node.params == {"messages": ["a", "b"]}
    assert node.position == (1.0, 2.0)
    value = [1]
    graph.set_param(node.id, "messages", value)
    value.append(2)
    assert node.params["messages"] == [1]
    graph.unset_param(node.id, "messages")
    assert node.params == {}


def test_containers_keep_ordered_children(graph: Graph) -> None:
    pipe = graph.add_node(PIPELINE, container_kind="pipeline")
    a = graph.add_node(SOURCE, parent=pipe.id)
    c = graph.add_node(SINK, parent=pipe.id)
    b = graph.add_node(UPPER, parent=pipe.id, index=1)
    assert pipe.children == [a.id, b.id, c.id]
    assert [n.id for n in graph.children(pipe.id)] == [a.id, b.id, c.id]
    assert graph.top_level() == [pipe]
    assert pipe.is_container and not a.is_container
    assert graph.ancestors(b.id) == [pipe.id]


def test_remove_node_cascades_to_children_and_links(graph: Graph, events) -> None:
    line = graph.add_node(GRAPHLINE, container_kind="graphline")
    a = graph.add_node(SOURCE, parent=line.id)
    b = graph.add_node(SINK, parent=line.id)
    outside = graph.add_node(SINK)
    graph.add_link((a.id, "outbox"), (b.id, "inbox"))
    graph.add_link((line.id, "outbox"), (outside.id, "inbox"))
    events.clear()
    graph.remove_node(line.id)
    assert [n.id for n in graph.nodes] == [outside.id]
    assert graph.links == []
    names = [name for name, _ in events]
    assert names.count("link_removed") == 2
    assert names.count("node_removed") == 3
    assert names[-1] == "node_removed" and events[-1][1].id == line.id


def test_unknown_ids_raise_graph_error(graph: Graph) -> None:
    with pytest.raises(GraphError, match="no node 'n9'"):
        graph.node("n9")
    with pytest.raises(GraphError):
        graph.add_link(("n9", "outbox"), ("n1", "inbox"))
    with pytest.raises(GraphError):
        graph.add_node(SOURCE, parent="n42")
    with pytest.raises(GraphError, match="container kind"):
        graph.add_node(SOURCE, container_kind="carousel")
    with pytest.raises(GraphError):
        graph.remove_link("l1")
    with pytest.raises(GraphError):
        graph.annotation("a1")


def test_reparent_refuses_cycles(graph: Graph) -> None:
    outer = graph.add_node(GRAPHLINE, container_kind="graphline")
    inner = graph.add_node(PIPELINE, container_kind="pipeline", parent=outer.id)
    with pytest.raises(GraphError, match="inside itself"):
        graph.reparent_node(outer.id, inner.id)
    with pytest.raises(GraphError, match="inside itself"):
        graph.reparent_node(outer.id, outer.id)
    graph.reparent_node(inner.id, None)
    assert outer.children == [] and inner.parent is None


def test_passthrough_is_derived_from_structure(graph: Graph) -> None:
    line = graph.add_node(GRAPHLINE, container_kind="graphline")
    child = graph.add_node(UPPER, parent=line.id)
    sibling = graph.add_node(SINK, parent=line.id)
    into = graph.add_link((line.id, "inbox"), (child.id, "inbox"))
    out = graph.add_link((child.id, "outbox"), (line.id, "outbox"))
    across = graph.add_link((child.id, "signal"), (sibling.id, "control"))
    assert [graph.passthrough(x) for x in (into, out, across)] == [1, 2, 0]


def test_pipeline_implicit_links(graph: Graph) -> None:
    pipe = graph.add_node(PIPELINE, container_kind="pipeline")
    a = graph.add_node(SOURCE, parent=pipe.id)
    b = graph.add_node(SINK, parent=pipe.id)
    links = graph.implicit_links()
    pairs = {(x.source, x.sink, x.passthrough) for x in links}
    assert pairs == {
        ((pipe.id, "inbox"), (a.id, "inbox"), 1),
        ((pipe.id, "control"), (a.id, "control"), 1),
        ((a.id, "outbox"), (b.id, "inbox"), 0),
        ((a.id, "signal"), (b.id, "control"), 0),
        ((b.id, "outbox"), (pipe.id, "outbox"), 2),
        ((b.id, "signal"), (pipe.id, "signal"), 2),
    }
    assert all(isinstance(x, ImplicitLink) and x.container == pipe.id for x in links)
    assert len({x.id for x in links}) == len(links)
    assert graph.passthrough(links[0]) == 1
    empty = Graph()
    empty.add_node(SERVERCORE, container_kind="servercore")
    assert empty.implicit_links() == []


def test_every_mutation_is_announced(graph: Graph, events) -> None:
    node = graph.add_node(SOURCE)
    other = graph.add_node(SINK)
    graph.move_node(node.id, (5, 6))
    graph.rename_node(node.id, "src")
    graph.set_param(node.id, "delay", 1.5)
    link = graph.add_link((node.id, "outbox"), (other.id, "inbox"))
    graph.remove_link(link.id)
    note = graph.add_annotation("x")
    graph.edit_annotation(note.id, text="y", position=(3, 4))
    graph.remove_annotation(note.id)
    box = graph.add_node(PIPELINE, container_kind="pipeline")
    graph.reparent_node(other.id, box.id)
    graph.clear()
    assert [name for name, _ in events] == [
        "node_added",
        "node_added",
        "node_moved",
        "node_renamed",
        "param_changed",
        "link_added",
        "link_removed",
        "annotation_added",
        "annotation_changed",
        "annotation_removed",
        "node_added",
        "node_reparented",
        "graph_reset",
    ]
    assert events[4][1] == (node, "delay")
    assert events[8][1].text == "y" and events[8][1].position == (3.0, 4.0)
    assert events[-1][1] is graph


@pytest.mark.expect_errors(match=r"graph observer .*broken failed on")
def test_failing_observer_is_detached_and_others_still_run(graph: Graph, caplog) -> None:
    seen: list[str] = []

    def broken(name: str, payload: object) -> None:
        raise RuntimeError("boom")

    detached: list[tuple[object, str]] = []
    graph.subscribe(broken)
    graph.subscribe(lambda name, payload: seen.append(name))
    graph.on_observer_detached(lambda callback, exc: detached.append((callback, str(exc))))
    graph.add_node(SOURCE)
    graph.add_node(SOURCE)
    assert seen == ["node_added", "node_added"]
    assert sum("detached" in r.message for r in caplog.records) == 1
    assert detached == [(broken, "boom")]


def test_unsubscribe(graph: Graph) -> None:
    seen: list[str] = []
    unsubscribe = graph.subscribe(lambda name, payload: seen.append(name))
    graph.add_node(SOURCE)
    unsubscribe()
    unsubscribe()
    graph.add_node(SOURCE)
    assert seen == ["node_added"]


def test_copy_and_replace_with(graph: Graph, events) -> None:
    node = graph.add_node(SOURCE, params={"messages": [1]})
    twin = graph.copy()
    twin.set_param(node.id, "messages", [2])
    assert graph.node(node.id).params == {"messages": [1]}
    events.clear()
    graph.replace_with(twin)
    assert graph.node(node.id).params == {"messages": [2]}
    assert events == [("graph_reset", graph)]
    assert graph.add_node(SINK).id == "n2"
