"""The scheduler: runs runnable components' slices, sleeps when none is runnable.

Only runnable components sit in the run queue, so the cost of a turn grows with the work to do, not
with the number of components. A delivery wakes a paused component; timers and descriptor readiness
(through the Reactor) wake the rest. A host loop drives it with ``step``, ``poll_io`` and
``next_deadline``; standalone, ``run`` blocks in the reactor while idle.
"""

from __future__ import annotations

import heapq
import itertools
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

if TYPE_CHECKING:
    from kamaelia_core.component import Component
    from kamaelia_core.instrument import Tap

log = logging.getLogger(__name__)

_local = threading.local()
_shared_default: Scheduler | None = None
"""The default scheduler of every thread when set (see ``set_default_scheduler``)."""
_timer_seq = itertools.count()
CHECK_CLOCK_EVERY = 32
"""Slices run between two looks at the clock inside ``step``."""
RUN_NEXT_LIMIT = 16
"""Most slices in a row given to components woken by the slice before (see ``Scheduler.step``)."""
_created_hooks: list[Callable[[Scheduler], None]] = []
"""Called with every new Scheduler (``add_scheduler_hook``); empty unless a monitor is on."""


def add_scheduler_hook(hook: Callable[[Scheduler], None]) -> Callable[[], None]:
    """Call ``hook(scheduler)`` at the end of every ``Scheduler()`` made from now on.

    ``kamaelia_core.monitor`` uses it to watch every scheduler of a program. A hook that raises
    is logged and removed. Returns a function that removes the hook.
    """
    _created_hooks.append(hook)

    def remove() -> None:
        if hook in _created_hooks:
            _created_hooks.remove(hook)

    return remove


COMPACT_TIMERS_AFTER = 64
"""Cancelled timers tolerated in the heap before it is rebuilt (when they are also half of it)."""


def _nothing() -> None:
    """What a cancelled timer would call."""


class TimerHandle:
    """A pending timer; ``cancel()`` it to drop it."""

    __slots__ = ("_heap", "callback", "cancelled", "daemon", "when")

    def __init__(
        self,
        when: float,
        callback: Callable[[], None],
        heap: Scheduler | None = None,
        daemon: bool = False,
    ) -> None:
        self.when = when
        self.callback = callback
        self.cancelled = False
        self._heap = heap
        """The scheduler whose heap holds this timer until it fires (None after)."""
        self.daemon = daemon
        """A daemon timer cannot wake components: it does not keep ``run()`` waiting."""

    def cancel(self) -> None:
        """Do not fire this timer; let go of its callback at once.

        The handle stays in the scheduler's heap until its time comes or the heap is compacted,
        so the callback (often a component's bound method) is dropped now: a per-connection
        timeout cancelled when its connection ends does not keep the connection alive.
        """
        if self.cancelled:
            return
        self.cancelled = True
        self.callback = _nothing
        heap = self._heap
        if heap is not None:
            self._heap = None
            heap._timer_cancelled()

    def __lt__(self, other: TimerHandle) -> bool:
        return self.when < other.when


class SliceWatch:
    """What a watchdog reads of the running slice (written by ``step`` only while watched)."""

    __slots__ = ("comp", "serial")

    def __init__(self) -> None:
        self.comp: Component | None = None
        self.serial = 0


class SliceOverrun(BaseException):
    """Raised inside a slice that held its scheduler too long (see ``kamaelia_core.watchdog``).

    A BaseException, as KeyboardInterrupt is: a loop's ``except Exception`` must not swallow it.
    """


class WaitComplete(ipc.ipc):
    """Yield ``WaitComplete(generator)`` to run it to its end before resuming the caller."""

    __slots__ = ("generator",)
    generator: Any

    def __init__(self, generator: Any) -> None:
        ipc._init(self, "generator", generator)


def _chain(first: Any, rest: Any) -> Any:
    yield from first
    yield from rest


