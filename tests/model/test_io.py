"""Tests for graph files: round trips, atomic saves, readable errors and migrations."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.model.fakes import GRAPHLINE, PIPELINE, SINK, SOURCE, UPPER
from workbench.model import io
from workbench.model.catalog import Catalog
from workbench.model.graph import Graph
from workbench.model.io import GraphFileError


def sample_graph() -> Graph:
    graph = Graph()
    line = graph.add_node(GRAPHLINE, name="main", container_kind="graphline", position=(0, 0))
    src = graph.add_node(SOURCE, params={"messages": ["a", "b"], "delay": 0.5}, parent=line.id)
    pipe = graph.add_node(PIPELINE, container_kind="pipeline", parent=line.id, position=(200, 0))
    graph.add_node(UPPER, parent=pipe.id, position=(210, 10))
    graph.add_node(UPPER, parent=pipe.id, position=(260.5, 10))
    sink = graph.add_node(SINK, parent=line.id, position=(400, 0), params={"opts": {"z": 1}})
    graph.add_link((src.id, "outbox"), (pipe.id, "inbox"))
    graph.add_link((pipe.id, "outbox"), (sink.id, "inbox"))
    graph.add_link((line.id, "control"), (src.id, "control"))
    graph.add_annotation("Upper-cases the messages\nthen collects them", (100, -50))
    return graph


def test_round_trip_is_identical(tmp_path: Path) -> None:
    graph = sample_graph()
    path = tmp_path / "g.kgraph.json"
    io.save(graph, path)
    again = io.load(path)
    assert io.dumps(again) == path.read_text(encoding="utf-8") == io.dumps(graph)
    assert [n.children for n in again.nodes] == [n.children for n in graph.nodes]
    assert again.nodes == graph.nodes and again.links == graph.links
    assert again.annotations == graph.annotations


def test_text_is_sorted_indented_and_diff_friendly() -> None:
    text = io.dumps(sample_graph())
    data = json.loads(text)
    assert list(data) == sorted(data) and data["format"] == "kamaelia-graph"
    assert data["version"] == io.VERSION
    assert '"position": [210.0, 10.0]' in text
    assert '      "source": ["n2", "outbox"]' in text
    assert text.endswith("}\n") and "\t" not in text
    assert [n["id"] for n in data["nodes"]] == ["n1", "n2", "n3", "n4", "n5", "n6"]


def test_ids_keep_counting_after_load() -> None:
    graph = io.loads(io.dumps(sample_graph()))
    assert graph.add_node(SINK).id == "n7"
    assert graph.add_link(("n7", "outbox"), ("n6", "inbox")).id == "l4"


def test_catalog_decides_container_kinds() -> None:
    data = json.loads(io.dumps(sample_graph()))
    data["nodes"][2]["container"] = "graphline"
    assert io.data_to_graph(data).node("n3").container_kind == "graphline"
    from tests.model import fakes

    graph = io.data_to_graph(data, Catalog(fakes.ALL))
    assert graph.node("n3").container_kind == "pipeline"


def test_atomic_save_keeps_old_file_when_serialisation_fails(tmp_path: Path) -> None:
    path = tmp_path / "g.kgraph.json"
    graph = sample_graph()
    io.save(graph, path)
    before = path.read_bytes()
    graph.set_param("n2", "messages", [1, 2])
    graph.node("n2").params["bad"] = {1, 2}  # a bug elsewhere put a non-JSON value in
    with pytest.raises(GraphFileError) as info:
        io.save(graph, path)
    assert info.value.where == "nodes[1].params.bad"
    assert "not JSON" in str(info.value) and str(path) in str(info.value)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["g.kgraph.json"]


def test_atomic_save_keeps_old_file_when_replace_fails(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "g.kgraph.json"
    io.save(sample_graph(), path)
    path.chmod(0o640)
    before = path.read_bytes()

    def broken_replace(src: str, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(io.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        io.save(Graph(), path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["g.kgraph.json"]
    io.save(Graph(), path)
    assert path.stat().st_mode & 0o777 == 0o640


def test_nan_is_refused() -> None:
    graph = Graph()
    graph.add_node(SOURCE, params={"delay": float("nan")})
    with pytest.raises(GraphFileError, match=r"nodes\[0\]\.params\.delay"):
        io.dumps(graph)


def test_malformed_json_gives_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.kgraph.json"
    path.write_text('{\n  "format": "kamaelia-graph",\n  "version": 1,\n  "nodes": [,]\n}\n')
    with pytest.raises(GraphFileError) as info:
        io.load(path)
    assert (info.value.line, info.value.column) == (4, 13)
    assert str(info.value).startswith(f"{path}:4:13: not valid JSON")


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.kgraph.json"
    path.write_bytes(b"\xff\xfe{}")
    with pytest.raises(GraphFileError, match="not UTF-8"):
        io.load(path)


def _broken(mutate) -> str:
    data = json.loads(io.dumps(sample_graph()))
    mutate(data)
    with pytest.raises(GraphFileError) as info:
        io.data_to_graph(data)
    return str(info.value)


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d.pop("nodes"), "missing key 'nodes'"),
        (lambda d: d["nodes"][2].pop("params"), "nodes[2]: missing key 'params'"),
        (lambda d: d["nodes"][2].update(params=[1]), "nodes[2].params: expected dict, got list"),
        (lambda d: d["nodes"][1].update(position=[1]), "nodes[1].position: expected [x, y]"),
        (lambda d: d["nodes"][1].update(name=True), "nodes[1].name: expected str, got bool"),
        (lambda d: d["nodes"][1].update(colour="red"), "nodes[1]: unknown key 'colour'"),
        (lambda d: d["nodes"][1].update(id="n1"), "nodes[1].id: duplicate node id 'n1'"),
        (lambda d: d["nodes"][0].update(parent="n99"), "nodes[0].parent: parent 'n99' is not"),
        (lambda d: d["nodes"][0].update(container="carousel"), "nodes[0].container: unknown"),
        (lambda d: d["nodes"][0]["children"].pop(), "nodes[5].parent: parent 'n1' does not list"),
        (lambda d: d["links"][0].update(sink=["n2"]), 'links[0].sink: expected ["node id", "box"]'),
        (lambda d: d["links"][1].update(source=["n9", "x"]), "links[1].source: no node 'n9'"),
        (lambda d: d["links"][1].update(id="l1"), "links[1].id: duplicate id 'l1'"),
        (lambda d: d["annotations"][0].update(text=3), "annotations[0].text: expected str"),
        (lambda d: d.update(format="other"), "not a kamaelia-graph file"),
        (lambda d: d.update(extra=1), "(top level): unknown key 'extra'"),
        (lambda d: d["nodes"].append(3), "nodes[6]: expected an object, got int"),
    ],
)
def test_structural_errors_name_the_json_path(mutate, expected: str) -> None:
    assert expected in _broken(mutate)


def test_containment_cycle_is_an_error() -> None:
    def cycle(d: dict) -> None:
        d["nodes"][0]["parent"] = "n3"
        d["nodes"][2]["children"].append("n1")

    assert "containment cycle" in _broken(cycle)


def test_path_is_in_structural_errors(tmp_path: Path) -> None:
    path = tmp_path / "g.kgraph.json"
    path.write_text('{"format": "kamaelia-graph", "version": 1, "nodes": {}}')
    with pytest.raises(GraphFileError, match=r"g.kgraph.json: nodes: expected list") as info:
        io.load(path)
    assert info.value.where == "nodes" and info.value.path == str(path)


def test_newer_version_is_refused_clearly() -> None:
    text = json.dumps({"format": "kamaelia-graph", "version": 99, "nodes": []})
    with pytest.raises(GraphFileError, match=r"newer workbench .*version 99"):
        io.loads(text)


def test_migrations_upgrade_older_files(monkeypatch) -> None:
    monkeypatch.setattr(io, "VERSION", 3)

    def v1_to_v2(data: dict) -> dict:
        data["nodes"] = data.pop("components")
        return data

    def v2_to_v3(data: dict) -> dict:
        data.setdefault("annotations", [])
        return data

    monkeypatch.setattr(io, "MIGRATIONS", {1: v1_to_v2, 2: v2_to_v3})
    old = {"format": "kamaelia-graph", "version": 1, "links": []}
    old["components"] = [
        {"id": "n1", "component": SINK, "name": "s", "params": {}, "position": [0, 0]}
    ]
    monkeypatch.setattr(io, "_TOP_KEYS", io._TOP_KEYS | {"components"})
    graph = io.data_to_graph(old)
    assert graph.node("n1").name == "s"


def test_missing_migration_is_an_error(monkeypatch) -> None:
    monkeypatch.setattr(io, "VERSION", 2)
    with pytest.raises(GraphFileError, match="no migration from format version 1"):
        io.loads('{"format": "kamaelia-graph", "version": 1, "nodes": [], "links": []}')


def test_id_clash_between_kinds_is_a_file_error() -> None:
    data = json.loads(io.dumps(sample_graph()))
    data["annotations"][0]["id"] = "l1"
    with pytest.raises(GraphFileError, match="already used"):
        io.loads(json.dumps(data))
    data = json.loads(io.dumps(sample_graph()))
    data["nodes"][5]["id"] = ""
    data["nodes"][0]["children"][-1] = ""
    data["links"][1]["sink"][0] = ""
    with pytest.raises(GraphFileError, match="non-empty"):
        io.loads(json.dumps(data))


def test_new_file_gets_default_permissions(tmp_path: Path) -> None:
    path = tmp_path / "new.kgraph.json"
    io.save(sample_graph(), path)
    umask = io._umask()
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
