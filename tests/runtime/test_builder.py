"""Builder: graphs become wired components that behave as drawn."""

import pytest

from kamaelia_core.chassis.graphline import Graphline
from kamaelia_core.chassis.pipeline import Pipeline
from kamaelia_core.scheduler import Scheduler
from tests.runtime.fakes import Double, Keep, Numbers, cid, fake_catalog
from workbench.model.graph import Graph
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
