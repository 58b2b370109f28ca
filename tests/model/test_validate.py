"""Tests for validation: each problem code, and edit-time link checks."""

from __future__ import annotations

import pytest

from tests.model.fakes import (
    GRAPHLINE,
    PIPELINE,
    SERVER,
    SERVERCORE,
    SINK,
    SOURCE,
    TRANSFORM,
    UPPER,
)
from workbench.model import values
from workbench.model.catalog import Catalog, ParamSpec
from workbench.model.graph import Graph
from workbench.model.validate import ERROR, WARNING, allowed_types, check_link, errors, validate


def codes(graph: Graph, catalog: Catalog) -> list[str]:
    return sorted(p.code for p in validate(graph, catalog))


def good_graph() -> Graph:
    graph = Graph()
    src = graph.add_node(SOURCE, params={"messages": ["a"]})
    pipe = graph.add_node(PIPELINE, container_kind="pipeline")
    graph.add_node(UPPER, parent=pipe.id)
    graph.add_node(UPPER, parent=pipe.id)
    sink = graph.add_node(SINK)
    graph.add_link((src.id, "outbox"), (pipe.id, "inbox"))
    graph.add_link((pipe.id, "outbox"), (sink.id, "inbox"))
    return graph


def test_good_graph_has_no_problems(catalog: Catalog) -> None:
    assert validate(good_graph(), catalog) == []


def test_unknown_component_suggests(catalog: Catalog) -> None:
    graph = Graph()
    graph.add_node(SOURCE + "x", params={"messages": []})
    (problem,) = validate(graph, catalog)
    assert problem.code == "unknown-component" and problem.node_id == "n1"
    assert "did you mean" in problem.message and SOURCE in problem.message


def test_missing_required_parameter(catalog: Catalog) -> None:
    graph = Graph()
    graph.add_node(SOURCE)
    (problem,) = validate(graph, catalog)
    assert problem.code == "missing-param" and "'messages'" in problem.message


@pytest.mark.parametrize(
    ("component", "params", "fragment"),
    [
        (SOURCE, {"messages": "abc"}, "expected list, got str"),
        (SOURCE, {"messages": [], "delay": "1"}, "expected float or int, got str"),
        (SINK, {"limit": 2.5}, "expected int, got float"),
        (SINK, {"verbose": 1}, "expected bool, got int"),
        (SOURCE, {"messages": [], "label": 3}, "expected str, got int"),
        (TRANSFORM, {"data": "text"}, "expected bytes, got str"),
        (SOURCE, {"messages": [{"$nope": 1}]}, "unknown tag"),
        (TRANSFORM, {"function": "str.upper"}, "expected callable or null, got str"),
        (SINK, {"limit": values.named_callable("len")}, "expected int, got callable"),
        (TRANSFORM, {"function": values.named_callable("os.system")}, "not an allowed callable"),
    ],
)
def test_bad_parameter_values(catalog: Catalog, component, params, fragment) -> None:
    graph = Graph()
    graph.add_node(component, params=params)
    problems = validate(graph, catalog)
    assert [p.code for p in problems] == ["bad-param"]
    assert fragment in problems[0].message


def test_good_parameter_values(catalog: Catalog) -> None:
    graph = Graph()
    graph.add_node(SOURCE, params={"messages": [1], "delay": 2})
    graph.add_node(SINK, params={"limit": 3, "anything": {"a": 1}})
    graph.add_node(TRANSFORM, params={"data": values.bytes_value("x"), "function": None})
    graph.add_node(TRANSFORM, params={"function": values.named_callable("bytes.upper")})
    graph.add_node(SINK, params={"anything": values.named_callable("len")})
    assert validate(graph, catalog) == []  # a named callable is no code: not even a warning


def test_code_parameter_is_a_warning(catalog: Catalog) -> None:
    graph = Graph()
    graph.add_node(TRANSFORM, params={"function": values.code("str.upper")})
    (problem,) = validate(graph, catalog)
    assert (problem.severity, problem.code) == (WARNING, "code-param")
    assert errors([problem]) == []


def test_unknown_parameter_unless_kwargs_accepted(catalog: Catalog) -> None:
    graph = Graph()
    graph.add_node(SOURCE, params={"messages": [], "colour": "red"})
    (problem,) = validate(graph, catalog)
    assert problem.code == "unknown-param" and "'colour'" in problem.message


