"""Scheduler: run queue, crash isolation, stop, WaitComplete, newComponent, timers, run()."""

from __future__ import annotations

import logging
import threading

import pytest

from kamaelia_core.component import Component
from kamaelia_core.ipc import newComponent, producerFinished, shutdownMicroprocess
from kamaelia_core.scheduler import Scheduler, WaitComplete, run_components
from kamaelia_core.testing import ManualClock, run_until_idle
from tests.core.helpers import Counter, Emitter, Idle, Relay, Sink, finished


class Boom(Component):
    def main(self):
        yield 1
        raise ValueError("boom in main")


def test_round_robin_in_activation_order(sched):
    order: list[str] = []

    class Tick(Component):
        def __init__(self, tag: str) -> None:
            super().__init__()
            self.tag = tag

        def main(self):
            for _ in range(2):
                order.append(self.tag)
                yield 1

    run_until_idle(Tick("a"), Tick("b"), scheduler=sched)
    assert order == ["a", "b", "a", "b"]


@pytest.mark.core_only
def test_activate_twice_is_ignored_and_other_scheduler_refused(sched):
    c = Counter()
    c.activate(sched)
    c.activate(sched)
    run_until_idle(scheduler=sched)
    assert c.slices == 1
    other = Scheduler()
    try:
        with pytest.raises(RuntimeError):
            other.activate(c)
    finally:
        other.close()


@pytest.mark.core_only
def test_run_queue_holds_only_runnable_components(sched):
    idle = [Idle() for _ in range(100)]
    run_until_idle(*idle, scheduler=sched)
    assert not sched.has_runnable()
    c = Counter()
    ran = sched.run_until_idle()
    assert ran == 0
    run_until_idle(c, scheduler=sched)
    c._deliver("x")
    assert sched.run_until_idle() == 1  # only the woken one runs
    assert len(sched.components) == 101


@pytest.mark.core_only
@pytest.mark.expect_errors(match=r"Boom#\d+ crashed")
def test_crash_is_reported_and_the_rest_keeps_running(sched, caplog):
    crashes: list[tuple[Component, BaseException]] = []
    sched.add_crash_handler(lambda comp, exc: crashes.append((comp, exc)))
    boom = Boom()
    em, sink = Emitter([1, 2, 3]), Sink()
    em.link((em, "outbox"), (sink, "inbox"))
    em.link((em, "signal"), (sink, "control"))
    with caplog.at_level(logging.ERROR, logger="kamaelia_core.scheduler"):
        run_until_idle(boom, em, sink, scheduler=sched)
    assert boom.state == "crashed"
    assert isinstance(boom.crash, ValueError)
    assert boom.crash.__traceback__ is not None
    assert crashes == [(boom, boom.crash)]
    assert boom.name in caplog.text and "boom in main" in caplog.text
    assert sink.got == [1, 2, 3] and sink.state == "finished"


@pytest.mark.core_only
@pytest.mark.expect_errors(match=r"Boom#\d+ crashed")
def test_crash_wakes_the_parent_and_stops_the_children(sched):
    class Parent(Component):
        def __init__(self) -> None:
            super().__init__()
            self.kid = Idle()
            self.crasher = Boom()
            self.woken = 0

        def main(self):
            self.addChildren(self.crasher)
            self.crasher.addChildren(self.kid)
            self.kid.activate(self.scheduler)
            self.crasher.activate(self.scheduler)
            while True:
                self.pause()
                yield 1
                self.woken += 1

    p = Parent()
    run_until_idle(p, scheduler=sched)
    assert p.crasher.state == "crashed"
    assert p.kid.state == "finished"
    assert p.woken >= 1


@pytest.mark.core_only
@pytest.mark.expect_errors(match=r"Boom#\d+ crashed|crash handler .* failed; detaching it")
def test_a_failing_crash_handler_is_detached(sched, caplog):
    calls = []

    def bad(comp, exc):
        calls.append(comp)
        raise RuntimeError("handler bug")

    sched.add_crash_handler(bad)
    with caplog.at_level(logging.ERROR):
        run_until_idle(Boom(), Boom(), scheduler=sched)
    assert len(calls) == 1


