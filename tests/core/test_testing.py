"""The test helpers themselves: run_until_idle, collect_outbox, ManualClock, FakeSocket."""

from __future__ import annotations

import threading

import pytest

from kamaelia_core.component import Component
from kamaelia_core.scheduler import Scheduler
from kamaelia_core.testing import FakeSocket, ManualClock, collect_outbox, run_until_idle
from kamaelia_core.threaded import ThreadedComponent
from tests.core.helpers import Emitter


def test_run_until_idle_makes_a_scheduler_and_activates():
    em = Emitter([1, 2])
    sched = run_until_idle(em)
    try:
        assert isinstance(sched, Scheduler)
        assert em.scheduler is sched and em.state == "finished"
    finally:
        sched.close()


def test_collect_outbox_gathers_and_keeps_growing():
    em = Emitter(["a", "b"])
    got = collect_outbox(em)
    try:
        assert got == ["a", "b"]
        signals = collect_outbox(Emitter([]), "signal")
        assert len(signals) == 1
    finally:
        em.scheduler.close()


def test_collect_outbox_without_running():
    em = Emitter([1])
    got = collect_outbox(em, run=False)
    assert got == []
    run_until_idle(em)
    assert got == [1]
    em.scheduler.close()


def test_run_until_idle_waits_for_a_thread_to_pause():
    class Worker(ThreadedComponent):
        def main(self):
            total = 0
            for i in range(10_000):
                total += i
            self.send(total, "outbox")
            self.pause()  # idle from here on

    w = Worker()
    got = collect_outbox(w, run=False)
    sched = run_until_idle(w)
    try:
        assert got == [sum(range(10_000))]
        assert w._thread_idle()
    finally:
        w.stop()
        sched.close()


def test_run_until_idle_times_out_for_a_thread_that_never_pauses():
    release = threading.Event()

    class Busy(ThreadedComponent):
        def main(self):
            release.wait(10)

    b = Busy()
    sched = Scheduler()
    try:
        with pytest.raises(TimeoutError):
            run_until_idle(b, scheduler=sched, timeout=0.01)
    finally:
        release.set()
        b._thread.join(10)
        sched.close()


def test_manual_clock():
    clock = ManualClock(5.0)
    assert clock() == 5.0
    assert clock.advance(2.5) == 7.5
    assert "7.5" in repr(clock)


def test_manual_clock_drives_wake_after():
    clock = ManualClock()
    sched = Scheduler(clock=clock)

    class Sleeper(Component):
        def main(self):
            self.wake_after(60)
            self.pause()
            yield 1

    s = Sleeper()
    try:
        run_until_idle(s, scheduler=sched)
        assert s.state == "waiting"
        clock.advance(60)
        run_until_idle(scheduler=sched)
        assert s.state == "finished"
    finally:
        sched.close()


def test_fake_socket_pair_moves_bytes_both_ways():
    a, b = FakeSocket.pair()
    assert a.send(b"hello") == 5
    assert b.recv(3) == b"hel"
    assert b.recv(100) == b"lo"
    with pytest.raises(BlockingIOError):
        b.recv(10)
    b.sendall(b"back")
    assert a.received() == b"back"
    assert a.getpeername() == b.getsockname()


def test_fake_socket_partial_sends_full_buffers_and_close():
    a, b = FakeSocket.pair(capacity=4, max_send=3)
    assert a.send(b"abcdef") == 3
    assert a.send(b"def") == 1
    with pytest.raises(BlockingIOError):
        a.send(b"x")
    assert b.recv(10) == b"abcd"
    a.close()
    assert b.recv(10) == b""
    with pytest.raises(BrokenPipeError):
        b.send(b"late")
    with pytest.raises(OSError):
        a.recv(1)
    assert "closed" in repr(a)


def test_fake_socket_half_close():
    a, b = FakeSocket.pair()
    a.send(b"last")
    a.shutdown(1)
    assert b.recv(10) == b"last"
    assert b.recv(10) == b""
    with pytest.raises(BrokenPipeError):
        a.send(b"more")
