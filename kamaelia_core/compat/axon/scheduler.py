"""Axon.Scheduler on kamaelia_core: Axon's process-wide ``scheduler.run`` on the event-driven core.

``scheduler`` is a kamaelia_core ``Scheduler`` (so every kamaelia_core component runs on it as on
any other) with Axon's face: the class attribute ``scheduler.run`` is the process's scheduler,
made on first use and made the default of every thread (``set_default_scheduler``), so a system
built and activated in one thread can be run by ``scheduler.run.runThreads()`` in another.
Activations, wakes and pauses asked for from another thread while it runs are handed to its
thread through the reactor's cross-thread wake-up.

``runThreads`` runs until no component is left (services such as the Selector do not count, as in
kamaelia_core), or ``stop()``; it blocks in the reactor while nothing is runnable, so an idle
system costs no CPU. When every component waits and nothing can wake them (no socket, timer or
thread, and no other thread of the program alive that could), it logs which ones and returns
instead of hanging. A component that raises is a crash, reported with its traceback, and the
rest of the system goes on (Axon's ``immortalise()``); after ``mortalise()`` the first crash
ends ``runThreads`` with that exception.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable, Generator
from functools import partial
from typing import Any

from kamaelia_core.compat.axon.cat import coordinatingassistanttracker
from kamaelia_core.component import Component
from kamaelia_core.scheduler import Scheduler, set_default_scheduler
from kamaelia_core.scheduler_control import call_hooks

log = logging.getLogger(__name__)

_ids = itertools.count(1)
_process: list[scheduler | None] = [None]
"""The process-wide scheduler (``scheduler.run``), kept in a list cell."""
_making = threading.RLock()
"""Held while the process-wide scheduler is made on first use."""
_listeners: list[Callable[[scheduler], None]] = []
"""Called with each new process-wide scheduler (see ``on_process_scheduler``)."""
MAX_CRASHES_KEPT = 100
"""Crashes remembered in ``scheduler.crashes`` (the count goes on)."""


def on_process_scheduler(callback: Callable[[scheduler], None]) -> Callable[[], None]:
    """Call ``callback(sched)`` with the process-wide scheduler, now if it exists, and each time
    a new one takes its place. Returns a function that removes the callback."""
    _listeners.append(callback)
    current = _process[0]
    if current is not None:
        callback(current)

    def remove() -> None:
        if callback in _listeners:
            _listeners.remove(callback)

    return remove


def retire_process_scheduler() -> None:
    """Forget the process-wide scheduler (each thread has its own default again) and close it
    unless it is running."""
    current = _process[0]
    set_scheduler_run(None)
    if current is not None and current._runner is None:
        current.close()


def scheduler_run() -> scheduler:
    """Axon's process-wide scheduler (``scheduler.run``), made on first use.

    ``kamaelia_core.compat.process_scheduler()`` answers the same one without making it.
    """
    current = _process[0]
    if current is None:
        with _making:  # two threads asking at once get the same one
            current = _process[0]
            if current is None:
                current = scheduler()  # becomes the process scheduler in __init__
    return current


def set_scheduler_run(value: scheduler | None) -> None:
    """``scheduler.run = value``: make ``value`` the process-wide scheduler; None forgets it.

    Raises:
        TypeError: ``value`` is not an Axon ``scheduler``.
    """
    if value is not None and not isinstance(value, scheduler):
        raise TypeError(f"scheduler.run must be an Axon scheduler, not {value!r}")
    _process[0] = value
    set_default_scheduler(value)
    if value is not None:
        call_hooks(_listeners, (value,), log, "process scheduler listener %r failed; removing it")


class _SchedulerType(type):
    """Gives the class a ``run`` attribute: Axon's process-wide scheduler, made on first use.

    The class attribute and the instance method ``run`` share a name (Axon's), which no static
    type can say: the package's own code calls ``scheduler_run``/``set_scheduler_run``.
    """

    @property
    def run(cls) -> scheduler:
        return scheduler_run()

    @run.setter
    def run(cls, value: scheduler | None) -> None:
        set_scheduler_run(value)


def _other_threads_alive() -> bool:
    """Whether a non-daemon thread other than this one lives (it could still wake components)."""
    me = threading.current_thread()
    return any(t is not me and not t.daemon and t.is_alive() for t in threading.enumerate())


class scheduler(Scheduler, metaclass=_SchedulerType):
    """Axon's scheduler: ``scheduler.run.runThreads()`` runs the program's components.

    Args:
        **argd: Accepted for Axon programs (Axon passes them to its microprocess).
    """

    wait_for_one = False
    """Class default for ``waitForOne()``: keep running until a first component arrives."""

    def __init__(self, **argd: Any) -> None:
        super().__init__()
        self.tracker = coordinatingassistanttracker()
        self.id = next(_ids)
        self.name = f"Axon.Scheduler.scheduler_{self.id}"
        self.crashes: list[tuple[Component, BaseException]] = []
        """The latest crashes (at most ``MAX_CRASHES_KEPT``), oldest first."""
        self.crash_count = 0
        self.exception_caught: type[BaseException] = Exception
        """Axon's knob: ``Exception`` keeps the system running after a crash (the default
        here), ``StopIteration`` (``mortalise()``) makes a crash end ``runThreads``."""
        self._runner: int | None = None
        self._runner_lock = threading.Lock()
        self._wait_for_one = self.wait_for_one
        self._fatal: BaseException | None = None
        self._warned_stuck = False
        self.add_crash_handler(self._note_crash)
        if _process[0] is None:
            set_scheduler_run(self)

    def __repr__(self) -> str:
        running = "running" if self._runner is not None else "idle"
        return f"<{self.name} {running} live={len(self._live)} runnable={len(self._runq)}>"

    # -- Axon's attributes -------------------------------------------------------------------

    @property
    def time(self) -> float:
        """Wall-clock time now (Axon's per-cycle timestamp)."""
        return time.time()

    @classmethod
    def immortalise(cls) -> None:
        """Keep the process scheduler running when a component crashes (the default here)."""
        scheduler_run().exception_caught = Exception

    @classmethod
    def mortalise(cls) -> None:
        """Make the first crash end the process scheduler's ``runThreads`` with its exception."""
        scheduler_run().exception_caught = StopIteration

    def waitForOne(self) -> None:
        """Keep running, even with no component yet, until a first one is activated."""
        self._wait_for_one = True

    def listAllThreads(self) -> list[Component]:
        """Every live component, running or paused."""
        return list(self._live.values())

    def isThreadPaused(self, mprocess: Component) -> bool:
        """True if ``mprocess`` is paused, or not running here at all."""
        return mprocess.cid not in self._live or mprocess._asleep

    def wakeThread(self, mprocess: Component, canActivate: bool = False) -> None:
        """Wake ``mprocess`` (activate it if ``canActivate`` and it is not running); any thread."""
        if mprocess.cid in self._live:
            if self.on_other_thread():
                self.wake_threadsafe(mprocess)
            else:
                Component.unpause(mprocess)
        elif canActivate:
            self.activate(mprocess)

    def pauseThread(self, mprocess: Component) -> None:
        """Put ``mprocess`` to sleep after its current (or next) slice."""
        if self.on_other_thread():
            self.io.call_soon_threadsafe(mprocess.pause)
        else:
            mprocess.pause()

    def _addThread(self, mprocess: Component) -> None:
        """Axon's internal activation call."""
        self.activate(mprocess)

    def handleMicroprocessShutdownKnockon(self, knockon: Any) -> None:
        """Act on what a microprocess returned when it closed down."""
        from kamaelia_core.compat.axon.ipc import reactivate

        if isinstance(knockon, reactivate):
            self.wakeThread(knockon.original, canActivate=True)
        else:
            self._knock_on(knockon)  # shutdownMicroprocess and newComponent, as the core does

    # -- thread safety -------------------------------------------------------------------------

    def on_other_thread(self) -> bool:
        """Whether this scheduler is being run by a thread other than the caller's."""
        runner = self._runner
        return runner is not None and runner != threading.get_ident()

    def activate(self, comp: Component) -> None:
        """Start running ``comp``; from another thread while running, on the scheduler's thread."""
        with self._runner_lock:
            runner = self._runner
            if runner is None or runner == threading.get_ident():
                self._wait_for_one = False
                Scheduler.activate(self, comp)
                return
        self.io.call_soon_threadsafe(partial(self._activate_here, comp))

    def _activate_here(self, comp: Component) -> None:
        self._wait_for_one = False
        Scheduler.activate(self, comp)

    # -- running -------------------------------------------------------------------------------

    def run(self) -> None:
        """Run until no component is left (``runThreads``)."""
        self.runThreads()

    def runThreads(self, slowmo: float = 0) -> None:
        """Run the system until every component has finished, or ``stop()``.

        Args:
            slowmo: Seconds to wait before each cycle (for watching a system in slow motion).

        Raises:
            RuntimeError: This scheduler is already running.
            BaseException: After ``mortalise()``, the first crash's exception.
        """
        for _ in self.main(slowmo, canblock=True):
            pass
        fatal, self._fatal = self._fatal, None
        if fatal is not None:
            raise fatal

    def main(self, slowmo: float = 0, canblock: bool = False) -> Generator[int, None, None]:
        """Run the system in cycles, yielding after each; ends when it has finished.

        Args:
            slowmo: Seconds to wait before each cycle.
            canblock: Block (in the reactor, until something happens) while nothing is
                runnable; without it each cycle returns at once and the caller loops.

        Raises:
            RuntimeError: This scheduler is already running.
        """
        with self._runner_lock:
            if self._runner is not None:
                raise RuntimeError(f"{self.name} is already running (in another runThreads)")
            self._runner = threading.get_ident()
        self._stopping = False
        self._warned_stuck = False
        try:
            yield from self._cycles(slowmo, canblock)
        finally:
            try:
                self.shutdown_all()
            finally:
                with self._runner_lock:
                    self._runner = None

    def _cycles(self, slowmo: float, canblock: bool) -> Generator[int, None, None]:
        budget = 0.02 if canblock else 0.0
        while not self._stopping:
            if self._held:  # a debugger's hold (see Scheduler.hold): run only requested cycles
                if canblock or self._cycle_requests:
                    self._held_turn()  # with nothing requested, waits for a cross-thread call
                else:
                    self.poll_io(0)
                yield 1
                continue
            if slowmo:
                if canblock:
                    time.sleep(slowmo)
                else:
                    until = time.monotonic() + slowmo
                    while time.monotonic() < until:
                        yield 1
            if self._runq or self._soon:
                self.step(budget)
                self.poll_io(0)
            elif not self._has_non_daemons() and not self._wait_for_one:
                return
            elif canblock:
                deadline = self.next_deadline()
                if deadline is None and not self._can_be_woken():
                    self._report_stuck()
                    return
                timeout = None if deadline is None else max(0.0, deadline - self.clock())
                self.poll_io(timeout)
            else:
                self.poll_io(0)
            yield 1

    def _can_be_woken(self) -> bool:
        # the pending calls last: a thread that has ended queued its calls before it ended
        return bool(
            len(self.io)
            or self._threads
            or self._wait_for_one
            or _other_threads_alive()
            or self.io.calls_pending()
        )

    def _report_stuck(self) -> None:
        if self._warned_stuck:
            return
        self._warned_stuck = True
        stuck = ", ".join(sorted(c.name for c in self._live.values() if not c.Daemon)[:8])
        log.warning(
            "runThreads: every component waits and nothing can wake them any more (no socket, "
            "timer or thread): %s",
            stuck,
        )

    def stop(self) -> None:
        """End ``runThreads`` after the current cycle; every component is then stopped."""
        Scheduler.stop(self)

    def _note_crash(self, comp: Component, exc: BaseException) -> None:
        self.crash_count += 1
        self.crashes.append((comp, exc))
        del self.crashes[:-MAX_CRASHES_KEPT]
        if not issubclass(Exception, self.exception_caught) and self._fatal is None:
            self._fatal = exc
            self.stop()


__all__ = [
    "on_process_scheduler",
    "retire_process_scheduler",
    "scheduler",
    "scheduler_run",
    "set_scheduler_run",
]
