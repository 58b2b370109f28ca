"""Timers of a scheduler: callbacks due at a clock time, fired at the start of each ``step``.

A heap of ``TimerHandle``s ordered by deadline. The scheduler fires the due ones before it runs
slices and blocks no longer than the earliest deadline; a cancelled timer lets go of its callback
at once and is compacted out of the heap once cancelled ones are most of it, so a timeout per
connection costs nothing after its connection ends.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kamaelia_core.instrument import Tap

COMPACT_TIMERS_AFTER = 64
"""Cancelled timers tolerated in the heap before it is rebuilt (when they are also half of it)."""


def next_tick(due: float, now: float, interval: float) -> float:
    """When the tick after the one due at ``due`` falls, on a schedule of ``interval``, at ``now``.

    On schedule while less than an interval late; later than that, one interval from ``now``:
    ticks missed while the component could not run are not made up.
    """
    return due + interval if now - due < interval else now + interval


def _nothing() -> None:
    """What a cancelled timer would call."""


class TimerHandle:
    """A pending timer; ``cancel()`` it to drop it."""

    __slots__ = ("_heap", "callback", "cancelled", "daemon", "when")

    def __init__(
        self,
        when: float,
        callback: Callable[[], None],
        heap: TimerQueue | None = None,
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


class TimerQueue:
    """The timers of ``Scheduler`` (a base class of it): its heap and the calls on it."""

    # what the timers use of the scheduler (set by Scheduler.__init__)
    clock: Callable[[], float]
    tap: Tap | None
    _wakeup: Callable[[], None] | None
    _held: bool

    def _init_timers(self) -> None:
        self._timers: list[TimerHandle] = []
        self._cancelled_timers = 0
        """Cancelled timers still in ``_timers`` (see ``_timer_cancelled``)."""

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

    def _waking_timers(self) -> bool:
        """Whether a pending timer may wake a component (daemon timers cannot)."""
        return any(not t.cancelled and not t.daemon for t in self._timers)
