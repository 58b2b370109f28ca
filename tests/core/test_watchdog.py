"""The watchdog: a slice that holds its scheduler too long is reported and stopped."""

import threading
import time

import pytest

from kamaelia_core import Component
from kamaelia_core.instrument import Tap
from kamaelia_core.scheduler import Scheduler, SliceOverrun
from kamaelia_core.watchdog import Watchdog


class Spinner(Component):
    """Loops forever in one slice (the classic bug: no yield inside the loop)."""

    def main(self):
        yield 1
        while True:
            pass


class Sleeper(Component):
    """Blocks in a system call inside its slice."""

    def main(self):
        yield 1
        time.sleep(60)
        yield 1


class Ticker(Component):
    """Yields often for a while: never an overrun, however long it runs in total."""

    def main(self):
        end = time.monotonic() + 0.6
        while time.monotonic() < end:
            yield 1


class Survivor(Component):
    """Keeps running next to the spinner; ends when told to."""

    def main(self):
        while not self.dataReady("control"):
            self.pause()
            yield 1


def _run(sched, until, limit=30.0):
    end = time.monotonic() + limit
    while not until() and time.monotonic() < end:
        sched.step(0.05)
        sched.poll_io(0.01)
    assert until(), "the system did not reach the expected state in time"


@pytest.mark.expect_errors
@pytest.mark.parametrize("kind", [Spinner, Sleeper])
def test_a_stuck_slice_is_reported_and_stopped_and_the_rest_keeps_running(kind):
    seen = []
    with Scheduler() as sched:
        tap = sched.attach_tap(Tap())
        stuck, other = kind(), Survivor()
        sched.activate(stuck)
        sched.activate(other)
        with Watchdog(sched, limit=0.3, on_overrun=seen.append) as dog:
            _run(sched, lambda: stuck.state == "crashed")
        assert isinstance(stuck.crash, SliceOverrun)
        assert "held the scheduler" in str(stuck.crash) and stuck.name in str(stuck.crash)
        assert other.state == "waiting"  # untouched, still live
        assert [o.name for o in seen] == [stuck.name] and seen[0].interrupted
        assert seen[0].seconds >= 0.3 and "main" in seen[0].where
        assert dog.overruns == seen
        crashed = [e for e in tap.drain() if e.kind == "crashed"]
        assert crashed[0].cid == stuck.cid and "SliceOverrun" in crashed[0].extra["traceback"]
        other._deliver("stop", "control")
        sched.run_until_idle()
        assert other.state == "finished"
    assert sched.watch is None


def test_many_short_slices_are_not_an_overrun():
    seen = []
    with Scheduler() as sched:
        ticker = Ticker()
        sched.activate(ticker)
        with Watchdog(sched, limit=0.2, on_overrun=seen.append):
            _run(sched, lambda: ticker.state == "finished")
    assert seen == [] and ticker.crash is None


@pytest.mark.expect_errors
def test_report_only_leaves_the_slice_alone():
    seen = []
    release = threading.Event()

    class Waiter(Component):
        def main(self):
            yield 1
            release.wait(10)

    with Scheduler() as sched:
        waiter = Waiter()
        sched.activate(waiter)

        def reported(overrun):
            seen.append(overrun)
            release.set()

        with Watchdog(sched, limit=0.2, interrupt=False, on_overrun=reported):
            _run(sched, lambda: waiter.state == "finished")
    assert len(seen) == 1 and not seen[0].interrupted and waiter.crash is None


def test_limit_must_be_positive():
    with Scheduler() as sched, pytest.raises(ValueError, match="positive"):
        Watchdog(sched, limit=0)


def test_a_handler_set_outside_python_is_put_back_as_the_default_on_stop(monkeypatch):
    import signal

    from kamaelia_core import watchdog

    before = signal.signal(signal.SIGUSR1, signal.SIG_DFL)
    # getsignal answers None for a handler that C code installed; None cannot be set back
    monkeypatch.setattr(watchdog.signal, "getsignal", lambda signum: None)
    try:
        with Scheduler() as sched:
            Watchdog(sched, limit=5).start().stop()
        assert signal.signal(signal.SIGUSR1, signal.SIG_DFL) == signal.SIG_DFL
    finally:
        signal.signal(signal.SIGUSR1, before)
