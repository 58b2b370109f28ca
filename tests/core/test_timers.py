"""Timers: firing on the scheduler's clock, cancelling, and a heap that cancelled timers leave."""

from __future__ import annotations

import pytest

from kamaelia_core.testing import run_until_idle
from kamaelia_core.timers import next_tick
from tests.core.helpers import Counter


@pytest.mark.core_only
def test_timers_fire_on_the_injected_clock(sched, clock):
    c = Counter()
    run_until_idle(c, scheduler=sched)
    c.wake_after(5.0)
    assert sched.next_deadline() == clock.now + 5.0
    clock.advance(4.9)
    run_until_idle(scheduler=sched)
    assert c.slices == 1
    clock.advance(0.1)
    run_until_idle(scheduler=sched)
    assert c.slices == 2
    assert sched.next_deadline() is None


@pytest.mark.core_only
def test_cancelled_timer_does_not_fire(sched, clock):
    fired = []
    handle = sched.call_later(1.0, lambda: fired.append(1))
    handle.cancel()
    clock.advance(2)
    sched.run_until_idle()
    assert fired == []
    assert sched.next_deadline() is None


@pytest.mark.core_only
def test_a_cancelled_timer_lets_go_of_its_callback_at_once(sched, clock):
    import gc
    import weakref

    c = Counter()
    run_until_idle(c, scheduler=sched)
    handle = c.wake_after(60.0)
    gone = weakref.ref(c)
    handle.cancel()
    handle.cancel()  # a second cancel is harmless
    sched._live.pop(c.cid, None)  # as if it had ended: only the timer could still hold it
    del c
    gc.collect()
    assert gone() is None


@pytest.mark.core_only
def test_cancelled_timers_do_not_pile_up_until_their_deadlines(sched, clock):
    keep = sched.call_later(1.0, lambda: None)
    for _ in range(10_000):  # a timeout per connection, each cancelled when its connection ends
        sched.call_later(3600.0, lambda: None).cancel()
    assert len(sched._timers) < 200
    fired = []
    late = sched.call_later(2.0, lambda: fired.append("late"))
    keep.cancel()
    clock.advance(2.0)
    sched.run_until_idle()
    assert fired == ["late"]
    late.cancel()  # after firing: not counted as a cancelled timer still in the heap
    assert sched.next_deadline() is None  # drops the cancelled ones left at the head
    assert sched._timers == [] and sched._cancelled_timers == 0


def test_next_tick_keeps_to_the_schedule_and_does_not_make_up_missed_ticks():
    assert next_tick(10.0, 10.0, 1.0) == 11.0
    assert next_tick(10.0, 10.99, 1.0) == 11.0  # late, but by less than an interval
    assert next_tick(10.0, 13.5, 1.0) == 14.5  # three ticks missed: one interval from now