def _announce(tap: Tap, comp: Component) -> None:
    """Record ``comp`` as spawned, with the links it made before the tap could see them."""
    # the parent rides in the sink slot and the boxes as they are now in extra; the rest of the
    # details are read when the event is drained (instrument.describe)
    boxes = (tuple(comp.inboxes), tuple(comp.outboxes))
    tap.record("spawned", comp, sink=comp.parent, extra=boxes)
    for linkage in comp.linkages:
        tap.record(
            "linked",
            linkage.source,
            linkage.sourcebox,
            linkage.sink,
            linkage.sinkbox,
            extra={"passthrough": linkage.passthrough},
        )


class Scheduler:
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
        self._timers: list[TimerHandle] = []
        self._cancelled_timers = 0
        """Cancelled timers still in ``_timers`` (see ``_timer_cancelled``)."""
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
        self._held = False
        self._cycle_requests: deque[Callable[[int], None] | None] = deque()
        self._finish_hooks: list[Callable[[], None]] = []
        for hook in list(_created_hooks):
            try:
                hook(self)
            except Exception:
                log.exception("scheduler hook %r failed; removed", hook)
                _created_hooks.remove(hook)

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
            _announce(self.tap, comp)
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
            if self.tap is not None:
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

    def attach_tap(self, tap: Tap) -> Tap:
        """Start recording events into ``tap``; components already live are recorded as spawned."""
        self.tap = tap
        self.io.on_ready = tap.tick
        for comp in self._live.values():
            _announce(tap, comp)
        tracker = self.tracker._root()

        def service_changed(kind: str, service: str, comp: Any, inbox: str) -> None:
            tap.record(kind, comp, inbox, extra={"service": service})

        tracker.on_change = service_changed
        for name in tracker.servicesRegistered():
            service_changed("service_registered", name, *tracker.retrieveService(name))
        return tap

    def sample_depths(self) -> None:
        """Record, in the tap, how many messages wait in each live component's inboxes."""
        if self.tap is not None:
            self.tap.sample(self._live.values())

    def detach_tap(self) -> None:
        """Stop recording events."""
        self.tap = None
        self.io.on_ready = None
        self.tracker._root().on_change = None

    def add_finish_hook(self, hook: Callable[[], None]) -> Callable[[], None]:
        """Call ``hook()`` in this scheduler's thread when ``run()`` has shut everything down and
        when ``close()`` does (a watcher's last drain); returns a function removing it."""
        self._finish_hooks.append(hook)

        def remove() -> None:
            if hook in self._finish_hooks:
                self._finish_hooks.remove(hook)

        return remove

    def _finished_hooks(self) -> None:
        for hook in list(self._finish_hooks):
            try:
                hook()
            except Exception:
                log.exception("finish hook %r failed; removed", hook)
                self._finish_hooks.remove(hook)

    # -- holding (a debugger's pause) ----------------------------------------------------------

    @property
    def held(self) -> bool:
        """Whether the scheduler is held (see ``hold``)."""
        return self._held

    def hold(self) -> None:
        """Stop running: no slices, no I/O dispatch, timers wait; cross-thread calls still run.

        A held ``run()`` waits for cross-thread calls only (``io.call_soon_threadsafe``: a
        ``release``, a ``request_cycle``, a ``stop``). Readiness met while held is dispatched on
        release (the epoll set is edge-triggered: it keeps what it saw). Shutting down releases.
        """
        self._held = True

    def release(self) -> None:
        """Run again after ``hold``."""
        if self._held:
            self._held = False
            if self._runq and self._wakeup is not None:
                self._wakeup()

    def cycle(self) -> int:
        """One cycle, held or not: dispatch ready I/O and due timers (no waiting), then run
        each component runnable at that moment once. Returns the slices run.

        Not from inside a reactor callback (it polls the reactor): a held ``run()`` runs the
        cycles ``request_cycle`` asks for.
        """
        held, self._held = self._held, False
        run_next = self.run_next_limit
        try:
            self.poll_io(0)
            self.run_next_limit = 0  # plain round robin: those woken now wait for the next cycle
            return self.step(float("inf"), max_slices=len(self._runq) + len(self._soon))
        finally:
            self.run_next_limit = run_next
            self._held = held

    def request_cycle(self, done: Callable[[int], None] | None = None) -> None:
        """Have a held ``run()`` run one ``cycle`` at its next turn, then call ``done(slices)``.

        From this scheduler's thread (a cross-thread call); dropped when not held.
        """
        self._cycle_requests.append(done)

    # -- timers --------------------------------------------------------------------------------

    def call_at(
        self, when: float, callback: Callable[[], None], daemon: bool = False
    ) -> TimerHandle:
        """Call ``callback`` once ``self.clock()`` >= ``when``.

        A ``daemon`` timer (a watcher's tick) does not keep ``run()`` waiting when nothing else
        can wake the components.
        """
        handle = TimerHandle(when, callback, self, daemon)
        heapq.heappush(self._timers, handle)
        if len(self._timers) == 1 and self._wakeup is not None:
            self._wakeup()
        return handle

    def call_later(
        self, delay: float, callback: Callable[[], None], daemon: bool = False
    ) -> TimerHandle:
        """Call ``callback`` after ``delay`` seconds (``daemon``: as for ``call_at``)."""
        return self.call_at(self.clock() + delay, callback, daemon)

    def next_deadline(self) -> float | None:
        """``self.clock()`` time of the earliest pending timer, or None."""
        timers = self._timers
        while timers and timers[0].cancelled:
            heapq.heappop(timers)
            self._cancelled_timers -= 1
        return timers[0].when if timers else None

    def _timer_cancelled(self) -> None:
        """Count a cancelled timer; rebuild the heap when they make up most of it.

        A server with a timeout per connection cancels one timer per connection that ends in
        time; without compaction the heap would hold every one of them until its deadline.
        """
        self._cancelled_timers += 1
        timers = self._timers
        if self._cancelled_timers > COMPACT_TIMERS_AFTER and self._cancelled_timers * 2 > len(
            timers
        ):
            timers[:] = [handle for handle in timers if not handle.cancelled]  # in place: see
            heapq.heapify(timers)  # _fire_timers, which may be iterating it
            self._cancelled_timers = 0

    def _fire_timers(self) -> None:
        timers = self._timers
        if not timers or self._held:
            return
        now = self.clock()
        while timers and timers[0].when <= now:
            handle = heapq.heappop(timers)
            if handle.cancelled:
                self._cancelled_timers -= 1
            else:
                handle._heap = None  # fired: a late cancel() is not counted
                if self.tap is not None:
                    self.tap.tick()  # what the callback delivers happens now
                handle.callback()

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
                    if tap is not None:
                        tap.tick()
                    if comp._stop_req:
                        self._finish(comp, stopped=True)
                        continue
                    if watch is not None:
                        watch.comp = comp
                        watch.serial += 1
                    try:
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
                        if self.tap is not None:
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
            if len(self.io) == 0 and self._threads == 0 and not self._waking_timers():
                stuck = ", ".join(sorted(c.name for c in self._live.values())[:8])
                log.warning("nothing can wake the waiting components any more: %s", stuck)
                break
            timeout = None if deadline is None else max(0.0, deadline - self.clock())
            self.poll_io(timeout)
        self.shutdown_all()
        self._finished_hooks()

    def _held_turn(self) -> None:
        """One turn of a held ``run()``: a requested cycle, or a wait for cross-thread calls."""
        if not self._cycle_requests:
            self.poll_io(None)
            return
        done = self._cycle_requests.popleft()
        ran = self.cycle()
        if done is not None:
            done(ran)

    def _waking_timers(self) -> bool:
        """Whether a pending timer may wake a component (daemon timers cannot)."""
        return any(not t.cancelled and not t.daemon for t in self._timers)

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
        for handler in list(self._crash_handlers):
            try:
                handler(comp, exc)
            except Exception:
                log.exception("crash handler %r failed; detaching it", handler)
                self._crash_handlers.remove(handler)

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
