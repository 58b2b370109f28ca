"""Collector: keeps what it receives and ends on a shutdown."""

from __future__ import annotations

from kamaelia_core.ipc import producerFinished, shutdownMicroprocess
from kamaelia_core.testing import collect_outbox, run_until_idle
from kamaelia_core.util.collector import Collector


def test_collects_and_ends_on_producer_finished(sched):
    c = Collector()
    c.activate(sched)
    sig = collect_outbox(c, "signal", run=False)
    c._deliver(1)
    c._deliver(2)
    run_until_idle(scheduler=sched)
    assert c.collected == [1, 2] and c.state == "waiting"
    c._deliver(3)
    c._deliver(producerFinished(), "control")
    run_until_idle(scheduler=sched)
    assert c.collected == [1, 2, 3] and c.state == "finished"
    assert isinstance(sig[0], producerFinished)
    assert "collected=3" in repr(c)


def test_ends_on_shutdown_microprocess(sched):
    c = Collector()
    c._deliver(shutdownMicroprocess(), "control")
    run_until_idle(c, scheduler=sched)
    assert c.state == "finished"
