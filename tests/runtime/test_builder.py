"""Builder: graphs become wired components that behave as drawn."""

import itertools
from typing import Any

import pytest

from kamaelia_core.chassis.graphline import Graphline
from kamaelia_core.chassis.pipeline import Pipeline
from kamaelia_core.component import Component
from kamaelia_core.scheduler import Scheduler
from tests.runtime.fakes import Double, Keep, Numbers, cid, fake_catalog
from workbench.model.catalog import Catalog
from workbench.model.graph import Graph
from workbench.model.values import port_of
from workbench.runtime.builder import ROOT_ID, BuildError, build


def run(root):
    sched = Scheduler()
    root.activate(sched)
    sched.run_until_idle()
    sched.close()


def test_top_level_nodes_are_wired_in_a_root_graphline():
    g = Graph()
    a = g.add_node(cid(Numbers), name="nums", params={"count": 4})
    b = g.add_node(cid(Double), name="double")
    c = g.add_node(cid(Keep), name="keep")
    for src, dst in ((a, b), (b, c)):
        g.add_link((src.id, "outbox"), (dst.id, "inbox"))
        g.add_link((src.id, "signal"), (dst.id, "control"))
    built = build(g, fake_catalog())
    assert isinstance(built.root, Graphline)
    assert built.root.design_id == ROOT_ID
    run(built.root)
    assert built.by_node[c.id].got == [0, 2, 4, 6]
    assert built.by_node[a.id].design_id == a.id


def test_pipeline_container_wires_children_in_order():
    g = Graph()
    p = g.add_node(cid(Pipeline), name="pipe", container_kind="pipeline")
    g.add_node(cid(Numbers), name="n", params={"count": 2}, parent=p.id)
    g.add_node(cid(Double), name="d1", parent=p.id)
    g.add_node(cid(Double), name="d2", parent=p.id)
    k = g.add_node(cid(Keep), name="k", parent=p.id)
    built = build(g, fake_catalog())
    assert isinstance(built.root, Pipeline)
    run(built.root)
    assert built.by_node[k.id].got == [0, 4]


def test_graphline_container_uses_its_inner_links_and_self_boxes():
    g = Graph()
    gl = g.add_node(cid(Graphline), name="gl", container_kind="graphline")
    d = g.add_node(cid(Double), name="d", parent=gl.id)
    g.add_link((gl.id, "inbox"), (d.id, "inbox"))
    g.add_link((d.id, "outbox"), (gl.id, "outbox"))
    src = g.add_node(cid(Numbers), name="src", params={"count": 3})
    keep = g.add_node(cid(Keep), name="keep")
    g.add_link((src.id, "outbox"), (gl.id, "inbox"))
    g.add_link((gl.id, "outbox"), (keep.id, "inbox"))
    built = build(g, fake_catalog())
    sched = Scheduler()
    built.root.activate(sched)
    sched.run_until_idle()
    assert built.by_node[keep.id].got == [0, 2, 4]
    sched.close()


def test_unknown_component_names_the_node():
    g = Graph()
    g.add_node("no.such.Thing", name="ghost")
    with pytest.raises(BuildError, match="ghost") as info:
        build(g, fake_catalog())
    assert info.value.node_id == g.nodes[0].id


def test_bad_parameter_names_the_node_and_parameter():
    g = Graph()
    g.add_node(cid(Numbers), name="nums", params={"cuont": 3})
    with pytest.raises(BuildError, match=r"nums.*cuont"):
        build(g, fake_catalog())


def test_empty_graph_and_empty_container_are_refused():
    with pytest.raises(BuildError, match="empty"):
        build(Graph(), fake_catalog())
    g = Graph()
    g.add_node(cid(Pipeline), name="pipe", container_kind="pipeline")
    with pytest.raises(BuildError, match="empty container"):
        build(g, fake_catalog())


