"""Watches one scheduler for the monitor: its tap, its drain ticks, the viewer's commands.

Everything here that touches the scheduler runs in the scheduler's own thread (a tap is not
thread-safe): the monitor thread asks through ``io.call_soon_threadsafe``. While a viewer is
attached the scheduler has a tap and a daemon timer that, every ``tick`` seconds, drains the tap
condensed (``kamaelia_core.condense``), encodes the batch and hands the bytes to the monitor,
which never blocks. With no viewer there is no tap, no timer and no cost.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kamaelia_core.condense import COUNTED, drain_condensed
from kamaelia_core.instrument import Event, Tap
from kamaelia_core.scheduler import Scheduler
from kamaelia_core.timers import TimerHandle
from kamaelia_core.watchdog import Overrun, Watchdog

if TYPE_CHECKING:
    from kamaelia_core.monitor.monitor import Monitor

log = logging.getLogger(__name__)

SAMPLE_EVERY = 1.0
"""Seconds between two ``sampled`` events (inbox depths) while a viewer is attached."""


def deliveries_in(events: list[Event]) -> int:
    """How many deliveries ``events`` stand for (``counted`` events count their ``n``)."""
    total = 0
    for ev in events:
        kind = ev.kind
        if kind == "delivered":
            total += 1
        elif kind == COUNTED:
            extra = ev.extra  # a counted event always has its details
            if extra is not None and not extra.get("discarded"):
                total += extra["n"]
    return total


class SchedulerWatch:
    """The monitor's agent on one scheduler.

    Args:
        monitor: The monitor it reports to.
        sched: The scheduler (held weakly: a watch never keeps a scheduler alive).
        sid: Its number in the stream (``sid`` of its frames).
    """

    def __init__(self, monitor: Monitor, sched: Scheduler, sid: int) -> None:
        self.monitor = monitor
        self.sid = sid
        self.sched: Callable[[], Scheduler | None] = weakref.ref(sched, monitor._forget(sid))
        self.thread = threading.current_thread()
        """The thread that last ran this scheduler's side of the watch."""
        self.tap: Tap | None = None
        self.generation = 0
        """The viewer session the tap was attached for (0: none)."""
        self.stalled: Overrun | None = None
        """The overrun reported and not yet seen to end."""
        self._timer: TimerHandle | None = None
        self._next_sample = 0.0
        self._watchdog: Watchdog | None = None
        self._watchdog_ident = 0
        self._holding = False
        self._remove_hook = sched.add_finish_hook(lambda: self._guarded(self._finished))

    def __repr__(self) -> str:
        state = "tapped" if self.tap is not None else "idle"
        return f"<SchedulerWatch sid={self.sid} {state} gen={self.generation}>"

    def ask(self, call: Callable[[], None]) -> None:
        """Run ``call`` in the scheduler's thread (from any thread); dropped once it closed."""
        sched = self.sched()
        if sched is not None:
            sched.io.call_soon_threadsafe(lambda: self._guarded(call))

    def _guarded(self, call: Callable[[], None]) -> None:
        """Run ``call``; a failure of the monitor is logged and ends the watch, never the
        program (these run inside the scheduler's own loop)."""
        try:
            call()
        except Exception:
            log.exception("the monitor failed on scheduler %d; it is no longer watched", self.sid)
            try:
                self.detach()
            except Exception:  # already broken: at least the scheduler runs on
                log.exception("the monitor could not let go of scheduler %d", self.sid)

    # -- in the scheduler's thread ---------------------------------------------------------

    def attach(self, generation: int) -> None:
        """Attach a fresh tap for viewer session ``generation`` (its snapshot goes out now)."""
        sched = self.sched()
        if sched is None or sched.io.closed or generation != self.monitor.generation:
            return
        self.thread = threading.current_thread()
        if self.tap is not None:
            self.detach()
        if sched.tap is not None:
            log.warning("scheduler %d has a tap of its own; the monitor leaves it be", self.sid)
            self._state(sched, "untapped", generation)
            return
        tap = Tap(self.monitor.tap_capacity)
        tap.limit_states(self.monitor.budget)
        tap.limit_deliveries(self.monitor.budget)
        self.generation = generation
        self.tap = sched.attach_tap(tap)  # records every live component: the snapshot
        self._state(sched, "paused" if sched.held else "running", generation)
        self.flush()
        self._arm(sched)
        # started by a timer: it fires in the thread that runs the scheduler, before any slice
        sched.call_later(0, lambda: self._guarded(lambda: self._start_watchdog(sched)), daemon=True)

    def detach(self) -> None:
        """Drop the tap, the tick and the watchdog, and let a paused scheduler run again (the
        viewer went: a program it paused must not stay paused)."""
        sched = self.sched()
        if sched is not None and self._holding:
            self._holding = False
            sched.release()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._watchdog is not None:
            self._watchdog.stop()
            self._watchdog = None
        if sched is not None and self.tap is not None and sched.tap is self.tap:
            sched.detach_tap()
        self.tap = None
        self.generation = 0

    def flush(self) -> None:
        """Drain the tap now and hand the batch to the monitor."""
        tap = self.tap
        if tap is None:
            return
        monitor = self.monitor
        events = drain_condensed(tap, 0 if monitor.pressured() else monitor.budget)
        if events:
            monitor.post_events(self.sid, events, tap.dropped, self.generation)

    def command(self, name: str, args: dict[str, Any], cid: int) -> None:
        """Carry out a viewer's command and reply."""
        sched = self.sched()
        if sched is None:
            return
        self.thread = threading.current_thread()
        if name in ("pause", "step"):
            self._holding = True
        elif name in ("resume", "stop"):
            self._holding = False
        if name == "pause":
            sched.hold()
            self.flush()
            self._reply(cid, True, state="paused")
        elif name == "resume":
            sched.release()
            self._reply(cid, True, state="running")
        elif name == "step":
            sched.hold()

            def stepped(slices: int) -> None:
                self.flush()
                self._reply(cid, True, state="paused", slices=slices)

            sched.request_cycle(stepped)
        elif name == "stop":
            sched.release()
            sched.stop()
            self._reply(cid, True, state="stopping")
        else:  # the monitor checks names first: a new command not wired here
            self._reply(cid, False, error=f"the scheduler cannot {name}")

    def _tick(self) -> None:
        self._timer = None
        sched = self.sched()
        if sched is None or self.tap is None:
            return
        if self.generation != self.monitor.generation:  # that viewer has gone
            self.detach()
            return
        if self.thread is not threading.current_thread():  # made in one thread, run in another
            self.thread = threading.current_thread()
            self._state(sched, "paused" if sched.held else "running", self.generation)
        if self._watchdog is not None and self._watchdog_ident != threading.get_ident():
            self._watchdog.stop()  # it must look at the thread that runs the scheduler now
            self._watchdog = None
            self._start_watchdog(sched)
        if self.stalled is not None:
            over, self.stalled = self.stalled, None
            ended = {"type": "stall", "sid": self.sid, "cid": over.cid, "name": over.name}
            self.monitor.post_control({**ended, "over": True}, self.generation)
        now = time.monotonic()
        if now >= self._next_sample:
            self._next_sample = now + SAMPLE_EVERY
            sched.sample_depths()
        self.flush()
        self._arm(sched)

    def _arm(self, sched: Scheduler) -> None:
        if self._timer is None:
            self._timer = sched.call_later(
                self.monitor.tick, lambda: self._guarded(self._tick), daemon=True
            )

    def _finished(self) -> None:
        """``run()`` ended or the scheduler closes: the last events go out."""
        sched = self.sched()
        if self.tap is None or sched is None:
            return
        self.flush()
        self._state(sched, "ended", self.generation)

    def _state(self, sched: Scheduler, state: str, generation: int) -> None:
        self.monitor.post_control(
            {"type": "state", "sid": self.sid, "state": state, "thread": self.thread.name},
            generation,
        )

    def _reply(self, cid: int, ok: bool, **fields: Any) -> None:
        self.monitor.post_control(
            {"type": "reply", "id": cid, "sid": self.sid, "ok": ok, **fields}, None
        )

    # -- stalls (the watchdog's thread) ----------------------------------------------------

    def _start_watchdog(self, sched: Scheduler) -> None:
        if self.tap is None or self._watchdog is not None or sched.watch is not None:
            return  # detached meanwhile, or the program watches its own slices
        self._watchdog = Watchdog(
            sched, limit=self.monitor.stall_limit, interrupt=False, on_overrun=self._overrun
        ).start()
        self._watchdog_ident = threading.get_ident()

    def _overrun(self, report: Overrun) -> None:
        self.stalled = report
        self.monitor.post_control(
            {"type": "stall", "sid": self.sid, "cid": report.cid, "name": report.name,
             "seconds": round(report.seconds, 3), "where": report.where, "over": False},
            self.generation,
        )  # fmt: skip

    def close(self) -> None:
        """Forget the scheduler's finish hook (the monitor closes)."""
        self._remove_hook()