def _stop_a_paused_component(sched) -> list[bool]:
    """Stop a paused component; returns the list its ``finally`` appends to."""
    closed = []

    class Forever(Component):
        def main(self):
            try:
                while True:
                    self.pause()
                    yield 1
            finally:
                closed.append(True)

    c = Forever()
    run_until_idle(c, scheduler=sched)
    c.stop()
    run_until_idle(scheduler=sched)
    assert finished(c)
    c.stop()  # stopping a finished component is harmless
    return closed


def test_stop_ends_the_component(sched):
    _stop_a_paused_component(sched)


@pytest.mark.core_only
def test_stop_runs_the_generators_finally(sched):
    closed = _stop_a_paused_component(sched)
    assert closed == [True]


@pytest.mark.core_only  # Axon 1.14.32 on Python 3: PEP 479 turns the sub-generator's end to a crash
def test_wait_complete_runs_a_sub_generator_first(sched):
    order = []

    class Caller(Component):
        def sub(self):
            order.append("sub 1")
            yield 1
            order.append("sub 2")

        def main(self):
            order.append("before")
            yield WaitComplete(self.sub())
            order.append("after")

    run_until_idle(Caller(), scheduler=sched)
    assert order == ["before", "sub 1", "sub 2", "after"]


def test_yielding_new_component_activates_it(sched):
    child = Counter()

    class Spawner(Component):
        def main(self):
            yield newComponent(child)

    run_until_idle(Spawner(), scheduler=sched)
    assert child.slices == 1


@pytest.mark.core_only  # Axon 1.14.32 on Python 3: PEP 479 breaks the knock-on path
def test_close_down_result_shutdown_microprocess_stops_targets(sched):
    victim = Idle()

    class Killer(Component):
        def main(self):
            yield 1

        def _closeDownMicroprocess(self):
            super()._closeDownMicroprocess()
            return shutdownMicroprocess(victim)

    run_until_idle(victim, Killer(), scheduler=sched)
    assert finished(victim)


@pytest.mark.core_only
def test_step_respects_budget_and_counts_slices(sched):
    class Spinner(Component):
        def main(self):
            while True:
                yield 1

    s = Spinner()
    sched.activate(s)
    ran = sched.step(0.0)
    assert 1 <= ran <= 32
    assert sched.has_runnable()
    s.stop()
    sched.run_until_idle()
    with pytest.raises(RuntimeError):
        sched.activate(Spinner())
        sched.run_until_idle(max_slices=100)


@pytest.mark.core_only
def test_wakeup_callback_when_run_queue_turns_non_empty(sched):
    calls = []
    c = Counter()
    run_until_idle(c, scheduler=sched)
    sched.set_wakeup(lambda: calls.append(1))
    c._deliver("x")
    c._deliver("y")
    assert calls == [1]


@pytest.mark.core_only
def test_run_returns_when_every_component_has_finished():
    em, relay, sink = Emitter(list(range(5))), Relay(), Sink()
    em.link((em, "outbox"), (relay, "inbox"))
    em.link((em, "signal"), (relay, "control"))
    relay.link((relay, "outbox"), (sink, "inbox"))
    relay.link((relay, "signal"), (sink, "control"))
    sched = run_components([em, relay, sink])
    assert sink.got == list(range(5))
    assert isinstance(sink.ctl[0], producerFinished)
    assert sched.components == []


@pytest.mark.core_only
def test_run_gives_up_when_nothing_can_wake_the_waiting(caplog):
    sched = Scheduler()
    try:
        idle = Idle()
        sched.activate(idle)
        with caplog.at_level(logging.WARNING):
            sched.run()
        assert "nothing can wake" in caplog.text
        assert idle.state == "finished"  # shut down on the way out
    finally:
        sched.close()


