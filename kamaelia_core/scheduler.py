"""The scheduler: runs runnable components' slices, sleeps when none is runnable.

Only runnable components sit in the run queue, so the cost of a turn grows with the work to do, not
with the number of components. A delivery wakes a paused component; timers and descriptor readiness
(through the Reactor) wake the rest. A host loop drives it with ``step``, ``poll_io`` and
``next_deadline``; standalone, ``run`` blocks in the reactor while idle.

``Scheduler`` is this module's run loop plus two base classes: its timers
(``kamaelia_core.timers``) and what debuggers and monitors use of it, taps, hooks and holding
(``kamaelia_core.scheduler_control``). Their public names are importable from here too.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from kamaelia_core import ipc
from kamaelia_core.cat import CoordinatingAssistantTracker
from kamaelia_core.reactor import Reactor
from kamaelia_core.scheduler_control import (
    SchedulerControl,
    SliceOverrun,
    SliceWatch,
    add_scheduler_hook,
    announce,
    call_hooks,
    created,
)
from kamaelia_core.timers import COMPACT_TIMERS_AFTER, TimerHandle, TimerQueue

if TYPE_CHECKING:
    from kamaelia_core.component import Component
    from kamaelia_core.instrument import Tap

log = logging.getLogger(__name__)

_local = threading.local()
_shared_default: Scheduler | None = None
"""The default scheduler of every thread when set (see ``set_default_scheduler``)."""
CHECK_CLOCK_EVERY = 32
"""Slices run between two looks at the clock inside ``step``."""
RUN_NEXT_LIMIT = 16
"""Most slices in a row given to components woken by the slice before (see ``Scheduler.step``)."""


class WaitComplete(ipc.ipc):
    """Yield ``WaitComplete(generator)`` to run it to its end before resuming the caller."""

    __slots__ = ("generator",)
    generator: Any

    def __init__(self, generator: Any) -> None:
        ipc._init(self, "generator", generator)


def _chain(first: Any, rest: Any) -> Any:
    yield from first
    yield from rest


class Scheduler(TimerQueue, SchedulerControl):
    """Runs components. One per thread of control; each owns its CAT and its reactor.

    Args:
        clock: The monotonic clock timers are measured on (``kamaelia_core.testing.ManualClock``
            in tests).
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._runq: deque[Component] = deque()
        self._soon: deque[Component] = deque()
        """Components woken by a delivery during the current slice: they run next (bounded)."""
        self._stepping = False
        self.run_next_limit = RUN_NEXT_LIMIT
        """Most slices in a row taken from the run-next queue (0: plain FIFO round robin)."""
        self._live: dict[int, Component] = {}
        self._init_timers()
        self._wakeup: Callable[[], None] | None = None
        self._crash_handlers: list[Callable[[Component, BaseException], None]] = []
        self._stopping = False
        self._threads = 0
        self.tap: Tap | None = None
        self.tracker = CoordinatingAssistantTracker()
        self.io = Reactor()
        self.slices = 0
        """Slices run so far (the cycle count a UI shows)."""
        self.watch: SliceWatch | None = None
        """Set by a ``kamaelia_core.watchdog.Watchdog``: which slice runs now (else None)."""
        self.after_slice: Callable[[Component], bool] | None = None
        """Called after each slice (``kamaelia_core.breakpoints``); True ends ``step`` there."""
        self._init_control()
        created(self)  # last: the hooks see a complete scheduler

    # -- the default scheduler -----------------------------------------------------------------

    @staticmethod
    def current() -> Scheduler | None:
        """The scheduler whose ``step`` is running in this thread, if any."""
        return getattr(_local, "running", None)

    @classmethod
    def current_or_default(cls) -> Scheduler:
        """The running scheduler of this thread, or the default one.

        The default is the one given to ``set_default_scheduler`` when there is one, else this
        thread's own default scheduler (made on demand).
        """
        running = getattr(_local, "running", None)
        if running is not None:
            return running
        if _shared_default is not None:
            return _shared_default
        default = getattr(_local, "default", None)
        if default is None or default.io.closed:
            default = _local.default = cls()
        return default

    # -- components ----------------------------------------------------------------------------

    @property
    def components(self) -> list[Component]:
        """The live (activated, not yet finished) components."""
        return list(self._live.values())

    def activate(self, comp: Component) -> None:
        """Start running ``comp``; a second activation is ignored."""
        if comp._sched is not None:
            if comp._sched is not self:
                raise RuntimeError(f"{comp.name} is already activated on another scheduler")
            return
        comp._sched = self
        comp._gen = comp._microprocess()
        comp._state = "running"
        self._live[comp.cid] = comp
        if self.tap is not None:
            announce(self.tap, comp)
        self._enqueue(comp)

    def _enqueue(self, comp: Component) -> None:
        was_empty = not self._runq
        self._runq.append(comp)
        if was_empty and self._wakeup is not None:
            self._wakeup()

    def _wake(self, comp: Component) -> None:
        comp._pause_req = False
        if comp._asleep:
            comp._asleep = False
            if self.tap is not None and not comp._state_seen:
                self.tap.state(comp, "woke")
            if self._stepping:
                self._soon.append(comp)
            else:
                self._enqueue(comp)

    def wake_threadsafe(self, comp: Component) -> None:
        """Wake ``comp`` from any thread."""
        self.io.call_soon_threadsafe(comp.unpause)

    def thread_started(self) -> None:
        """A threaded component's thread began: ``run()`` must not give up while it lives."""
        self._threads += 1

    def thread_ended(self) -> None:
        """A threaded component's thread ended."""
        self._threads -= 1

    def has_runnable(self) -> bool:
        """Whether some component is waiting for a slice."""
        return bool(self._runq or self._soon)

    def set_wakeup(self, callback: Callable[[], None] | None) -> None:
        """Call ``callback`` (in this scheduler's thread) when the run queue turns non-empty."""
        self._wakeup = callback

    def add_crash_handler(self, callback: Callable[[Component, BaseException], None]) -> None:
        """Call ``callback(component, exception)`` whenever a component crashes."""
        self._crash_handlers.append(callback)

    # -- running -------------------------------------------------------------------------------

    def step(self, budget: float = 0.001, max_slices: int | None = None) -> int:
        """Run runnable slices for up to ``budget`` seconds (and at most ``max_slices``
        components picked, when given); return how many ran. A held scheduler runs none.

        Order: round robin over the run queue, except that a component woken by a delivery (or
        an ``unpause``) made during a slice runs right after that slice, ahead of the queue: a
        request read by a socket adapter reaches its protocol handler, and the answer the
        socket, before the next connection is served, as a callback-based loop would do. At
        most ``run_next_limit`` slices in a row are run that way; then the woken components
        join the back of the queue and its head runs, so components that keep waking each
        other cannot starve the others (every queued component runs within
        ``(run_next_limit + 1) * queue length`` slices). Woken components still waiting when the
        budget runs out join the back of the queue.
        """
        if self._held:
            return 0
        self._fire_timers()
        runq = self._runq
        soon = self._soon
        if not runq:
            return 0
        previous = getattr(_local, "running", None)
        _local.running = self
        clock = time.perf_counter
        deadline = clock() + budget
        ran = 0
        popleft, append = runq.popleft, runq.append
        soon_popleft = soon.popleft
        limit = self.run_next_limit
        streak = 0
        tap = self.tap
        if tap is not None and not tap.timing:  # counting: keep its list bounded, per step
            tap.tick()
        watch = self.watch
        after = self.after_slice
        halted = False
        self._stepping = True
        try:
            while runq or soon:
                chunk = min(len(runq) + len(soon), CHECK_CLOCK_EVERY)
                if max_slices is not None:  # per chunk, not per slice: free in the hot loop
                    chunk = min(chunk, max_slices)
                    max_slices -= chunk
                    if chunk <= 0:
                        break
                for _ in range(chunk):
                    if soon and streak < limit:
                        comp = soon_popleft()
                        streak += 1
                    else:
                        if soon:
                            runq.extend(soon)
                            soon.clear()
                        if not runq:
                            break
                        comp = popleft()
                        streak = 0
                    if tap is not None and tap.timing:
                        tap.tick()
                    if comp._stop_req:
                        self._finish(comp, stopped=True)
                        continue
                    if watch is not None:
                        watch.comp = comp
                        watch.serial += 1
                    try:
                        # a running component always has its generator (None once it ended)
                        value = comp._gen.__next__()  # type: ignore[union-attr]
                    except StopIteration:
                        # looked at before the ending unlinks it: a breakpoint on a link sees
                        # the last message sent on it
                        halted = after is not None and after(comp)
                        self._finish(comp)
                        if halted:
                            break
                        continue
                    except (Exception, SliceOverrun) as exc:
                        halted = after is not None and after(comp)
                        self._crash(comp, exc)
                        if halted:
                            break
                        continue
                    ran += 1
                    if value.__class__ is not int and value is not None and value is not True:
                        try:
                            self._special(comp, value)
                        except Exception as exc:  # e.g. a yielded newComponent that cannot start
                            self._crash(comp, exc)
                            continue
                    if comp._pause_req:
                        comp._pause_req = False
                        comp._asleep = True
                        if self.tap is not None and not comp._state_seen:
                            self.tap.state(comp, "paused")
                    elif comp._state == "running":
                        append(comp)
                    if after is not None and after(comp):
                        halted = True
                        break
                if halted or clock() >= deadline:
                    break
        except SliceOverrun:  # a watchdog's interrupt that landed just after its slice ended
            log.warning("a watchdog interrupt arrived between two slices; ignored")
        finally:
            self._stepping = False
            if soon:  # woken by the last slices: to the back of the queue (no starvation)
                runq.extend(soon)
                soon.clear()
            _local.running = previous
            self.slices += ran
        return ran

    def _special(self, comp: Component, value: Any) -> None:
        if isinstance(value, ipc.newComponent):
            for child in value.components():
                self.activate(child)
        elif isinstance(value, WaitComplete):
            comp._gen = _chain(value.generator, comp._gen)

    def run_until_idle(self, max_slices: int = 1_000_000) -> int:
        """Run until nothing is runnable (I/O and due timers included), or ``max_slices`` ran.

        Raises:
            RuntimeError: Still busy after ``max_slices`` (a component that never pauses).
        """
        ran = 0
        while True:
            self.poll_io(0)
            if not self._runq:
                return ran
            ran += self.step(0.05)
            if ran >= max_slices:
                busy = ", ".join(c.name for c in list(self._runq)[:5])
                raise RuntimeError(f"still busy after {ran} slices (runnable: {busy})")

    def poll_io(self, timeout: float | None = 0) -> int:
        """Dispatch ready descriptors and cross-thread wakes, waiting up to ``timeout``."""
        previous = getattr(_local, "running", None)
        _local.running = self
        try:
            count = self.io.wait_wakeups(timeout) if self._held else self.io.poll(timeout)
        finally:
            _local.running = previous
        self._fire_timers()
        return count

    def fileno(self) -> int:
        """The descriptor a host loop watches: readable when I/O or a wake-up is pending."""
        return self.io.fileno()

    def _has_non_daemons(self) -> bool:
        return any(not c.Daemon for c in self._live.values())

    def run(self) -> None:
        """Run until every non-service component has finished (or ``stop()``); stop services."""
        self._stopping = False
        while not self._stopping and self._has_non_daemons():
            if self._held:
                self._held_turn()
                continue
            if self._runq:
                self.step(0.02)
                self.poll_io(0)
                continue
            deadline = self.next_deadline()
            if (
                len(self.io) == 0
                and self._threads == 0
                and not self._waking_timers()
                and not self.io.calls_pending()  # a wake another thread has sent still counts
            ):
                stuck = ", ".join(sorted(c.name for c in self._live.values())[:8])
                log.warning("nothing can wake the waiting components any more: %s", stuck)
                break
            timeout = None if deadline is None else max(0.0, deadline - self.clock())
            self.poll_io(timeout)
        self.shutdown_all()
        self._finished_hooks()

    def shutdown_all(self, max_slices: int = 100_000) -> None:
        """Stop every live component and let them close down (a hold is released)."""
        self._held = False
        self._cycle_requests.clear()
        for comp in list(self._live.values()):
            comp.stop()
        try:
            self.run_until_idle(max_slices)
        except RuntimeError:
            log.exception("components kept running while the scheduler shut down")

    def stop(self) -> None:
        """Make ``run()`` return after the current turn."""
        self._stopping = True
        if self._wakeup is not None:
            self._wakeup()
        self.io.call_soon_threadsafe(lambda: None)

    def close(self) -> None:
        """Stop everything and release the reactor's descriptors."""
        if self.io.closed:
            return
        self.shutdown_all()
        self._finished_hooks()
        self.io.close()

    def __enter__(self) -> Scheduler:
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Leaving a ``with Scheduler() as sched:`` block closes the scheduler (see ``close``)."""
        self.close()

    # -- endings -------------------------------------------------------------------------------

    def _finish(self, comp: Component, stopped: bool = False) -> None:
        if comp._state != "running":
            return
        if stopped and comp._gen is not None:
            try:
                comp._gen.close()
            except Exception as exc:
                self._crash(comp, exc)
                return
        comp._state = "finished"
        comp._asleep = False
        self._close_down(comp, "stopped" if stopped else "finished")

    def _close_down(self, comp: Component, kind: str, extra: dict | None = None) -> None:
        self._live.pop(comp.cid, None)
        if self.tap is not None:
            self.tap.record(
                kind, comp, message=comp.crash if kind == "crashed" else None, extra=extra
            )
        comp._gen = None
        try:
            result = comp._closeDownMicroprocess()
        except Exception:
            log.exception("%s failed while closing down", comp.name)
            result = None
        if comp._transient:
            comp._release_boxes()
        self._knock_on(result)

    def _knock_on(self, result: Any) -> None:
        """Act on what a close-down returned: stop (shutdownMicroprocess) or start (newComponent)
        the components it names; anything else is ignored."""
        if isinstance(result, ipc.shutdownMicroprocess):
            for target in result.microprocesses():
                target.stop()
        elif isinstance(result, ipc.newComponent):
            for child in result.components():
                self.activate(child)

    def _crash(self, comp: Component, exc: BaseException) -> None:
        if comp._state != "running":
            return
        comp._state = "crashed"
        comp._asleep = False
        comp.crash = exc
        text = "".join(traceback.format_exception(exc))
        log.error("component %s crashed:\n%s", comp.name, text)
        self._close_down(comp, "crashed", {"traceback": text})
        for child in comp.children:
            child.stop()
        call_hooks(self._crash_handlers, (comp, exc), log, "crash handler %r failed; detaching it")

    def __repr__(self) -> str:
        return (
            f"<Scheduler live={len(self._live)} runnable={len(self._runq)} "
            f"timers={len(self._timers)} fds={len(self.io)}>"
        )


def set_default_scheduler(scheduler: Scheduler | None) -> Scheduler | None:
    """Make ``scheduler`` the default of every thread; None goes back to one per thread.

    By default each thread has its own default scheduler, so components activated without a
    scheduler in one thread never run on another thread's. Axon instead has one scheduler for
    the whole process (``scheduler.run``), which ``kamaelia_core.compat`` sets here so that a
    system activated in one thread can be run from another. A scheduler running a slice in this
    thread still comes first (see ``Scheduler.current_or_default``).

    Returns:
        The previous process-wide default (None when there was none).
    """
    global _shared_default
    previous, _shared_default = _shared_default, scheduler
    return previous


def run_components(components: Iterable[Component]) -> Scheduler:
    """Activate ``components`` on a fresh scheduler and run it to completion; returns it."""
    with Scheduler() as sched:
        for comp in components:
            sched.activate(comp)
        sched.run()
    return sched


__all__ = [
    "COMPACT_TIMERS_AFTER",
    "RUN_NEXT_LIMIT",
    "Scheduler",
    "SliceOverrun",
    "SliceWatch",
    "TimerHandle",
    "WaitComplete",
    "add_scheduler_hook",
    "run_components",
    "set_default_scheduler",
]
