"""Tests for code export: structure of the program, literal quoting, and ruff cleanliness."""

from __future__ import annotations

from pathlib import Path

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
from tests.model.helpers import assert_ruff_clean
from workbench.model import values
from workbench.model.catalog import Catalog
from workbench.model.codegen import (
    ExportError,
    export_python,
    identifier,
    normalise_expression,
    py_bytes,
    py_str,
)
from workbench.model.graph import Graph


def mixed_graph() -> Graph:
    graph = Graph()
    src = graph.add_node(
        SOURCE,
        name="source",
        params={"delay": 0.5, "messages": ["a", "it's", 'say "hi"', values.bytes_value("x\r\n")]},
    )
    pipe = graph.add_node(PIPELINE, name="shout", container_kind="pipeline")
    graph.add_node(TRANSFORM, parent=pipe.id, params={"function": values.code("lambda s:s+'!'")})
    graph.add_node(UPPER, parent=pipe.id)
    inner = graph.add_node(GRAPHLINE, name="class", container_kind="graphline")
    a = graph.add_node(SINK, name="sink", parent=inner.id, params={"limit": 3})
    b = graph.add_node(SINK, name="sink 2", parent=inner.id)
    graph.add_link((inner.id, "inbox"), (a.id, "inbox"))
    graph.add_link((a.id, "outbox"), (b.id, "inbox"))
    graph.add_link((src.id, "outbox"), (pipe.id, "inbox"))
    graph.add_link((pipe.id, "outbox"), (inner.id, "inbox"))
    server = graph.add_node(SERVERCORE, name="server", container_kind="servercore")
    graph.set_param(server.id, "port", 0)
    handler = graph.add_node(PIPELINE, name="per connection", container_kind="pipeline")
    graph.reparent_node(handler.id, server.id)
    graph.add_node(UPPER, parent=handler.id)
    graph.add_annotation('Notes with """quotes""" and \\ backslashes.')
    return graph


def test_program_structure(catalog: Catalog, tmp_path: Path) -> None:
    text = export_python(mixed_graph(), catalog, title="Mixed")
    assert text.startswith('"""Mixed.\n')
    assert "from tests.model.fakes import (\n    Graphline,\n    Pipeline,\n" in text
    assert 'source=Source(messages=["a", "it\'s", \'say "hi"\', b"x\\r\\n"], delay=0.5)' in text
    assert 'Transform(function=lambda s: s + "!")' in text
    assert "class_=Graphline(" in text and "sink_2=Sink()" in text
    assert '("self", "inbox"): ("sink", "inbox")' in text
    assert '("source", "outbox"): ("shout", "inbox")' in text
    assert "def make_per_connection(**peer):" in text
    assert "server=ServerCore(protocol=make_per_connection, port=0)" in text
    assert text.endswith('if __name__ == "__main__":\n    system.run()\n')
    assert_ruff_clean(text, tmp_path)


def test_single_top_level_node_is_the_system(catalog: Catalog, tmp_path: Path) -> None:
    graph = Graph()
    graph.add_node(SINK)
    text = export_python(graph, catalog)
    assert "system = Sink()\n" in text and "Graphline" not in text
    assert_ruff_clean(text, tmp_path)


def test_long_values_are_exploded(catalog: Catalog, tmp_path: Path) -> None:
    graph = Graph()
    graph.add_node(SOURCE, params={"messages": [f"message number {i}" for i in range(12)]})
    text = export_python(graph, catalog)
    assert '        "message number 11",\n' in text
    assert_ruff_clean(text, tmp_path)


def test_invalid_or_empty_graph_is_refused(catalog: Catalog) -> None:
    with pytest.raises(ExportError, match="empty"):
        export_python(Graph(), catalog)
    graph = Graph()
    graph.add_node(SOURCE)
    with pytest.raises(ExportError, match="missing required parameter") as info:
        export_python(graph, catalog)
    assert info.value.problems[0].code == "missing-param"


def test_literals_follow_ruff_quotes() -> None:
    assert py_str("plain") == '"plain"'
    assert py_str("it's") == '"it\'s"'
    assert py_str('say "hi"') == "'say \"hi\"'"
    assert py_str("tab\tnul\x00\\") == '"tab\\tnul\\x00\\\\"'
    assert py_str("héllo") == '"héllo"'
    assert py_bytes(b"a\"b'\xff\n") == 'b"a\\"b\'\\xff\\n"'
    for text in ("plain", "it's", 'say "hi"', "a\\b\n\x00é"):
        assert eval(py_str(text)) == text
    assert eval(py_bytes(bytes(range(256)))) == bytes(range(256))


