"""Axon's scheduler API over kamaelia_core: scheduler.run, runThreads, main(), stop, threads."""

from __future__ import annotations

import logging
import threading
import time

import pytest

from kamaelia_core.scheduler import Scheduler

pytestmark = pytest.mark.usefixtures("compat_layer")


def _classes():
    from Axon.Component import component
    from Axon.Ipc import producerFinished
    from Axon.Scheduler import scheduler

    class Count(component):
        """Sends 0..n-1 on outbox, one per slice, then producerFinished."""

        def __init__(self, n=3):
            super().__init__()
            self.n = n

        def main(self):
            for i in range(self.n):
                self.send(i, "outbox")
                yield 1
            self.send(producerFinished(self), "signal")

    class Wait(component):
        """Waits for one message on inbox, keeps it, ends."""

        got = None

        def main(self):
            while not self.dataReady("inbox"):
                self.pause()
                yield 1
            self.got = self.recv("inbox")

    return component, scheduler, Count, Wait


def test_scheduler_run_is_one_process_wide_kamaelia_core_scheduler():
    _, scheduler, _, _ = _classes()
    first = scheduler.run
    assert isinstance(first, Scheduler) and scheduler.run is first
    other = scheduler()
    assert scheduler.run is first and other is not first
    assert abs(first.time - time.time()) < 5
    assert first.name.startswith("Axon.Scheduler.scheduler_")
    other.close()
    scheduler.run = None
    fresh = scheduler.run
    assert fresh is not first and Scheduler.current_or_default() is fresh
    first.close()
    with pytest.raises(TypeError, match="Axon scheduler"):
        scheduler.run = Scheduler()


def test_run_threads_runs_until_every_component_has_finished():
    _, scheduler, Count, Wait = _classes()
    seen = []

    class Look(Wait):
        def main(self):
            seen.append(len(scheduler.run.listAllThreads()))
            yield from super().main()

    count, look = Count(1), Look()
    look.link((count, "outbox"), (look, "inbox"))
    count.activate()
    look.activate()
    assert scheduler.run.isThreadPaused(count) is False
    scheduler.run.runThreads()
    assert look.got == 0 and seen == [2]
    assert scheduler.run.listAllThreads() == []
    assert scheduler.run.isThreadPaused(count) is True  # unknown counts as paused, as in Axon
    scheduler.run.runThreads(slowmo=0.001)  # nothing left: returns at once


def test_main_is_a_stepping_generator_that_never_blocks():
    component, scheduler, _, _ = _classes()

    class Sleeper(component):
        def main(self):
            timer = self.scheduler.call_later(0.05, self.unpause)
            self.pause()
            yield 1
            timer.cancel()

    Sleeper().activate()
    cycles = 0
    started = time.monotonic()
    for _ in scheduler.run.main():
        cycles += 1
    assert time.monotonic() - started >= 0.05
    assert cycles > 1  # it kept yielding while the sleeper waited on its timer
    assert scheduler.run.listAllThreads() == []


def test_main_can_be_driven_by_hand_and_left_half_way():
    _, scheduler, Count, _ = _classes()
    count = Count(1000)
    count.activate()
    steps = scheduler.run.main()
    for _ in range(3):
        next(steps)
    assert count.state == "runnable"
    with pytest.raises(RuntimeError, match="already running"):
        scheduler.run.runThreads()
    steps.close()  # leaving it stops what still runs
    assert count._isStopped()


def test_stop_from_a_component_ends_run_threads_and_stops_everything():
    component, scheduler, _, Wait = _classes()

    class Stopper(component):
        def main(self):
            yield 1
            self.scheduler.stop()
            yield 1

    waiter = Wait()
    waiter.activate()
    Stopper().activate()
    scheduler.run.runThreads()
    assert waiter._isStopped() and waiter.got is None


def test_activate_with_a_scheduler_runs_there():
    _, scheduler, Count, Wait = _classes()
    own = scheduler()
    count = Count(1)
    assert count.activate(Scheduler=own) is count
    assert count.scheduler is own and scheduler.run.listAllThreads() == []
    own.runThreads()
    assert count._isStopped()
    own.close()
    with Scheduler() as core:
        wait = Wait()
        wait.activate(core)
        wait._deliver("x")
        core.run_until_idle()
        assert wait.got == "x" and wait.scheduler is core


def test_activating_from_another_thread_while_it_runs():
    _, scheduler, Count, Wait = _classes()
    sched = scheduler.run
    sched.waitForOne()
    running = threading.Event()
    sched.call_later(0, running.set)  # fires once runThreads has started
    results = []

    def other_thread():
        running.wait(10)
        assert sched.on_other_thread()
        wait = Wait()
        count = Count(1)
        wait.link((count, "outbox"), (wait, "inbox"))
        wait.activate()
        count.activate()
        results.append(wait)

    worker = threading.Thread(target=other_thread)
    worker.start()
    sched.runThreads()  # waits for the first component, which comes from the other thread
    worker.join(10)
    assert results and results[0].got == 0


def test_a_system_activated_here_runs_in_another_thread():
    _, scheduler, Count, Wait = _classes()
    wait, count = Wait(), Count(2)
    wait.link((count, "outbox"), (wait, "inbox"))
    wait.activate()
    count.activate()
    runner = threading.Thread(target=scheduler.run.runThreads)
    runner.start()
    runner.join(10)
    assert not runner.is_alive() and wait.got == 0