def test_tagged_values_decode_and_code_needs_trust():
    g = Graph()
    g.add_node(cid(Numbers), name="nums", params={"count": {"$code": "2 + 1"}})
    with pytest.raises(BuildError, match="trust"):
        build(g, fake_catalog())
    built = build(g, fake_catalog(), allow_code=True)
    assert built.root.count == 3


def test_named_callables_build_without_trust_and_others_are_refused():
    from kamaelia_core.util import PureTransformer
    from workbench.model.catalog import Catalog

    catalog = Catalog([PureTransformer])
    g = Graph()
    g.add_node(cid(PureTransformer), name="up", params={"function": {"$callable": "bytes.upper"}})
    built = build(g, catalog)
    assert built.root.processMessage(b"hi") == b"HI"
    g.set_param(g.nodes[0].id, "function", {"$callable": "__import__"})
    with pytest.raises(BuildError, match=r"'__import__' is not an allowed callable.*bytes\.upper"):
        build(g, catalog, allow_code=True)


def test_protocol_factory_passes_the_peer_details_the_handler_accepts():
    from kamaelia_core.component import Component
    from workbench.model.catalog import Catalog
    from workbench.runtime.builder import Builder

    class Handler(Component):
        def __init__(self, peer: str = "", greeting: str = "hi") -> None:
            super().__init__()
            self.peer = peer
            self.greeting = greeting

    class Plain(Component):
        def __init__(self) -> None:
            super().__init__()

    g = Graph()
    node = g.add_node(f"{Handler.__module__}.{Handler.__qualname__}", params={"greeting": "yo"})
    plain = g.add_node(f"{Plain.__module__}.{Plain.__qualname__}")
    builder = Builder(g, Catalog([Handler, Plain]))
    made = builder._factory(node)(peer="127.0.0.1", peerport=5, localip="127.0.0.1")
    assert (made.peer, made.greeting, made.instance_of) == ("127.0.0.1", "yo", node.id)
    assert builder._factory(plain)(peer="127.0.0.1").instance_of == plain.id


_made = itertools.count(1)


class FakeServer(Component):
    """Binds nothing: ``port`` 0 becomes a fresh made-up port, as a real server's would.

    Args:
        port: The port to listen on (0: any).
    """

    ListensOnPort = True

    def __init__(self, port: int = 0) -> None:
        super().__init__()
        self.made = next(_made)
        self.port = port or 40000 + self.made


class FakeCore(FakeServer):
    """A ServerCore-like container that keeps its protocol factory."""

    ContainerKind = "servercore"

    def __init__(self, protocol: Any = None, port: int = 0) -> None:
        super().__init__(port)
        self.protocol = protocol


class PortUser(Component):
    """Keeps the port(s) it is given.

    Args:
        port: One port.
        ports: More ports.
    """

    def __init__(self, port: Any = None, ports: Any = None) -> None:
        super().__init__()
        self.made = next(_made)
        self.port, self.ports = port, ports


def port_catalog() -> Catalog:
    return Catalog([FakeServer, FakeCore, PortUser, Keep, Pipeline, Graphline])


def test_port_of_gets_the_port_the_server_was_built_with():
    g = Graph()
    client = g.add_node(cid(PortUser), name="client", params={"port": port_of("srv")})
    server = g.add_node(cid(FakeServer), name="srv", params={"port": 0})
    built = build(g, port_catalog())
    made_client, made_server = built.by_node[client.id], built.by_node[server.id]
    assert made_server.made < made_client.made  # the server first, whatever the node order
    assert made_client.port == made_server.port > 40000
    assert (made_server.design_id, made_client.design_id) == (server.id, client.id)
    assert built.root.design_id == ROOT_ID
    assert built.root.components == {"client": made_client, "srv": made_server}