def test_allowed_types_from_annotations() -> None:
    def spec(annotation: str, default: object = None) -> ParamSpec:
        return ParamSpec("p", default, False, annotation)

    assert allowed_types(spec("int | None")) == {"int", "null"}
    assert allowed_types(spec("Optional[str]")) == {"str", "null"}
    assert allowed_types(spec("list[bytes]")) == {"list"}
    assert allowed_types(spec("Callable[[Any], Any]")) == {"callable"}
    assert allowed_types(spec("collections.abc.Callable[..., Any] | None")) == {"callable", "null"}
    assert allowed_types(spec("Iterator[int]")) is None
    assert allowed_types(spec("", 5)) == {"int", "float"}
    assert allowed_types(spec("", None)) is None


def test_unknown_box_and_direction(catalog: Catalog) -> None:
    graph = Graph()
    src = graph.add_node(SOURCE, params={"messages": []})
    sink = graph.add_node(SINK)
    graph.add_link((src.id, "nosuch"), (sink.id, "inbox"))
    graph.add_link((src.id, "inbox"), (sink.id, "extra"))
    graph.add_link((src.id, "signal"), (sink.id, "outbox"))
    problems = validate(graph, catalog)
    assert [(p.code, p.link_id, p.box) for p in problems] == [
        ("unknown-box", "l1", "nosuch"),
        ("direction", "l2", "inbox"),
        ("direction", "l3", "outbox"),
    ]
    assert "outboxes: outbox, signal" in problems[0].message
    assert all(p.severity == ERROR for p in problems)


def test_passthrough_directions(catalog: Catalog) -> None:
    graph = Graph()
    line = graph.add_node(GRAPHLINE, container_kind="graphline")
    child = graph.add_node(SINK, parent=line.id)
    other = graph.add_node(UPPER, parent=line.id)
    graph.add_link((line.id, "inbox"), (child.id, "extra"))
    graph.add_link((other.id, "outbox"), (line.id, "outbox"))
    assert validate(graph, catalog) == []
    graph.add_link((line.id, "outbox"), (other.id, "inbox"))
    graph.add_link((child.id, "outbox"), (line.id, "control"))
    assert [(p.code, p.link_id) for p in validate(graph, catalog)] == [
        ("direction", "l3"),
        ("direction", "l4"),
    ]


def test_outbox_linked_twice_explicit_and_implicit(catalog: Catalog) -> None:
    graph = good_graph()
    graph.add_link(("n1", "outbox"), ("n5", "inbox"))
    problems = validate(graph, catalog)
    assert [p.code for p in problems] == ["outbox-linked-twice"]
    assert problems[0].node_id == "n1" and problems[0].box == "outbox"
    assert "linked 2 times" in problems[0].message
    graph = good_graph()
    graph.add_link(("n3", "outbox"), ("n4", "control"))
    (problem,) = validate(graph, catalog)
    assert problem.code == "outbox-linked-twice" and "Pipeline's own wiring" in problem.message


def test_crossing_container_boundary(catalog: Catalog) -> None:
    graph = good_graph()
    graph.add_link(("n1", "signal"), ("n3", "control"))
    (problem,) = validate(graph, catalog)
    assert problem.code == "crosses-boundary" and problem.link_id == "l3"


def test_servercore_rules(catalog: Catalog) -> None:
    graph = Graph()
    server = graph.add_node(SERVERCORE, container_kind="servercore", params={"port": 0})
    assert codes(graph, catalog) == ["servercore-protocol"]
    handler = graph.add_node(UPPER, parent=server.id)
    assert validate(graph, catalog) == []
    graph.add_link((server.id, "control"), (handler.id, "control"))
    assert codes(graph, catalog) == ["servercore-link"]
    graph.add_node(UPPER, parent=server.id)
    assert "servercore-protocol" in codes(graph, catalog)


def test_structure_problems(catalog: Catalog) -> None:
    graph = Graph()
    src = graph.add_node(SOURCE, params={"messages": []})
    graph.add_node(SINK, parent=src.id)
    graph.add_node(PIPELINE)
    graph.add_node(GRAPHLINE, container_kind="graphline")
    assert codes(graph, catalog) == [
        "container-kind-mismatch",
        "empty-container",
        "not-a-container",
    ]


def test_containment_cycle(catalog: Catalog) -> None:
    graph = Graph()
    a = graph.add_node(GRAPHLINE, container_kind="graphline")
    b = graph.add_node(GRAPHLINE, container_kind="graphline", parent=a.id)
    a.parent = b.id  # only a corrupted document can get here; validate still says so
    assert set(codes(graph, catalog)) == {"containment-cycle"}


def test_names_in_graphlines(catalog: Catalog) -> None:
    graph = Graph()
    graph.add_node(SINK, name="x")
    graph.add_node(SINK, name="x")
    line = graph.add_node(GRAPHLINE, container_kind="graphline")
    graph.add_node(SINK, name="self", parent=line.id)
    assert codes(graph, catalog) == ["duplicate-name", "duplicate-name", "reserved-name"]


