"""Tests for port references: which classes are servers, the build order, and its refusals."""

from __future__ import annotations

import pytest

from tests.model.fakes import PIPELINE, SERVER, SERVERCORE, SINK
from workbench.model import values
from workbench.model.catalog import Catalog
from workbench.model.graph import Graph
from workbench.model.portrefs import (
    PortReference,
    PortRefError,
    is_port_server,
    references,
    server_order,
)


def test_core_servers_and_their_subclasses_are_servers() -> None:
    from kamaelia_core.net.servers import ServerCore, SimpleServer, SingleServer
    from kamaelia_core.net.tcpclient import TCPClient
    from kamaelia_core.net.tcpserver import TCPServer

    class Quiet(SimpleServer):
        """A subclass found through its base classes."""

    class NotReally(ServerCore):
        """A subclass that says it does not listen."""

        ListensOnPort = False

    catalog = Catalog([ServerCore, SimpleServer, SingleServer, TCPServer, TCPClient, Quiet])
    catalog.add(NotReally)
    listening = {spec.name: is_port_server(catalog, spec.id) for spec in catalog}
    assert listening == {
        "ServerCore": True,
        "SimpleServer": True,
        "SingleServer": True,
        "TCPServer": True,
        "Quiet": True,
        "TCPClient": False,  # it has a host and a port, but it connects
        "NotReally": False,
    }
    assert not is_port_server(catalog, "no.such.Server")


def test_servers_are_ordered_after_the_servers_they_need(catalog: Catalog) -> None:
    graph = Graph()
    sink = graph.add_node(SINK, name="client", params={"ports": [values.port_of("front")]})
    front = graph.add_node(SERVER, name="front", params={"port": values.port_of("back")})
    pipe = graph.add_node(PIPELINE, name="pipe", container_kind="pipeline")
    back = graph.add_node(SERVER, name="back", parent=pipe.id, params={"port": 0})
    core = graph.add_node(SERVERCORE, name="core", container_kind="servercore")
    graph.add_node(SINK, name="handler", parent=core.id, params={"port": values.port_of("core")})
    assert references(graph)[0] == PortReference(sink.id, "ports", "front")
    assert server_order(graph, catalog) == [back.id, front.id, core.id]


def test_no_references_no_servers(catalog: Catalog) -> None:
    graph = Graph()
    graph.add_node(SERVER, name="alone")
    assert server_order(graph, catalog) == []


def test_order_is_refused_with_the_first_problem(catalog: Catalog) -> None:
    graph = Graph()
    sink = graph.add_node(SINK, name="client", params={"port": values.port_of("ghost")})
    with pytest.raises(PortRefError, match=r"client\.port: \$port_of 'ghost'") as info:
        server_order(graph, catalog)
    assert (info.value.problem.node_id, info.value.problem.param) == (sink.id, "port")
