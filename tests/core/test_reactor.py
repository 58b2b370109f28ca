"""The reactor: descriptor readiness callbacks and cross-thread wake-ups a host loop can watch."""

from __future__ import annotations

import select
import socket
import threading

from kamaelia_core.reactor import READ, WRITE, Reactor
from kamaelia_core.scheduler import Scheduler


def readable(fd: int, timeout: float = 5.0) -> bool:
    r, _, _ = select.select([fd], [], [], timeout)
    return bool(r)


def test_fileno_turns_readable_on_a_cross_thread_wake():
    sched = Scheduler()
    try:
        assert not readable(sched.fileno(), 0)
        ran = []
        t = threading.Thread(target=lambda: sched.io.call_soon_threadsafe(lambda: ran.append(1)))
        t.start()
        t.join(5)
        assert readable(sched.fileno())
        assert sched.poll_io(0) >= 1
        assert ran == [1]
        assert not readable(sched.fileno(), 0)
    finally:
        sched.close()


def test_wake_threadsafe_wakes_a_paused_component():
    from tests.core.helpers import Counter

    sched = Scheduler()
    try:
        c = Counter()
        sched.activate(c)
        sched.run_until_idle()
        t = threading.Thread(target=sched.wake_threadsafe, args=(c,))
        t.start()
        t.join(5)
        assert readable(sched.fileno())
        sched.run_until_idle()
        assert c.slices == 2
    finally:
        sched.close()


def test_many_wakes_coalesce_into_one_readiness():
    r = Reactor()
    try:
        calls = []
        for i in range(1000):
            r.call_soon_threadsafe(lambda i=i: calls.append(i))
        r.poll(0)
        assert calls == list(range(1000))
        assert r.poll(0) == 0
    finally:
        r.close()


def test_calls_pending_says_whether_cross_thread_calls_wait_for_the_next_poll():
    r = Reactor()
    try:
        calls: list[int] = []
        assert not r.calls_pending()
        worker = threading.Thread(target=lambda: r.call_soon_threadsafe(lambda: calls.append(1)))
        worker.start()
        worker.join(5)
        assert r.calls_pending() and calls == []  # queued by a thread that has ended
        r.poll(0)
        assert calls == [1] and not r.calls_pending()
    finally:
        r.close()


def test_socket_readiness_callbacks_register_modify_unregister():
    r = Reactor()
    a, b = socket.socketpair()
    try:
        a.setblocking(False)
        seen = []
        r.register(a, READ, lambda fd, ev: seen.append(ev))
        assert r.is_registered(a) and len(r) == 1
        assert r.poll(0) == 0
        b.send(b"x")
        r.poll(5)
        assert seen and seen[-1] & READ
        r.modify(a, READ | WRITE)
        r.poll(5)
        assert seen[-1] & WRITE
        r.unregister(a)
        r.unregister(a)  # twice is harmless
        assert not r.is_registered(a) and len(r) == 0
    finally:
        a.close()
        b.close()
        r.close()
        r.close()


def test_wakes_after_close_are_dropped_not_written_to_a_reused_descriptor():
    import os

    sched = Scheduler()
    wake_w = sched.io._wake_w
    sched.close()
    pipes = [os.pipe() for _ in range(3)]  # descriptor numbers get reused at once
    try:
        assert any(wake_w in pair for pair in pipes)
        sched.stop()  # from a host's teardown: must not raise EBADF
        sched.io.call_soon_threadsafe(lambda: None)
        for r, _ in pipes:
            assert not readable(r, 0), "a stray wake-up byte landed in someone else's pipe"
    finally:
        for pair in pipes:
            for fd in pair:
                os.close(fd)


def test_a_closed_scheduler_still_describes_itself():
    from kamaelia_core.scheduler import Scheduler

    sched = Scheduler()
    sched.close()
    assert len(sched.io) == 0 and "fds=0" in repr(sched)
