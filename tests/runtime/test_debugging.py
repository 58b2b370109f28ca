"""Breakpoints and message stepping on a run in this process (no Qt)."""

from __future__ import annotations

import pytest

from kamaelia_core.chassis.pipeline import Pipeline
from kamaelia_core.util.collector import Collector
from kamaelia_core.util.sources import DataSource
from workbench.model import Catalog, Graph
from workbench.model.io import load
from workbench.resources import example_path
from workbench.runtime.debugging import BreakSpec
from workbench.runtime.session import Session
from workbench.runtime.traffic import TrafficGenerator, TrafficPlan

pytestmark = pytest.mark.timeout(30)


def run_until(session, condition, seconds=10.0):
    import time

    end = time.monotonic() + seconds
    while not condition() and time.monotonic() < end:
        session.run_for(0.02)
    assert condition(), "not reached in time"


@pytest.fixture
def echo():
    catalog = Catalog.discover()
    session = Session(load(example_path("echo_server"), catalog), catalog)
    session.start()
    run_until(session, lambda: bool(session.model.listening()))
    yield session
    session.stop()


def test_a_type_breakpoint_pauses_on_exactly_that_message_and_the_views_stop_there(echo):
    seen = []
    echo.events.subscribe(seen.extend)
    spec = echo.debugger.add(BreakSpec(msg_type="newCSA"))
    assert spec.label == "newCSA"
    port = int(echo.model.listening()[0].rsplit(":", 1)[1])
    gen = TrafficGenerator(echo.scheduler, port, plan=TrafficPlan(clients=1, lines=1, hold=None))
    gen.start()
    try:
        run_until(echo, lambda: echo.state == "paused")
        hit = echo.debugger.last_hit
        assert hit.event.msg_type == "newCSA" and spec.hits == 1
        echo.run_for(0.2)  # paused: frames go on, nothing more is shown
        assert seen[-1].seq == hit.seq and seen[-1].msg_type == "newCSA"
        # one step: exactly one more delivery reaches the views
        before = len([e for e in seen if e.kind == "delivered"])
        nxt = echo.debugger.step_message()
        echo.run_for(0.05)
        delivered = [e for e in seen if e.kind == "delivered"]
        assert nxt is not None and len(delivered) == before + 1 and delivered[-1].seq == nxt.seq
        assert seen[-1].seq == nxt.seq
        echo.resume()
        run_until(echo, lambda: gen.stats.bytes_received > 0)
        assert echo.reveal_until is None
    finally:
        gen.stop()


def test_a_link_breakpoint_follows_every_connection_and_one_shot_runs_to_the_next(echo):
    port = int(echo.model.listening()[0].rsplit(":", 1)[1])
    gen = TrafficGenerator(echo.scheduler, port, plan=TrafficPlan(clients=1, lines=3, rate=20,
                                                                  hold=None))  # fmt: skip
    gen.start()
    try:
        run_until(echo, lambda: echo.model.live_connections() == 1)
        csa = next(e for e in echo.model.entities.values() if e.kind == "connection")
        link = (csa.cid, "outbox", csa.partner, "inbox")
        spec = echo.debugger.add(BreakSpec(link=link, contains="hello 0.1"))
        run_until(echo, lambda: echo.state == "paused")
        assert "hello 0.1" in echo.debugger.last_hit.event.value
        echo.debugger.remove(spec)
        # a second client: the same breakpoint, set on the first one's link, stops on its
        once = echo.debugger.add(BreakSpec(link=link, once=True))
        echo.resume()
        gen2 = TrafficGenerator(echo.scheduler, port, plan=TrafficPlan(clients=1, lines=1,
                                                                       hold=None))  # fmt: skip
        gen2.start()
        try:
            run_until(echo, lambda: echo.state == "paused")
            assert once.hits == 1 and once not in echo.debugger.specs
            hit = echo.debugger.last_hit.event
            assert hit.sink_box == "inbox" and hit.msg_type == "bytes"
        finally:
            gen2.stop()
    finally:
        gen.stop()


def test_step_message_runs_the_engine_to_the_next_delivery():
    catalog = Catalog.discover()
    session = Session(Graph(), catalog, components=[Pipeline(DataSource(messages=[1, 2, 3]),
                                                             Collector())])  # fmt: skip
    session.start()
    session.pause()
    got = []
    session.events.subscribe(got.extend)
    values = []
    for _ in range(3):
        ev = session.debugger.step_message()
        session.pump()
        values.append(ev.value)
        assert got[-1].seq == ev.seq  # the views see up to that delivery, no further
    assert values == ["1", "2", "3"]
    session.stop()


def test_bad_breakpoints_are_refused(echo):
    with pytest.raises(ValueError, match="longer_than"):
        echo.debugger.add(BreakSpec(longer_than=-3))


def test_breakpoint_list_observers_hear_every_change(echo):
    seen = []
    unsubscribe = echo.debugger.subscribe_breakpoints(lambda specs: seen.append(
        [s.msg_type for s in specs]))  # fmt: skip
    spec = echo.debugger.add(BreakSpec(msg_type="newCSA"))
    once = echo.debugger.add(BreakSpec(msg_type="bytes", once=True))
    echo.debugger.remove(spec)
    echo.debugger.remove(spec)  # not there any more: nothing to say
    assert seen == [["newCSA"], ["newCSA", "bytes"], ["bytes"]]
    port = int(echo.model.listening()[0].rsplit(":", 1)[1])
    gen = TrafficGenerator(echo.scheduler, port, plan=TrafficPlan(clients=1, lines=1, hold=None))
    gen.start()
    try:
        run_until(echo, lambda: echo.state == "paused")
    finally:
        gen.stop()
    assert once.hits == 1 and seen[-1] == []  # a one-shot breakpoint that hit is gone
    unsubscribe()
    echo.debugger.add(BreakSpec())
    assert len(seen) == 4
