"""Session: start, run, stop, crash reporting and the live-to-design mapping."""

import itertools

import pytest

from tests.runtime.fakes import Double, Explode, Keep, Numbers, cid, fake_catalog
from workbench.model.graph import Graph
from workbench.runtime.session import Session


def chain(g, *nodes):
    for src, dst in itertools.pairwise(nodes):
        g.add_link((src.id, "outbox"), (dst.id, "inbox"))
        g.add_link((src.id, "signal"), (dst.id, "control"))


def test_session_runs_to_the_end_and_reports_states():
    g = Graph()
    a = g.add_node(cid(Numbers), name="nums", params={"count": 5})
    b = g.add_node(cid(Double), name="double")
    c = g.add_node(cid(Keep), name="keep")
    chain(g, a, b, c)
    session = Session(g, fake_catalog())
    states = []
    session.subscribe_state(states.append)
    built = session.start()
    session.run_for(5.0)
    assert session.finished
    assert built.by_node[c.id].got == [0, 2, 4, 6, 8]
    infos = {info.name: info for info in session.events.components.values()}
    assert infos[built.by_node[c.id].name].state == "finished"
    assert session.events.delivered >= 5
    session.stop()
    assert states == ["running", "stopped"]


@pytest.mark.expect_errors(match=r"Explode#\d+ crashed")
def test_crash_is_reported_and_the_rest_keeps_running():
    g = Graph()
    a = g.add_node(cid(Numbers), name="nums", params={"count": 1})
    boom = g.add_node(cid(Explode), name="boom")
    g.add_link((a.id, "outbox"), (boom.id, "inbox"))
    other_src = g.add_node(cid(Numbers), name="n2", params={"count": 2})
    keep = g.add_node(cid(Keep), name="keep")
    chain(g, other_src, keep)
    session = Session(g, fake_catalog())
    built = session.start()
    session.run_for(5.0)
    assert [comp.name for comp, _ in session.crashes] == [built.by_node[boom.id].name]
    info = session.events.components[built.by_node[boom.id].cid]
    assert info.state == "crashed"
    assert "ValueError: boom: 0" in info.traceback
    assert built.by_node[keep.id].got == [0, 1]
    session.stop()


def test_pause_step_resume():
    g = Graph()
    a = g.add_node(cid(Numbers), name="nums", params={"count": 3})
    k = g.add_node(cid(Keep), name="keep")
    chain(g, a, k)
    session = Session(g, fake_catalog())
    built = session.start()
    session.pause()
    assert session.state == "paused"
    session.step()
    session.step()
    assert built.by_node[k.id].got
    session.resume()
    session.run_for(5.0)
    assert built.by_node[k.id].got == [0, 1, 2]
    session.stop()
