"""Tests for workbench.ui.driver: a kamaelia_core Scheduler hosted by the running Qt loop."""

from __future__ import annotations

import socket
import time

import pytest

from kamaelia_core import Component, Scheduler
from kamaelia_core.reactor import READ
from workbench.ui.driver import SchedulerDriver


class Counter(Component):
    """Sends 1..n on outbox, then finishes."""

    def main(self):
        for i in range(self.n):
            self.send(i, "outbox")
            yield 1


class Sink(Component):
    """Collects until it has ``n`` messages."""

    def main(self):
        self.got = []
        while len(self.got) < self.n:
            while self.dataReady("inbox"):
                self.got.append(self.recv("inbox"))
            if len(self.got) < self.n:
                self.pause()
                yield 1


class Sleeper(Component):
    """Waits on a timer, then finishes."""

    def main(self):
        self.woke = None
        self.wake_after(0.03)
        self.pause()
        yield 1
        self.woke = time.monotonic()


def counting(scheduler: Scheduler, n: int) -> tuple[Counter, Sink]:
    """A Counter sending 1..n to a Sink, both activated on ``scheduler``."""
    source, sink = Counter(n=n), Sink(n=n)
    source.link((source, "outbox"), (sink, "inbox"))
    sink.activate(scheduler)
    source.activate(scheduler)
    return source, sink


@pytest.fixture
def driven(qtbot):
    scheduler = Scheduler()
    driver = SchedulerDriver(scheduler)
    yield scheduler, driver
    driver.stop()
    scheduler.close()


def test_components_run_to_completion_while_qt_loop_runs(qtbot, driven):
    scheduler, driver = driven
    _source, sink = counting(scheduler, 2000)
    with qtbot.waitSignal(driver.idle, timeout=5000):
        driver.start()
    qtbot.waitUntil(lambda: sink.state == "finished", timeout=5000)
    assert sink.got == list(range(2000))
    assert driver.slices > 0
    qtbot.waitUntil(lambda: not driver.is_busy(), timeout=2000)


def test_timers_stop_when_idle_and_deadline_wakes(qtbot, driven):
    scheduler, driver = driven
    sleeper = Sleeper()
    sleeper.activate(scheduler)
    start = time.monotonic()
    driver.start()
    qtbot.waitUntil(lambda: sleeper.state == "finished", timeout=3000)
    assert sleeper.woke - start >= 0.029
    qtbot.waitUntil(lambda: not driver.is_busy(), timeout=2000)
    assert not driver._deadline_timer.isActive()


def test_socket_readiness_is_served_through_the_epoll_notifier(qtbot, driven):
    scheduler, driver = driven
    a, b = socket.socketpair()
    a.setblocking(False)
    received: list[bytes] = []

    def on_readable(*_args) -> None:
        while True:  # level-triggered: read until EAGAIN
            try:
                data = a.recv(4096)
            except BlockingIOError:
                return
            if not data:
                return
            received.append(data)

    scheduler.io.register(a, READ, on_readable)
    driver.start()
    try:
        b.sendall(b"hello")
        qtbot.waitUntil(lambda: b"".join(received) == b"hello", timeout=2000)
        b.sendall(b" again")
        qtbot.waitUntil(lambda: b"".join(received) == b"hello again", timeout=2000)
        assert not driver.is_busy()
    finally:
        scheduler.io.unregister(a)
        a.close()
        b.close()


def test_pause_holds_and_step_once_runs_a_slice(qtbot, driven):
    scheduler, driver = driven
    _source, sink = counting(scheduler, 50)
    driver.start()
    driver.pause(True)
    assert not driver.is_busy()
    ran = driver.step_once()
    assert ran > 0
    driver.pause(False)
    qtbot.waitUntil(lambda: sink.state == "finished", timeout=3000)


def test_stop_removes_the_wakeup_and_leaves_nothing_running(qtbot, driven):
    scheduler, driver = driven
    _source, sink = counting(scheduler, 100)
    driver.start()
    qtbot.waitUntil(lambda: sink.state == "finished", timeout=3000)
    driver.stop()
    assert scheduler._wakeup is None
    assert not driver.is_busy() and not driver._deadline_timer.isActive()
