"""DataSource and RateSource: a list out, then producerFinished."""

from __future__ import annotations

from kamaelia_core.component import Component
from kamaelia_core.ipc import producerFinished, shutdownMicroprocess
from kamaelia_core.testing import collect_outbox, run_until_idle
from kamaelia_core.util.collector import Collector
from kamaelia_core.util.sources import DataSource, RateSource


def test_data_source_emits_the_list_then_producer_finished(sched):
    src = DataSource(["a", "b", "c"])
    src.activate(sched)
    out, sig = collect_outbox(src, run=False), collect_outbox(src, "signal", run=False)
    run_until_idle(scheduler=sched)
    assert out == ["a", "b", "c"]
    assert len(sig) == 1 and isinstance(sig[0], producerFinished)
    assert src.state == "finished"


def test_data_source_waits_for_a_full_consumer(sched):
    src, sink = DataSource(range(100)), Collector()
    src.link((src, "outbox"), (sink, "inbox"))
    src.link((src, "signal"), (sink, "control"))
    sink.setInboxSize("inbox", 3)
    run_until_idle(src, sink, scheduler=sched)
    assert sink.collected == list(range(100))
    assert sink.state == "finished"


def test_data_source_stops_early_on_shutdown(sched):
    src, stuck = DataSource(range(100)), Component()  # a consumer that never reads
    src.link((src, "outbox"), (stuck, "inbox"))
    stuck.setInboxSize("inbox", 1)
    src.activate(sched)
    sig = collect_outbox(src, "signal")
    assert src.state == "waiting" and src.sent == 1
    src._deliver(shutdownMicroprocess(), "control")
    run_until_idle(scheduler=sched)
    assert isinstance(sig[0], shutdownMicroprocess)
    assert src.state == "finished" and stuck.dataReady() == 1


def test_rate_source_emits_on_the_clock(sched, clock):
    src = RateSource(["x", "y", "z"], rate=2.0)
    src.activate(sched)
    out, sig = collect_outbox(src, run=False), collect_outbox(src, "signal", run=False)
    run_until_idle(scheduler=sched)
    assert out == ["x"]
    clock.advance(0.4)
    run_until_idle(scheduler=sched)
    assert out == ["x"]
    clock.advance(0.1)
    run_until_idle(scheduler=sched)
    assert out == ["x", "y"]
    clock.advance(0.5)
    run_until_idle(scheduler=sched)
    assert out == ["x", "y", "z"]
    assert isinstance(sig[0], producerFinished)


def test_rate_source_control_wakes_it_early_without_extra_sends(sched, clock):
    src = RateSource(["x", "y"], rate=1.0)
    src.activate(sched)
    out, sig = collect_outbox(src, run=False), collect_outbox(src, "signal", run=False)
    run_until_idle(scheduler=sched)
    src._deliver("ignored", "control")
    run_until_idle(scheduler=sched)
    assert out == ["x"]
    src._deliver(shutdownMicroprocess(), "control")
    run_until_idle(scheduler=sched)
    assert out == ["x"] and isinstance(sig[0], shutdownMicroprocess)
    assert "rate=1.0" in repr(src)