def test_nested_servers_are_built_once_in_dependency_order():
    g = Graph()
    outer = g.add_node(cid(Pipeline), name="clients", container_kind="pipeline")
    user = g.add_node(
        cid(PortUser), name="user", parent=outer.id, params={"ports": [port_of("front"), 7]}
    )
    line = g.add_node(cid(Graphline), name="servers", container_kind="graphline")
    front = g.add_node(cid(FakeServer), name="front", parent=line.id, params={"port": 0})
    back = g.add_node(cid(FakeServer), name="back", parent=line.id, params={"port": 0})
    g.set_param(front.id, "port", port_of("back"))
    built = build(g, port_catalog())
    made = {name: built.by_node[n.id] for name, n in (("user", user), ("front", front))}
    made["back"] = built.by_node[back.id]
    assert made["back"].made < made["front"].made < made["user"].made
    assert made["front"].port == made["back"].port
    assert made["user"].ports == [made["front"].port, 7]
    servers = built.by_node[line.id]
    assert servers.components == {"front": made["front"], "back": made["back"]}


def test_a_protocol_handler_gets_the_port_of_its_server_per_connection():
    g = Graph()
    core = g.add_node(cid(FakeCore), name="core", container_kind="servercore")
    handler = g.add_node(
        cid(PortUser), name="handler", parent=core.id, params={"port": port_of("core")}
    )
    built = build(g, port_catalog())
    made = built.root.protocol(peer="127.0.0.1", peerport=5)
    assert (made.port, made.instance_of, made.design_id) == (
        built.root.port,
        handler.id,
        handler.id,
    )
    assert handler.id not in built.by_node and built.templates == {handler.id: core.id}


@pytest.mark.parametrize(
    ("target", "fragment"),
    [
        ("ghost", r"client\.port: \$port_of 'ghost': no node has that name"),
        ("keep", r"client\.port: \$port_of 'keep': Keep is not a server"),
        ("client", "not a server"),
    ],
)
def test_port_of_a_missing_or_non_server_node_is_refused(target, fragment):
    g = Graph()
    client = g.add_node(cid(PortUser), name="client", params={"port": port_of(target)})
    g.add_node(cid(Keep), name="keep")
    with pytest.raises(BuildError, match=fragment) as info:
        build(g, port_catalog())
    assert info.value.node_id == client.id


def test_servers_naming_each_other_are_refused():
    g = Graph()
    a = g.add_node(cid(FakeServer), name="a", params={"port": port_of("b")})
    g.add_node(cid(FakeServer), name="b", params={"port": port_of("a")})
    with pytest.raises(BuildError, match=r"a\.port: \$port_of 'b' makes a cycle \(a -> b -> a\)"):
        build(g, port_catalog())
    g.set_param(a.id, "port", 0)
    assert build(g, port_catalog()).by_node[a.id].port > 40000


def test_a_server_without_a_port_is_a_build_error():
    class Unbound(FakeServer):
        def __init__(self, port: int = 0) -> None:
            super().__init__(port)
            self.port = None

    g = Graph()
    g.add_node(cid(Unbound), name="srv")
    client = g.add_node(cid(PortUser), name="client", params={"port": port_of("srv")})
    with pytest.raises(BuildError, match=r"client\.port: \$port_of 'srv': Unbound has no") as info:
        build(g, Catalog([Unbound, PortUser]))
    assert info.value.node_id == client.id


def test_a_failed_build_closes_the_servers_it_had_made(monkeypatch):
    import gc
    import warnings

    from kamaelia_core.net.servers import ServerCore
    from kamaelia_core.util.echo import Echo
    from workbench.model.catalog import Catalog

    catalog = Catalog([ServerCore, Echo, Numbers])
    g = Graph()
    server = g.add_node(cid(ServerCore), name="srv", container_kind="servercore",
                        params={"port": 0})  # fmt: skip
    g.add_node(cid(Echo), name="echo", parent=server.id)
    g.add_node(cid(Numbers), name="broken", params={"count": 1, "nope": 2})
    made = []
    original = ServerCore.__init__

    def spy(self, **argd):
        original(self, **argd)
        made.append(self)

    monkeypatch.setattr(ServerCore, "__init__", spy)
    with pytest.raises(BuildError, match="broken"):
        build(g, catalog)
    assert made and all(s.server.listener.fileno() == -1 for s in made)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ResourceWarning)
        gc.collect()
