"""MessageRateLimit and OnDemandLimit: pacing on timers, one message per request."""

from __future__ import annotations

import pytest

from kamaelia_core.ipc import producerFinished, shutdownMicroprocess
from kamaelia_core.testing import run_until_idle
from kamaelia_core.util import Collector
from kamaelia_core.util.ratelimit import MessageRateLimit, OnDemandLimit
from tests.core.helpers import Sink


def _limited(sched, **argd):
    limit, out, end = MessageRateLimit(**argd), Collector(), Sink()
    out.link((limit, "outbox"), (out, "inbox"))
    end.link((limit, "signal"), (end, "control"))
    for comp in (limit, out, end):
        comp.activate(sched)
    return limit, out, end


def test_it_waits_for_its_buffer_then_sends_one_per_interval(sched, clock):
    limit, out, _ = _limited(sched, messages_per_second=10, buffer=3)
    limit._deliver("a")
    limit._deliver("b")
    run_until_idle(scheduler=sched)
    assert out.collected == []  # still gathering
    limit._deliver("c")
    run_until_idle(scheduler=sched)
    assert out.collected == ["a"]
    clock.now += 0.05
    run_until_idle(scheduler=sched)
    assert out.collected == ["a"]
    clock.now += 0.05
    run_until_idle(scheduler=sched)
    assert out.collected == ["a", "b"]
    clock.now += 0.1
    run_until_idle(scheduler=sched)
    assert out.collected == ["a", "b", "c"] and sched.next_deadline() is None


def test_producer_finished_flushes_at_the_rate_then_is_passed_on(sched, clock):
    limit, out, end = _limited(sched, messages_per_second=4, buffer=60)
    for n in range(3):
        limit._deliver(n)
    done = producerFinished()
    limit._deliver(done, "control")
    run_until_idle(scheduler=sched)
    assert out.collected == [0] and end.ctl == []
    for _ in range(2):
        clock.now += 0.25
        run_until_idle(scheduler=sched)
    assert out.collected == [0, 1, 2] and end.ctl == [done] and limit.state == "finished"


def test_shutdown_microprocess_ends_it_at_once(sched):
    limit, out, end = _limited(sched, messages_per_second=1, buffer=0)
    for n in range(3):
        limit._deliver(n)
    run_until_idle(scheduler=sched)
    stop = shutdownMicroprocess()
    limit._deliver(stop, "control")
    run_until_idle(scheduler=sched)
    assert out.collected == [0] and end.ctl == [stop] and sched.next_deadline() is None


def test_hardlimit_limits_the_inbox(sched):
    limit, _, _ = _limited(sched, messages_per_second=1, hardlimit=2)
    run_until_idle(scheduler=sched)
    assert limit.inboxes["inbox"].size == 2


def test_on_demand_limit_sends_one_message_per_next(sched):
    limit, out, end = OnDemandLimit(), Collector(), Sink()
    out.link((limit, "outbox"), (out, "inbox"))
    end.link((limit, "signal"), (end, "control"))
    limit._deliver("NEXT", "slidecontrol")  # asked before anything waits: remembered
    run_until_idle(limit, out, end, scheduler=sched)
    for message in ("a", "b", "c"):
        limit._deliver(message)
    run_until_idle(scheduler=sched)
    assert out.collected == ["a"]
    limit._deliver("NEXT", "slidecontrol")
    limit._deliver("other", "slidecontrol")
    run_until_idle(scheduler=sched)
    assert out.collected == ["a", "b"]
    limit._deliver(producerFinished(), "control")
    run_until_idle(scheduler=sched)
    assert limit.state == "finished" and len(end.ctl) == 1


def test_bad_rates_are_refused():
    with pytest.raises(ValueError, match="messages_per_second"):
        MessageRateLimit(0)
    with pytest.raises(ValueError, match="buffer"):
        MessageRateLimit(1, buffer=-1)