def test_expressions_are_normalised() -> None:
    assert normalise_expression(" lambda x:x.upper( ) ") == "lambda x: x.upper()"
    assert normalise_expression("lambda s: s + b'\\n'") == 'lambda s: s + b"\\n"'
    assert normalise_expression("f'{1}'") == "f'{1}'"
    with pytest.raises(SyntaxError):
        normalise_expression("x = 1")


def test_identifiers() -> None:
    assert identifier("my node") == "my_node"
    assert identifier("1st") == "n_1st"
    assert identifier("class") == "class_"
    assert identifier("self") == "self_"
    assert identifier("") == "node"


def test_port_of_names_a_server_variable_defined_first(catalog: Catalog, tmp_path: Path) -> None:
    graph = Graph()
    pipe = graph.add_node(PIPELINE, name="clients", container_kind="pipeline")
    graph.add_node(SINK, name="client", parent=pipe.id, params={"port": values.port_of("front")})
    front = graph.add_node(SERVER, name="front", params={"port": values.port_of("back end")})
    graph.add_node(SERVER, name="back end", params={"port": 0})
    core = graph.add_node(SERVERCORE, name="core", container_kind="servercore")
    graph.set_param(core.id, "port", 0)
    graph.add_node(SINK, name="handler", parent=core.id, params={"port": values.port_of("core")})
    graph.add_link((front.id, "signal"), (pipe.id, "control"))
    text = export_python(graph, catalog)
    definitions = (
        "back_end = Server(port=0)\n"
        "front = Server(port=back_end.port)\n"
        "core = ServerCore(protocol=make_handler, port=0)\n"
        "system = Graphline(\n"
    )
    assert definitions in text
    assert "    return Sink(port=core.port)\n" in text
    assert "clients=Pipeline(Sink(port=front.port))," in text
    assert "    front=front,\n    back_end=back_end,\n    core=core,\n" in text
    assert text.count("Server(") == 2 and text.count("ServerCore(") == 1
    assert_ruff_clean(text, tmp_path)


def test_a_referenced_server_alone_is_the_system(catalog: Catalog, tmp_path: Path) -> None:
    graph = Graph()
    core = graph.add_node(SERVERCORE, name="system", container_kind="servercore")
    graph.add_node(SINK, name="handler", parent=core.id, params={"port": values.port_of("system")})
    text = export_python(graph, catalog)
    assert "system_ = ServerCore(protocol=make_handler)\nsystem = system_\n" in text
    assert "return Sink(port=system_.port)" in text
    assert_ruff_clean(text, tmp_path)


def test_bad_port_of_is_refused(catalog: Catalog) -> None:
    graph = Graph()
    graph.add_node(SINK, name="client", params={"port": values.port_of("nobody")})
    with pytest.raises(ExportError, match="no node has that name") as info:
        export_python(graph, catalog)
    assert info.value.problems[0].code == "unknown-port-ref"


def test_named_callables_are_written_by_name_and_helpers_imported(
    catalog: Catalog, tmp_path: Path
) -> None:
    graph = Graph()
    pipe = graph.add_node(PIPELINE, name="shout", container_kind="pipeline")
    for name in ("str.upper", "kamaelia_core.util.text.line", "kamaelia_core.util.text.line"):
        graph.add_node(TRANSFORM, parent=pipe.id, params={"function": values.named_callable(name)})
    graph.add_node(SERVER, name="str", params={"port": 0})  # would shadow the builtin str
    graph.add_node(SINK, name="client", params={"port": values.port_of("str")})
    text = export_python(graph, catalog)
    assert "str_2 = Server(port=0)\n" in text
    assert "Sink(port=str_2.port)" in text
    assert "Transform(function=str.upper)" in text
    assert text.count("Transform(function=line)") == 2
    assert text.count("from kamaelia_core.util.text import line\n") == 1
    assert_ruff_clean(text, tmp_path)


def test_a_helper_name_taken_by_the_program_is_imported_under_an_alias(catalog: Catalog) -> None:
    graph = Graph()
    graph.add_node(SERVER, name="line", params={"port": 0})
    graph.add_node(SINK, name="client", params={"port": values.port_of("line")})
    graph.add_node(
        TRANSFORM, params={"function": values.named_callable("kamaelia_core.util.text.line")}
    )
    text = export_python(graph, catalog)
    assert "from kamaelia_core.util.text import line as line_2\n" in text
    assert "line = Server(port=0)\n" in text
    assert "Transform(function=line_2)" in text


def test_a_callable_off_the_allow_list_is_refused(catalog: Catalog) -> None:
    graph = Graph()
    graph.add_node(TRANSFORM, params={"function": values.named_callable("os.system")})
    with pytest.raises(ExportError) as info:
        export_python(graph, catalog)
    assert "'os.system' is not an allowed callable" in info.value.problems[0].message