@pytest.mark.core_only
def test_run_waits_for_a_cross_thread_call_still_to_run(caplog):
    with Scheduler() as sched:
        idle = Idle()
        sched.activate(idle)
        sched.run_until_idle()  # it waits for control, and nothing else could wake it
        sched.io.call_soon_threadsafe(lambda: idle._deliver("end", "control"))
        with caplog.at_level(logging.WARNING):
            sched.run()
        assert "nothing can wake" not in caplog.text
        assert idle.state == "finished" and not idle.dataReady("control")  # it took the call's


@pytest.mark.core_only
def test_run_blocks_idle_until_a_timer_fires():
    sched = Scheduler()
    try:

        class Later(Component):
            def main(self):
                self.wake_after(0.01)
                self.pause()
                yield 1

        later = Later()
        sched.activate(later)
        sched.run()
        assert later.state == "finished"
    finally:
        sched.close()


@pytest.mark.core_only
def test_stop_from_another_thread_ends_run():
    sched = Scheduler()
    try:
        sched.activate(Idle())
        sched.call_later(3600, lambda: None)  # keeps run() waiting
        started = threading.Event()
        sched.call_later(0, started.set)
        stopper = threading.Thread(target=lambda: (started.wait(5), sched.stop()))
        stopper.start()
        sched.run()
        stopper.join(5)
        assert not stopper.is_alive()
    finally:
        sched.close()


@pytest.mark.core_only
def test_default_scheduler_is_per_thread_and_component_run_uses_it():
    sink = Sink()
    em = Emitter([1])
    em.link((em, "outbox"), (sink, "inbox"))
    em.link((em, "signal"), (sink, "control"))
    sink.activate()
    em.run()
    assert sink.got == [1]
    default = Scheduler.current_or_default()
    assert em.scheduler is default
    default.close()


@pytest.mark.core_only
def test_manual_clock_cannot_go_back():
    clock = ManualClock()
    with pytest.raises(ValueError):
        clock.advance(-1)


@pytest.mark.core_only
@pytest.mark.expect_errors(match=r"Spawner#\d+ crashed")
def test_a_yield_the_scheduler_cannot_honour_crashes_the_component_not_the_scheduler(sched):
    other = Scheduler()
    try:
        taken = Idle()
        other.activate(taken)

        class Spawner(Component):
            def main(self):
                yield newComponent(taken)

        spawner, bystander = Spawner(), Emitter([1])
        sink = Sink()
        bystander.link((bystander, "outbox"), (sink, "inbox"))
        run_until_idle(spawner, bystander, sink, scheduler=sched)
        assert spawner.state == "crashed"
        assert isinstance(spawner.crash, RuntimeError)
        assert sink.got == [1]
    finally:
        other.close()


@pytest.mark.core_only
def test_a_with_block_closes_the_scheduler_even_on_an_error():
    with Scheduler() as sched:
        idle = Idle()
        sched.activate(idle)
    assert sched.io.closed and idle.state == "finished"
    with pytest.raises(RuntimeError, match="inside"), Scheduler() as other:
        raise RuntimeError("inside")
    assert other.io.closed


@pytest.mark.core_only
def test_set_default_scheduler_makes_one_default_for_every_thread():
    from kamaelia_core.scheduler import set_default_scheduler

    own = Scheduler.current_or_default()
    shared = Scheduler()
    seen = []
    try:
        assert set_default_scheduler(shared) is None
        worker = threading.Thread(target=lambda: seen.append(Scheduler.current_or_default()))
        worker.start()
        worker.join(10)
        assert seen == [shared] and Scheduler.current_or_default() is shared
        comp = Counter().activate()
        assert comp.scheduler is shared
        with Scheduler() as running:  # a scheduler running a slice here still comes first

            class Probe(Component):
                def main(self):
                    seen.append(Scheduler.current_or_default())
                    yield 1

            running.activate(Probe())
            running.run_until_idle()
        assert seen[-1] is running
    finally:
        assert set_default_scheduler(None) is shared
        shared.close()
    assert Scheduler.current_or_default() is own
