"""Scheduler additions for watchers: hold/release/cycle, daemon timers, creation and end hooks."""

from __future__ import annotations

import threading
from collections.abc import Generator
from typing import Any

import pytest

from kamaelia_core.component import Component
from kamaelia_core.scheduler import Scheduler, add_scheduler_hook

pytestmark = pytest.mark.core_only


class Counter(Component):
    """Counts its slices; never pauses (always runnable)."""

    def __init__(self) -> None:
        super().__init__()
        self.n = 0

    def main(self) -> Generator[Any, None, None]:
        while True:
            self.n += 1
            yield 1


class Waiter(Component):
    """Pauses until stopped: nothing can wake it."""

    def main(self) -> Generator[Any, None, None]:
        while True:
            self.pause()
            yield 1


def test_held_scheduler_runs_no_slice_and_fires_no_timer(sched, clock):
    counter = Counter()
    sched.activate(counter)
    fired: list[float] = []
    sched.call_later(1.0, lambda: fired.append(clock()))
    sched.hold()
    clock.advance(2.0)
    assert sched.step(1.0) == 0 and sched.poll_io(0) == 0
    assert counter.n == 0 and fired == [] and sched.held
    sched.release()
    sched.step(0)
    assert counter.n > 0 and fired == [102.0]


def test_a_cycle_runs_each_runnable_component_once_even_held(sched):
    counters = [Counter() for _ in range(3)]
    for comp in counters:
        sched.activate(comp)
    sched.hold()
    assert sched.cycle() == 3
    assert [c.n for c in counters] == [1, 1, 1]
    assert sched.cycle() == 3
    assert [c.n for c in counters] == [2, 2, 2] and sched.held


def test_step_with_max_slices_picks_at_most_that_many(sched):
    counters = [Counter() for _ in range(40)]
    for comp in counters:
        sched.activate(comp)
    assert sched.step(1.0, max_slices=35) == 35
    assert sorted(c.n for c in counters) == [0] * 5 + [1] * 35


def test_a_held_run_waits_for_cross_thread_calls_and_runs_requested_cycles():
    with Scheduler() as sched:
        counter = Counter()
        sched.activate(counter)
        sched.hold()
        seen: list[tuple[int, int]] = []
        stepped = threading.Event()

        def done(slices: int) -> None:
            seen.append((slices, counter.n))
            stepped.set()

        runner = threading.Thread(target=sched.run)
        runner.start()
        for expected in (1, 2):
            stepped.clear()
            sched.io.call_soon_threadsafe(lambda: sched.request_cycle(done))
            assert stepped.wait(5)
            assert seen[-1] == (1, expected)  # held in between: the count moves by one
        sched.io.call_soon_threadsafe(sched.stop)
        runner.join(5)
        assert not runner.is_alive()


def test_a_daemon_timer_does_not_keep_run_waiting(caplog):
    with Scheduler() as sched:
        waiter = Waiter()
        sched.activate(waiter)
        ticks: list[int] = []

        def tick() -> None:
            ticks.append(1)
            sched.call_later(0.001, tick, daemon=True)

        sched.call_later(0.001, tick, daemon=True)
        sched.run()  # returns: nothing can wake the waiter
        assert "nothing can wake" in caplog.text
        assert not waiter._isRunnable()


def test_finish_hooks_run_when_run_ends_and_on_close():
    calls: list[str] = []
    sched = Scheduler()
    remove = sched.add_finish_hook(lambda: calls.append("end"))
    sched.activate(Component())
    sched.run()
    assert calls == ["end"]
    sched.close()
    assert calls == ["end", "end"]
    remove()


def test_creation_hooks_see_every_new_scheduler_and_can_be_removed():
    made: list[Scheduler] = []
    remove = add_scheduler_hook(made.append)
    try:
        with Scheduler() as a, Scheduler() as b:
            assert made == [a, b]
    finally:
        remove()
    with Scheduler():
        assert len(made) == 2


@pytest.mark.expect_errors
def test_a_failing_creation_hook_is_removed_and_logged(caplog):
    def broken(sched: Scheduler) -> None:
        raise RuntimeError("hook bug")

    add_scheduler_hook(broken)
    with Scheduler(), Scheduler():
        pass
    assert caplog.text.count("RuntimeError: hook bug") == 1