def test_wake_from_another_thread_while_it_runs():
    component, scheduler, _, _ = _classes()
    paused = threading.Event()

    class Sleepy(component):
        wakes = 0

        def main(self):
            while self.wakes < 2:
                paused.set()
                self.pause()
                yield 1
                self.wakes += 1

    sleepy = Sleepy()
    sleepy.activate()
    sched = scheduler.run

    def poke():
        for _ in range(2):
            paused.wait(10)
            paused.clear()
            sched.wakeThread(sleepy)  # handed to the scheduler's thread, after the slice

    worker = threading.Thread(target=poke)
    worker.start()
    sched.runThreads()  # the worker thread is alive: runThreads waits for its wakes
    worker.join(10)
    assert sleepy.wakes == 2


def test_wake_thread_can_activate_and_pause_thread_pauses():
    _, scheduler, Count, Wait = _classes()
    sched = scheduler.run
    count = Count(2)
    sched.wakeThread(count)  # not running, not allowed to activate: nothing happens
    assert count.scheduler is None
    sched.wakeThread(count, canActivate=True)
    assert count.scheduler is sched
    wait = Wait()
    wait.activate()
    sched.pauseThread(wait)
    sched.runThreads()  # the waiter has no message coming: reported as stuck, returns
    assert count._isStopped() and wait._isStopped()


def test_nothing_left_to_wake_the_waiting_components_ends_run_threads(caplog):
    _, scheduler, _, Wait = _classes()
    waiter = Wait()
    waiter.activate()
    with caplog.at_level(logging.WARNING):
        scheduler.run.runThreads()
    assert "nothing can wake them" in caplog.text and waiter.name in caplog.text
    assert waiter._isStopped()


@pytest.mark.expect_errors(match=r"crashed")
def test_a_crash_leaves_the_rest_running_unless_mortalised(caplog):
    component, scheduler, Count, _ = _classes()

    class Bad(component):
        def main(self):
            yield 1
            raise KeyError("bad")

    count = Count(5)
    Bad().activate()
    count.activate()
    with caplog.at_level(logging.ERROR):
        scheduler.run.runThreads()
    assert scheduler.run.crash_count == 1 and count._isStopped()
    assert "KeyError: 'bad'" in caplog.text
    scheduler.mortalise()
    Bad().activate()
    Count(100_000).activate()
    with pytest.raises(KeyError, match="bad"):
        scheduler.run.runThreads()
    scheduler.immortalise()
    assert scheduler.run.exception_caught is Exception
    assert scheduler.run.listAllThreads() == []


def test_yielded_new_component_and_returned_knock_on_messages():
    component, scheduler, Count, Wait = _classes()
    from Axon.Ipc import newComponent, shutdownMicroprocess

    wait = Wait()

    class Starter(component):
        def main(self):
            yield newComponent(wait)
            yield 1

        def _closeDownMicroprocess(self):
            super()._closeDownMicroprocess()
            return shutdownMicroprocess(wait)

    Starter().activate()
    scheduler.run.runThreads()
    assert wait._isStopped() and wait.got is None
    scheduler.run.handleMicroprocessShutdownKnockon(newComponent(Count(1)))
    scheduler.run.runThreads()
    assert scheduler.run.listAllThreads() == []


def test_a_held_run_threads_waits_for_cross_thread_calls_and_runs_requested_cycles():
    component, scheduler, _, _ = _classes()

    class Busy(component):
        """Never pauses: always runnable."""

        n = 0

        def main(self):
            while True:
                self.n += 1
                yield 1

    sched = scheduler.run
    busy = Busy()
    busy.activate()
    sched.hold()
    steps: list[float] = []
    step = sched.step

    def counted_step(*args, **kwargs):
        steps.append(args[0] if args else kwargs.get("budget", 0.0))
        return step(*args, **kwargs)

    sched.step = counted_step  # how often the run loop steps while held: once per cycle
    seen: list[tuple[int, int]] = []
    stepped = threading.Event()

    def done(slices: int) -> None:
        seen.append((slices, busy.n))
        stepped.set()

    runner = threading.Thread(target=sched.runThreads)
    runner.start()
    try:
        for expected in (1, 2):
            stepped.clear()
            sched.io.call_soon_threadsafe(lambda: sched.request_cycle(done))
            assert stepped.wait(5)
            assert seen[-1] == (1, expected)  # held in between: the count moves by one
        assert len(steps) == 2  # a held loop waits; it does not spin over step()
    finally:
        sched.io.call_soon_threadsafe(sched.stop)
        runner.join(5)
    assert not runner.is_alive()


def test_a_cross_thread_call_still_to_run_keeps_run_threads_waiting(caplog):
    # the race behind a wake sent by a thread that ends at once: the call waits in the reactor,
    # and nothing else (no socket, timer or thread) could wake the waiting component
    _, scheduler, _, Wait = _classes()
    sched = scheduler.run
    waiter = Wait()
    waiter.activate()
    cycles = sched.main(canblock=True)
    next(cycles)  # the waiter has run and now waits for a message
    assert waiter.state == "waiting"
    sched.io.call_soon_threadsafe(lambda: waiter._deliver("late", "inbox"))
    with caplog.at_level(logging.WARNING):
        for _ in cycles:
            pass
    assert waiter.got == "late" and "nothing can wake them" not in caplog.text
