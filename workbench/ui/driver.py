"""Hosts a kamaelia_core Scheduler in the Qt event loop of the GUI thread: Qt waits, the core runs.

One QSocketNotifier watches the scheduler's epoll fd (I/O and cross-thread wakes); a zero-interval
timer runs ~1 ms ``step()`` slices only while something is runnable and stops itself when the run
queue empties; a single-shot timer fires at ``next_deadline()``. No polling, no threads.

While any scheduler is hosted, the objects that existed when hosting began (modules, widgets, the
catalog, the built graph) are frozen out of the cyclic garbage collector (``gc.freeze``): a busy
run makes ~150k short-lived tracked objects a second (the tap's events), the collector promotes
those in flight, and every ~0.6 s a full collection walked ~60k objects in ~20 ms, blocking the
loop; frozen, it walks only what the run made (~3 ms). Unfrozen when the last hosted run stops.
"""

from __future__ import annotations

import gc
import math
import time
from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal

_hosted = 0
"""Drivers currently hosting (the collector is frozen while it is above 0)."""


def _hold_collector(on: bool) -> None:
    global _hosted
    _hosted += 1 if on else -1
    if on and _hosted == 1:
        gc.freeze()
    elif not on and _hosted == 0:
        gc.unfreeze()


class HostableScheduler(Protocol):
    """The part of ``kamaelia_core.Scheduler`` a host loop needs."""

    def fileno(self) -> int: ...
    def poll_io(self, timeout: float | None = 0) -> int: ...
    def step(self, budget: float = 0.001) -> int: ...
    def has_runnable(self) -> bool: ...
    def next_deadline(self) -> float | None: ...
    def set_wakeup(self, callback: Callable[[], None] | None) -> None: ...


class SchedulerDriver(QObject):
    """Runs ``scheduler`` from the Qt event loop until :meth:`stop`.

    Attributes:
        slices: scheduler slices run so far (the toolbar's cycle count).
    """

    idle = Signal()  #: emitted when the run queue empties and no timer is due

    def __init__(
        self, scheduler: HostableScheduler, budget: float = 0.001, parent: QObject | None = None
    ) -> None:
        """Wire the notifier and timers; call :meth:`start` to begin."""
        super().__init__(parent)
        self.scheduler = scheduler
        self.budget = budget
        self.slices = 0
        self.busy_s = 0.0
        """Seconds spent in scheduler slices (the status bar's scheduler load)."""
        self._paused = False
        self._hosting = False
        self._notifier = QSocketNotifier(scheduler.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.setEnabled(False)
        self._notifier.activated.connect(self._on_io)
        self._slice_timer = QTimer(self, interval=0)
        self._slice_timer.timeout.connect(self._run_slice)
        self._deadline_timer = QTimer(self, singleShot=True)
        self._deadline_timer.timeout.connect(self._on_deadline)

    def start(self) -> None:
        """Begin hosting: watch the fd, take wake-ups, run whatever is runnable."""
        self._paused = False
        if not self._hosting:
            _hold_collector(True)
        self._hosting = True
        self.scheduler.set_wakeup(self._kick)
        self._notifier.setEnabled(True)
        self._kick()

    def stop(self) -> None:
        """Stop hosting: timers stopped, notifier off, wake-up callback removed."""
        if self._hosting:
            _hold_collector(False)
        self._hosting = False
        self._slice_timer.stop()
        self._deadline_timer.stop()
        self._notifier.setEnabled(False)
        self.scheduler.set_wakeup(None)

    def pause(self, paused: bool = True) -> None:
        """Hold (or resume) the scheduler; I/O stays pending in the kernel while paused."""
        self._paused = paused
        self._notifier.setEnabled(not paused)
        if paused:
            self._slice_timer.stop()
            self._deadline_timer.stop()
        else:
            self._kick()

    def step_once(self) -> int:
        """Run one slice by hand (the toolbar's Step while paused); returns slices run."""
        self.scheduler.poll_io(0)
        ran = self.scheduler.step(self.budget)
        self.slices += ran
        return ran

    def set_slice_interval(self, msec: int) -> None:
        """Space slices ``msec`` apart (slow motion); 0 runs them back to back."""
        self._slice_timer.setInterval(max(0, msec))

    def is_busy(self) -> bool:
        """True while the slice timer runs (something is runnable)."""
        return self._slice_timer.isActive()

    def _on_io(self) -> None:
        self.scheduler.poll_io(0)
        self._kick()

    def _on_deadline(self) -> None:
        self.scheduler.poll_io(0)  # fires the due timers, which wake their components
        self._kick()

    def _kick(self) -> None:
        if self._paused:
            return
        if self.scheduler.has_runnable():
            if not self._slice_timer.isActive():
                self._slice_timer.start()
        else:
            self._arm_deadline()

    def _run_slice(self) -> None:
        scheduler = self.scheduler
        scheduler.set_wakeup(None)  # deliveries inside the slice need no wake-up call each
        start = time.perf_counter()
        try:
            self.slices += scheduler.step(self.budget)
        finally:
            self.busy_s += time.perf_counter() - start
            if self._hosting:
                scheduler.set_wakeup(self._kick)
        if self._paused:  # a breakpoint held the run inside that step: stay held
            return
        if not scheduler.has_runnable():
            self._slice_timer.stop()
            self._arm_deadline()

    def _arm_deadline(self) -> None:
        deadline = self.scheduler.next_deadline()
        if deadline is None:
            self._deadline_timer.stop()
            self.idle.emit()
            return
        msec = max(0, math.ceil((deadline - time.monotonic()) * 1000))
        self._deadline_timer.start(msec)