def test_check_link_for_editing(catalog: Catalog) -> None:
    graph = good_graph()
    assert check_link(graph, catalog, ("n5", "signal"), ("n1", "control")) is None
    assert check_link(graph, catalog, ("n1", "outbox"), ("n5", "extra")).code == (
        "outbox-linked-twice"
    )
    assert check_link(graph, catalog, ("n1", "inbox"), ("n5", "extra")).code == "direction"
    assert check_link(graph, catalog, ("n1", "zzz"), ("n5", "extra")).code == "unknown-box"
    assert check_link(graph, catalog, ("n9", "outbox"), ("n5", "extra")).code == "unknown-node"
    assert check_link(graph, catalog, ("n5", "signal"), ("n3", "control")).code == (
        "crosses-boundary"
    )
    server = graph.add_node(SERVER)
    assert check_link(graph, catalog, (server.id, "signal"), ("n1", "control")) is None


def port_graph() -> tuple[Graph, dict[str, str]]:
    """A listening server, a ServerCore with a handler, and a Sink that gets a port."""
    graph = Graph()
    server = graph.add_node(SERVER, name="listener", params={"port": 0})
    core = graph.add_node(SERVERCORE, name="core", container_kind="servercore")
    inner = graph.add_node(SERVER, name="inner", parent=core.id)
    sink = graph.add_node(SINK, name="client", params={"port": values.port_of("listener")})
    ids = {"listener": server.id, "core": core.id, "inner": inner.id, "client": sink.id}
    return graph, ids


def test_port_of_a_server_is_valid(catalog: Catalog) -> None:
    graph, ids = port_graph()
    graph.set_param(ids["inner"], "port", values.port_of("core"))  # its own ServerCore: fine
    assert validate(graph, catalog) == []


@pytest.mark.parametrize(
    ("target", "code", "fragment"),
    [
        ("nobody", "unknown-port-ref", "no node has that name"),
        ("client", "port-ref-not-server", "Sink is not a server"),
        ("inner", "port-ref-per-connection", "for each connection"),
    ],
)
def test_port_of_must_name_a_server(
    catalog: Catalog, target: str, code: str, fragment: str
) -> None:
    graph, ids = port_graph()
    graph.set_param(ids["client"], "port", values.port_of(target))
    (problem,) = validate(graph, catalog)
    assert (problem.code, problem.node_id, problem.param) == (code, ids["client"], "port")
    assert problem.severity == ERROR
    assert problem.message.startswith(f"client.port: $port_of {target!r}")
    assert fragment in problem.message


def test_port_of_an_ambiguous_name(catalog: Catalog) -> None:
    graph, ids = port_graph()
    pipe = graph.add_node(PIPELINE, container_kind="pipeline")
    graph.add_node(SERVER, name="listener", parent=pipe.id)
    (problem,) = validate(graph, catalog)
    assert problem.code == "ambiguous-port-ref" and problem.node_id == ids["client"]
    assert "2 nodes have that name" in problem.message


def test_port_of_cycles_are_reported_on_each_server(catalog: Catalog) -> None:
    graph, ids = port_graph()
    other = graph.add_node(SERVER, name="other", params={"port": values.port_of("listener")})
    graph.set_param(ids["listener"], "port", values.port_of("other"))
    found = validate(graph, catalog)
    assert [(p.code, p.node_id, p.param) for p in found] == [
        ("port-ref-cycle", ids["listener"], "port"),
        ("port-ref-cycle", other.id, "port"),
    ]
    assert "(listener -> other -> listener)" in found[0].message
    graph.set_param(other.id, "port", 0)
    graph.set_param(ids["listener"], "port", values.port_of("listener"))
    (problem,) = validate(graph, catalog)
    assert problem.code == "port-ref-cycle" and "(listener -> listener)" in problem.message


def test_port_of_where_a_port_cannot_go(catalog: Catalog) -> None:
    graph, ids = port_graph()
    graph.set_param(ids["listener"], "host", values.port_of("core"))
    graph.set_param(ids["client"], "port", {"$port_of": ""})
    found = sorted((p.code, p.node_id, p.param, p.message) for p in validate(graph, catalog))
    assert [f[:3] for f in found] == [
        ("bad-param", ids["listener"], "host"),
        ("bad-param", ids["client"], "port"),
    ]
    assert "listener.host: expected str, got port" in found[0][3]
    assert "needs the name of a server node" in found[1][3]
