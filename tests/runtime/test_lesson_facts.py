"""The lesson engine's facts follow the document and a real run headless (no Qt)."""

from __future__ import annotations

import time

import pytest

from kamaelia_core.component import Component
from workbench.model import Catalog, Graph
from workbench.model.io import load
from workbench.resources import example_path
from workbench.runtime.debugging import BreakSpec
from workbench.runtime.lesson_facts import FactCollector
from workbench.runtime.session import Session
from workbench.runtime.traffic import TrafficGenerator, TrafficPlan

pytestmark = pytest.mark.timeout(30)


class Boom(Component):
    """Raises on its first message."""

    Category = "Tests"

    def main(self):
        while not self.dataReady("inbox"):
            self.pause()
            yield 1
        raise ValueError("boom")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    catalog = Catalog.discover()
    catalog.add(Boom)
    return catalog


def run_until(session: Session, condition, seconds: float = 10.0) -> None:
    end = time.monotonic() + seconds
    while not condition() and time.monotonic() < end:
        session.run_for(0.02)
    assert condition(), "not reached in time"


def test_design_changes_are_counted_by_name_class_and_category(catalog):
    graph = Graph()
    collector = FactCollector(graph, catalog)
    seen = []
    collector.subscribe(seen.append)
    words = graph.add_node("kamaelia_core.util.sources.DataSource", name="words")
    boom = graph.add_node(f"{Boom.__module__}.Boom", name="bang")
    graph.add_link((words.id, "outbox"), (boom.id, "inbox"))
    graph.set_param(words.id, "messages", ["a"])
    f = collector.facts
    assert f.nodes_added["*"] == 2 and f.nodes_added["bang"] == 1
    assert f.nodes_added["boom"] == 1 and f.nodes_added["tests"] == 1
    assert f.links_added["words"] == f.links_added["bang"] == f.links_added["*"] == 1
    assert f.links_added["util"] == 1  # DataSource's category
    assert f.params_set == {"words.messages"}
    assert len(seen) == 4
    graph.replace_with(Graph())  # opening a file is not adding nodes
    assert f.nodes_added["*"] == 2 and len(seen) == 4
    collector.close()
    graph.add_node("kamaelia_core.util.sources.DataSource")
    assert f.nodes_added["*"] == 2  # no longer following


def test_pushed_facts_and_bad_states(catalog, tmp_path):
    collector = FactCollector(Graph(), catalog)
    collector.set_document(tmp_path / "x" / ".." / "g.kgraph.json")
    assert collector.facts.document == str((tmp_path / "g.kgraph.json").resolve())
    collector.set_document(None)
    assert collector.facts.document is None
    collector.set_log_filter("type:newCSA")
    collector.set_components(2)
    assert (collector.facts.components_loaded, collector.facts.components_error) == (2, "")
    collector.set_components(0, "x.py, line 3: SyntaxError")
    assert collector.facts.components_loads == 2 and collector.facts.components_loaded == 0
    with pytest.raises(ValueError, match="run state 'flying' is not one of idle, running"):
        collector.set_run_state("flying")


def test_a_run_of_the_echo_server_feeds_connections_breakpoints_and_pauses(catalog):
    graph = load(example_path("echo_server"), catalog)
    collector = FactCollector(graph, catalog)
    session = Session(graph, catalog)
    session.start()
    collector.set_run_state("running", session)
    f = collector.facts
    gen = None
    try:
        run_until(session, lambda: f.listening == 1)
        assert f.run_state == "running" and f.runs_started == 1
        session.debugger.add(BreakSpec(msg_type="newCSA"))
        assert f.breakpoints == ["newCSA"]  # noticed as it was set, not polled
        port = int(session.model.listening()[0].rsplit(":", 1)[1])
        plan = TrafficPlan(clients=1, lines=1, rate=0, hold=None)
        gen = TrafficGenerator(session.scheduler, port, plan=plan).start()
        run_until(session, lambda: f.hits["newCSA"] == 1)
        assert session.state == "paused"
        run_until(session, lambda: f.last_delivery == "newCSA")  # the views stop at the hit
        assert f.run_state == "paused" and f.delivered["newCSA"] == 1
        session.debugger.clear()
        assert f.breakpoints == []
        session.resume()
        assert f.run_state == "running"
        run_until(session, lambda: f.live_connections == 1 and f.received["echo"] >= 1)
        assert f.accepted == 1
        gen.stop()
        run_until(session, lambda: f.closed == 1 and f.delivered["shutdownCSA"] >= 1)
        assert f.received["connectedsocketadapter"] >= 1  # the echo went back to the CSA
    finally:
        if gen is not None:
            gen.stop()
        session.stop()
    collector.set_run_state("stopped")
    assert f.run_state == "stopped" and collector.session is None
    assert f.accepted == 1  # the last run's facts stay until the next run
    session.resume()  # a session no longer followed changes nothing
    assert f.run_state == "stopped"


@pytest.mark.expect_errors(match=r"Boom#\d+ crashed")
def test_a_crash_is_counted_by_its_node_and_class_and_a_new_run_starts_afresh(catalog):
    graph = Graph()
    words = graph.add_node(
        "kamaelia_core.util.sources.DataSource", name="words", params={"messages": ["x"]}
    )
    boom = graph.add_node(f"{Boom.__module__}.Boom", name="bang")
    graph.add_link((words.id, "outbox"), (boom.id, "inbox"))
    collector = FactCollector(graph, catalog)
    f = collector.facts
    for run in (1, 2):
        session = Session(graph, catalog)
        session.start()
        collector.set_run_state("running", session)
        assert f.crashed["*"] == 0 and f.runs_started == run  # a new run forgets the last
        try:
            run_until(session, lambda: f.crashed["bang"] == 1)
        finally:
            session.stop()
        assert f.crashed["boom"] == 1 and f.crashed["tests"] == 1
        collector.set_run_state("stopped")
    collector.set_run_state("finished", None)
    assert f.finished
