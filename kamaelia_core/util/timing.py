"""Timing: a clock that ticks, and a stopper that ends a system once time is up or work is done."""

from __future__ import annotations

from collections.abc import Generator, Iterable
from typing import Any

from kamaelia_core.component import Component
from kamaelia_core.ipc import shutdownMicroprocess
from kamaelia_core.timers import TimerHandle, next_tick


class StopAfter(Component):
    """Sends shutdownMicroprocess on signal after ``seconds``, or once every watched component
    has ended, whichever comes first, and ends.

    Link its signal to the control inbox of what should stop (a server, a pipeline). It sleeps
    on a scheduler timer and is woken by each watched component's end: it never polls. With
    nothing to watch only the time counts; with ``seconds=None`` only the watched do. A
    shutdown message on control ends it early (passed on through signal).

    Args:
        seconds: The longest run, from activation; None: no time limit.
        watched: Components whose end it waits for.
    """

    Inboxes = {
        "inbox": "Unused",
        "control": "shutdownMicroprocess or producerFinished: stop now and pass it on",
    }
    Outboxes = {
        "outbox": "Unused",
        "signal": "shutdownMicroprocess when the time is up or every watched component has ended",
    }

    def __init__(self, seconds: float | None = 10.0, watched: Iterable[Component] = ()) -> None:
        super().__init__()
        if seconds is not None and seconds < 0:
            raise ValueError(f"seconds must not be negative, not {seconds!r}")
        self.seconds = seconds
        self.watched = list(watched)
        self.expired = False
        for comp in self.watched:
            comp._callOnCloseDown.append(self.unpause)  # its end wakes us

    def __repr__(self) -> str:
        ended = sum(c._isStopped() for c in self.watched)
        limit = "no limit" if self.seconds is None else f"{self.seconds} s"
        expired = " expired" if self.expired else ""
        return f"<{self.name} {self.state} {limit} watched={ended}/{len(self.watched)}{expired}>"

    def done(self) -> bool:
        """True once the time is up or every watched component has ended (and there is one)."""
        if self.expired:
            return True
        return bool(self.watched) and all(c._isStopped() for c in self.watched)

    def main(self) -> Generator[Any, None, None]:
        """Sleep until the timer or a watched component's end wakes us; then send the shutdown."""
        sched = self._running_on()
        timer: TimerHandle | None = None
        if self.seconds is not None:
            timer = sched.call_later(self.seconds, self._expire)
        try:
            while not self.done():
                if self.pass_on_ending():
                    return
                self.pause()
                yield 1
            self.send(shutdownMicroprocess(), "signal")
        finally:
            if timer is not None:
                timer.cancel()
            for comp in self.watched:
                if self.unpause in comp._callOnCloseDown:
                    comp._callOnCloseDown.remove(self.unpause)

    def _expire(self) -> None:
        self.expired = True
        self.unpause()


class Clock(Component):
    """Sends ``True`` on outbox every ``interval`` seconds, on a scheduler timer (no thread).

    Ticks that fall due while it could not run are not made up: it keeps to the schedule from
    the latest tick. A producerFinished or shutdownMicroprocess on control ends it and is
    passed on through signal.

    Args:
        interval: Seconds between ticks.
    """

    Inboxes = {
        "inbox": "Unused",
        "control": "producerFinished or shutdownMicroprocess: stop and pass it on",
    }
    Outboxes = {
        "outbox": "True, once per interval",
        "signal": "The shutdown message received on control, passed on",
    }

    def __init__(self, interval: float = 1.0) -> None:
        super().__init__()
        if interval <= 0:
            raise ValueError(f"interval must be positive, not {interval!r}")
        self.interval = interval
        self.ticks = 0

    def __repr__(self) -> str:
        return f"<{self.name} {self.state} every {self.interval} s ticks={self.ticks}>"

    def main(self) -> Generator[Any, None, None]:
        """Tick on the timer until told to stop."""
        sched = self._running_on()
        due = sched.clock()
        timer: TimerHandle | None = None
        try:
            while True:
                if self.pass_on_ending():
                    return
                now = sched.clock()
                if now >= due:
                    self.send(True, "outbox")
                    self.ticks += 1
                    due = next_tick(due, now, self.interval)
                    timer = sched.call_at(due, self.unpause)
                self.pause()
                yield 1
        finally:
            if timer is not None:
                timer.cancel()


__kamaelia_components__ = (StopAfter, Clock)
