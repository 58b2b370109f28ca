"""What debuggers and monitors use of a scheduler: taps, hooks, holding and single cycles.

Nothing here runs per slice. A tap is attached here and the scheduler's hot paths read it; a
hook sees every new scheduler (``kamaelia_core.monitor`` watches a program's schedulers through
it) or the end of one; a debugger holds a scheduler (no slices, no I/O dispatch, timers wait)
and steps it one ``cycle`` at a time; a watchdog reads which slice runs (``SliceWatch``) and
interrupts one that runs too long (``SliceOverrun``).
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from kamaelia_core.cat import CoordinatingAssistantTracker
    from kamaelia_core.component import Component
    from kamaelia_core.instrument import Tap
    from kamaelia_core.reactor import Reactor
    from kamaelia_core.scheduler import Scheduler

log = logging.getLogger("kamaelia_core.scheduler")
"""The scheduler's own logger: a failing hook is reported where its other failures are."""

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


_Hook = TypeVar("_Hook", bound=Callable[..., Any])


def call_hooks(
    hooks: list[_Hook], args: tuple[Any, ...], logger: logging.Logger, failed: str
) -> None:
    """Call each of ``hooks`` with ``args``; one that raises is logged and removed.

    The others are still called: an observer's bug never breaks the run (nor the other
    observers). ``failed`` is the log message, with ``%r`` for the hook (logged with the
    traceback, at ERROR, on ``logger``).
    """
    for hook in list(hooks):
        try:
            hook(*args)
        except Exception:
            logger.exception(failed, hook)
            hooks.remove(hook)


def created(sched: Scheduler) -> None:
    """Call the hooks of ``add_scheduler_hook`` with ``sched``, a scheduler just made."""
    call_hooks(_created_hooks, (sched,), log, "scheduler hook %r failed; removed")


def announce(tap: Tap, comp: Component) -> None:
    """Record ``comp`` as spawned, with the links it made before the tap could see them."""
    # the parent rides in the sink slot and the boxes as they are now in extra; the rest of the
    # details are read when the event is drained (events.describe)
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


class SchedulerControl:
    """What debuggers and monitors use of ``Scheduler`` (a base class of it)."""

    # what this part uses of the scheduler (set by Scheduler.__init__, or its methods)
    tap: Tap | None
    io: Reactor
    tracker: CoordinatingAssistantTracker
    run_next_limit: int
    _live: dict[int, Component]
    _runq: deque[Component]
    _soon: deque[Component]
    _wakeup: Callable[[], None] | None

    if TYPE_CHECKING:

        def step(self, budget: float = ..., max_slices: int | None = ...) -> int: ...

        def poll_io(self, timeout: float | None = ...) -> int: ...

    def _init_control(self) -> None:
        self._held = False
        self._cycle_requests: deque[Callable[[int], None] | None] = deque()
        self._finish_hooks: list[Callable[[], None]] = []

    # -- the tap -------------------------------------------------------------------------------

    def attach_tap(self, tap: Tap) -> Tap:
        """Start recording events into ``tap``; components already live are recorded as spawned."""
        self.tap = tap
        self.io.on_ready = tap.tick
        for comp in self._live.values():
            announce(tap, comp)
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
        if self.tap is not None:
            self.tap.release()
        self.tap = None
        self.io.on_ready = None
        self.tracker._root().on_change = None

    # -- hooks ---------------------------------------------------------------------------------

    def add_finish_hook(self, hook: Callable[[], None]) -> Callable[[], None]:
        """Call ``hook()`` in this scheduler's thread when ``run()`` has shut everything down and
        when ``close()`` does (a watcher's last drain); returns a function removing it."""
        self._finish_hooks.append(hook)

        def remove() -> None:
            if hook in self._finish_hooks:
                self._finish_hooks.remove(hook)

        return remove

    def _finished_hooks(self) -> None:
        call_hooks(self._finish_hooks, (), log, "finish hook %r failed; removed")

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

    def _held_turn(self) -> None:
        """One turn of a held ``run()``: a requested cycle, or a wait for cross-thread calls."""
        if not self._cycle_requests:
            self.poll_io(None)
            return
        done = self._cycle_requests.popleft()
        ran = self.cycle()
        if done is not None:
            done(ran)
