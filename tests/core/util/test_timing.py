"""StopAfter: shutdownMicroprocess after a time, or once the watched components have ended."""

from __future__ import annotations

import pytest

from kamaelia_core.component import Component
from kamaelia_core.ipc import producerFinished, shutdownMicroprocess
from kamaelia_core.testing import collect_outbox, run_until_idle
from kamaelia_core.util.collector import Collector
from kamaelia_core.util.timing import StopAfter
from tests.core.helpers import Sink


def test_it_sends_shutdown_once_the_time_is_up(sched, clock):
    stopper = StopAfter(5.0)
    stopper.activate(sched)
    sig = collect_outbox(stopper, "signal")
    assert sig == [] and stopper.state == "waiting"
    clock.advance(4.9)
    run_until_idle(scheduler=sched)
    assert sig == []
    clock.advance(0.1)
    run_until_idle(scheduler=sched)
    assert len(sig) == 1 and isinstance(sig[0], shutdownMicroprocess)
    assert stopper.state == "finished" and stopper.expired


def test_its_signal_stops_what_it_is_linked_to(sched, clock):
    stopper, sink = StopAfter(1.0), Collector()
    stopper.link((stopper, "signal"), (sink, "control"))
    run_until_idle(stopper, sink, scheduler=sched)
    clock.advance(1.0)
    run_until_idle(scheduler=sched)
    assert sink.state == "finished"


def test_it_stops_early_when_every_watched_component_has_ended(sched, clock):
    first, second = Collector(), Collector()
    stopper = StopAfter(60.0, watched=[first, second])
    run_until_idle(first, second, stopper, scheduler=sched)
    sig = collect_outbox(stopper, "signal")
    first._deliver(producerFinished(), "control")
    run_until_idle(scheduler=sched)
    assert sig == [] and "watched=1/2" in repr(stopper)
    second._deliver(producerFinished(), "control")
    run_until_idle(scheduler=sched)
    assert len(sig) == 1 and isinstance(sig[0], shutdownMicroprocess)
    assert not stopper.expired
    assert sched.next_deadline() is None  # its timer was cancelled
    assert clock.now == 100.0


def test_watched_components_that_ended_before_it_started_count(sched):
    done = Collector()
    done._deliver(producerFinished(), "control")
    run_until_idle(done, scheduler=sched)
    stopper = StopAfter(None, watched=[done])
    stopper.activate(sched)
    sig = collect_outbox(stopper, "signal")
    assert len(sig) == 1 and stopper.state == "finished"


def test_with_nothing_watched_only_the_time_counts(sched, clock):
    stopper = StopAfter(2.0, watched=[])
    stopper.activate(sched)
    sig = collect_outbox(stopper, "signal")
    assert sig == []
    clock.advance(2.0)
    run_until_idle(scheduler=sched)
    assert len(sig) == 1


def test_with_no_time_limit_it_waits_for_the_watched_only(sched, clock):
    worker = Collector()
    stopper = StopAfter(None, watched=[worker])
    run_until_idle(worker, stopper, scheduler=sched)
    sig = collect_outbox(stopper, "signal")
    assert sched.next_deadline() is None
    clock.advance(1e6)
    run_until_idle(scheduler=sched)
    assert sig == [] and "no limit" in repr(stopper)
    worker._deliver(shutdownMicroprocess(), "control")
    run_until_idle(scheduler=sched)
    assert len(sig) == 1


def test_a_shutdown_on_control_is_passed_on_and_leaves_no_hooks(sched):
    worker = Collector()
    stopper = StopAfter(30.0, watched=[worker])
    run_until_idle(worker, stopper, scheduler=sched)
    sig = collect_outbox(stopper, "signal")
    stopper._deliver(producerFinished(), "control")
    run_until_idle(scheduler=sched)
    assert len(sig) == 1 and isinstance(sig[0], producerFinished)
    assert stopper.state == "finished"
    assert stopper.unpause not in worker._callOnCloseDown
    assert sched.next_deadline() is None


def test_a_negative_time_is_refused():
    with pytest.raises(ValueError, match="negative"):
        StopAfter(-1.0)


def test_it_is_a_palette_component():
    import kamaelia_core.util as util
    from kamaelia_core.catalog_entries import COMPONENTS
    from kamaelia_core.util import timing

    assert StopAfter in COMPONENTS and util.StopAfter is StopAfter
    assert StopAfter in timing.__kamaelia_components__
    assert isinstance(StopAfter(), Component) and StopAfter().seconds == 10.0


def test_clock_ticks_on_its_timer_and_stops_on_control(sched, clock):
    from kamaelia_core.util.timing import Clock

    ticker, sink = Clock(0.5), Sink()
    sink.link((ticker, "outbox"), (sink, "inbox"))
    for comp in (ticker, sink):
        comp.activate(sched)
    sched.run_until_idle()
    assert sink.got == [True]
    clock.now += 0.4
    sched.run_until_idle()
    assert sink.got == [True]
    clock.now += 0.1
    sched.run_until_idle()
    clock.now += 2.0  # missed ticks are not made up
    sched.run_until_idle()
    assert sink.got == [True, True, True] and ticker.ticks == 3
    ticker._deliver(shutdownMicroprocess(), "control")
    sched.run_until_idle()
    assert ticker.state == "finished" and sched.next_deadline() is None
    with pytest.raises(ValueError, match="interval"):
        Clock(0)
