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


def test_one_shot_sends_once_then_finishes(sched):
    from kamaelia_core.util.sources import OneShot

    shot = OneShot("only")
    shot.activate(sched)
    out, sig = collect_outbox(shot, run=False), collect_outbox(shot, "signal", run=False)
    run_until_idle(scheduler=sched)
    assert out == ["only"] and isinstance(sig[0], producerFinished) and shot.state == "finished"


def test_triggered_one_shot_waits_for_a_trigger_and_passes_control_on(sched):
    from kamaelia_core.util.sources import TriggeredOneShot

    shot = TriggeredOneShot("fired")
    shot.activate(sched)
    out, sig = collect_outbox(shot, run=False), collect_outbox(shot, "signal")
    assert out == [] and shot.state == "waiting"
    shot._deliver("note", "control")
    run_until_idle(scheduler=sched)
    shot._deliver("go")
    run_until_idle(scheduler=sched)
    assert out == ["fired"] and sig[0] == "note" and isinstance(sig[1], producerFinished)
    early = TriggeredOneShot("never")
    early.activate(sched)
    early._deliver(shutdownMicroprocess(), "control")
    run_until_idle(scheduler=sched)
    assert early.state == "finished"


def test_triggered_source_answers_every_trigger(sched):
    from kamaelia_core.util.sources import TriggeredSource

    source = TriggeredSource("tick")
    source.activate(sched)
    out = collect_outbox(source)
    for _ in range(3):
        source._deliver(object())
    source._deliver(producerFinished(), "control")
    run_until_idle(scheduler=sched)
    assert out == ["tick"] * 3 and source.state == "finished"


def test_chargen_keeps_sending_waits_for_a_full_consumer_and_stops_on_control(sched):
    from kamaelia_core.util.sources import Chargen

    gen, sink = Chargen(), Collector()
    sink.setInboxSize("inbox", 5)
    gen.link((gen, "outbox"), (sink, "inbox"))
    gen.activate(sched)
    run_until_idle(scheduler=sched)  # the sink is not running: the chargen waits, not spins
    assert gen.sent == 5 and gen.state == "waiting"
    gen._deliver(shutdownMicroprocess(), "control")
    run_until_idle(scheduler=sched)
    assert gen.state == "finished" and "sent=5" in repr(gen)
