"""A program no graph declared, drawn as a graph grown from its events (no Qt)."""

from __future__ import annotations

import pytest

from kamaelia_core import Component
from kamaelia_core.chassis.graphline import Graphline
from kamaelia_core.chassis.pipeline import Pipeline
from kamaelia_core.net import ServerCore
from kamaelia_core.util.collector import Collector
from kamaelia_core.util.echo import Echo
from kamaelia_core.util.sources import DataSource
from workbench.model.catalog import Catalog, UnknownComponentError
from workbench.model.graph import Graph
from workbench.runtime.program_graph import ProgramGraph
from workbench.runtime.session import Session

pytestmark = pytest.mark.timeout(30)


class Shout(Component):
    """A program's own component: the catalog has never heard of it."""

    Inboxes = {"inbox": "text", "control": "shutdown", "extra": "more text"}

    def main(self):
        while not self.dataReady("control"):
            while self.dataReady():
                self.send(str(self.recv()).upper())
            self.pause()
            yield 1


def watch(*components):
    catalog = Catalog.discover()
    graph = Graph()
    session = Session(graph, catalog, components=list(components))
    program = ProgramGraph(graph, catalog)
    session.model.placer.undeclared = program.undeclared
    session.model.subscribe(program.on_changes)
    return session, graph, catalog


def test_a_pipeline_and_a_server_become_frames_with_their_children():
    pipe = Pipeline(DataSource(messages=["a", "b"]), Shout(), Collector())
    server = ServerCore(protocol=Echo, port=0)
    session, graph, catalog = watch(pipe, server)
    session.start()
    session.scheduler.run_until_idle()
    session.pump()
    try:
        by_name = {n.name: n for n in graph.nodes}
        frame = by_name[pipe.name]
        assert frame.container_kind == "pipeline"
        assert [graph.node(c).name for c in frame.children] == [c.name for c in pipe.children]
        core = by_name[server.name]
        assert core.container_kind == "servercore" and core.children == []  # rows, not nodes
        assert server.server.name not in by_name  # the TCPServer is drawn by the live view
        assert not any(n.component.endswith("Selector") for n in graph.nodes)  # a service
        # the program's own class is drawn with its real boxes, and cannot be built
        shout = graph.node(frame.children[1])
        assert list(catalog.get(shout.component).inboxes) == ["inbox", "control", "extra"]
        assert shout.component not in [spec.id for spec in catalog]
        with pytest.raises(UnknownComponentError):
            catalog.resolve_class(shout.component)
        # laid out: the pipeline above, the server (whose rows grow) below it, no overlap
        assert core.position[1] > frame.position[1] + 100
        xs = [graph.node(c).position[0] for c in frame.children]
        assert xs == sorted(xs) and len(set(xs)) == 3
        model = session.model
        assert model.entities[server.server.cid].placement == "spawned"
        assert model.entities[server.server.cid].design_id == core.id
    finally:
        session.stop()


def test_links_between_top_level_nodes_become_graph_links():
    source, sink = DataSource(messages=[1, 2, 3]), Collector()
    line = Graphline(src=source, dst=sink, linkages={("src", "outbox"): ("dst", "inbox")})
    loose_a, loose_b = DataSource(messages=[1]), Collector()
    loose_a.link((loose_a, "outbox"), (loose_b, "inbox"))
    session, graph, _ = watch(line, loose_a, loose_b)
    session.start()
    session.run_for(2.0)
    try:
        by_name = {n.name: n for n in graph.nodes}
        assert by_name[line.name].container_kind == "graphline"
        assert {graph.node(c).name for c in by_name[line.name].children} == {
            source.name,
            sink.name,
        }
        ends = {(lk.source, lk.sink) for lk in graph.links}
        assert ((by_name[loose_a.name].id, "outbox"), (by_name[loose_b.name].id, "inbox")) in ends
        assert ((by_name[source.name].id, "outbox"), (by_name[sink.name].id, "inbox")) in ends
        pos_a, pos_b = by_name[loose_a.name].position, by_name[loose_b.name].position
        assert pos_a[0] < pos_b[0]  # layered left to right along the link
    finally:
        session.stop()


def test_the_parts_of_a_compound_protocol_handler_belong_to_its_row():
    from tests.net.conftest import Clients, drive

    def protocol(**_peer):
        return Pipeline(Echo(), Echo())  # a compound handler: its parts are drawn by its card

    server = ServerCore(protocol=protocol, port=0)
    session, graph, _ = watch(server)
    session.start()
    session.scheduler.run_until_idle()
    clients = Clients(server.port, 1)
    try:
        drive(session.scheduler, lambda: bool(server.connections), client=clients.pump)
        session.pump()
        model = session.model
        handler = next(e for e in model.entities.values() if e.kind == "handler")
        parts = [e for e in model.entities.values() if e.parent == handler.cid]
        assert handler.class_name == "Pipeline" and len(parts) == 2
        assert {p.member_of for p in parts} == {handler.cid}
        names = {n.name for n in graph.nodes}
        assert all(p.placement == "spawned" and p.name not in names for p in parts)  # no nodes
    finally:
        clients.close()
        session.stop()
