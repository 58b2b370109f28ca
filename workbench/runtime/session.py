"""A run of a graph in this process: builds it, drives its scheduler, feeds the live model.

The session owns one Scheduler with a Tap, the EventStream draining it and the LiveModel the
stream feeds. A host loop (the Qt driver, or ``run_for`` headless) drives the scheduler and calls
``pump`` once per frame; the session adds start/stop/pause/resume/step. What a view shows comes
from the model, built from events only: the components carry their design node ids
(``design_id``, ``instance_of``) into their ``spawned`` events, and the model places each one.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from kamaelia_core.component import Component
from kamaelia_core.instrument import Tap
from kamaelia_core.scheduler import Scheduler
from workbench.model.catalog import Catalog
from workbench.model.graph import Graph
from workbench.runtime.builder import Built, build
from workbench.runtime.debugging import Debugger
from workbench.runtime.events import FRAME_EVENTS, EventStream
from workbench.runtime.live_model import LiveModel
from workbench.runtime.run_state import RunState

log = logging.getLogger(__name__)

SAMPLE_S = 1.0
"""Seconds between two samples of the inboxes' depths."""


class SessionError(Exception):
    """A session was asked for something its state does not allow."""


class Session(RunState):
    """One run of a graph.

    Args:
        graph: The design to run (read at ``start``).
        catalog: Resolves component ids.
        tap_capacity: Events the tap holds between two pumps before dropping (and counting).
        allow_code: Evaluate ``$code`` parameter values (only for graphs the user trusts).
    """

    def __init__(
        self,
        graph: Graph,
        catalog: Catalog,
        tap_capacity: int = 262_144,
        allow_code: bool = False,
        components: list[Component] | None = None,
    ) -> None:
        self.components = components
        """Components to run instead of building ``graph`` (a program's, made in this process)."""
        self.graph = graph
        self.catalog = catalog
        self.allow_code = allow_code
        self.scheduler = Scheduler()
        self.tap = self.scheduler.attach_tap(Tap(tap_capacity))
        self.events = EventStream(self.tap)
        self.model = LiveModel()
        self.events.subscribe(self.model.apply)
        self.built: Built | None = None
        super().__init__()  # the state: idle, running, paused, stopped
        self.crashes: list[tuple[Component, BaseException]] = []
        self.scheduler.add_crash_handler(lambda comp, exc: self.crashes.append((comp, exc)))
        self._next_sample = 0.0
        self.reveal_until: int | None = None
        """While stepping message by message: the last event seq the views may see."""
        self._debugger: Debugger | None = None

    @property
    def debugger(self) -> Debugger:
        """Breakpoints and message stepping of this run (made on first use)."""
        if self._debugger is None:
            self._debugger = Debugger(self)
        return self._debugger

    def __repr__(self) -> str:
        return f"<Session {self.state} {self.scheduler!r}>"

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> Built | None:
        """Build the graph (or take the given components) and activate it; the build, if any.

        Raises:
            BuildError: The graph cannot be built (nothing is started then).
            SessionError: Already started.
        """
        if self.state != "idle":
            raise SessionError(f"a session runs once; this one is {self.state}")
        if self.components is not None:
            for comp in self.components:
                comp.activate(self.scheduler)
            self._set_state("running")
            return None
        self.built = build(self.graph, self.catalog, self.allow_code)
        self.model.templates.update(self.built.templates)
        self.built.root.activate(self.scheduler)
        self._set_state("running")
        return self.built

    @property
    def stream(self) -> EventStream:
        """The event stream every watcher of this run subscribes to (``events``)."""
        return self.events

    @property
    def title(self) -> str:
        """What the run is of, for people."""
        return "graph"

    def pump(self, max_events: int | None = FRAME_EVENTS) -> int:
        """Hand the watchers the next batch (at most ``max_events``); returns its size.

        Called once per frame by whoever hosts the run; about once a second it first records
        how many messages wait in each inbox (a ``sampled`` event) for the queue badges.
        """
        limit = self.reveal_until
        if limit is not None:  # stepping message by message: show no more than that
            room = max(0, limit - self.tap.next_seq + 1)
            max_events = room if max_events is None else min(max_events, room)
        else:
            now = time.monotonic()
            if now >= self._next_sample and self.state in ("running", "paused"):
                self._next_sample = now + SAMPLE_S
                self.scheduler.sample_depths()
        return len(self.events.pump(max_events))

    def pending(self) -> int:
        """Events recorded and not yet pumped."""
        return len(self.tap)

    def pause(self) -> None:
        """Stop handing out slices (the host loop checks ``state``)."""
        if self.state == "running":
            self._set_state("paused")

    def resume(self) -> None:
        """Hand out slices again (and show everything that happened)."""
        if self.state == "paused":
            self.reveal_until = None
            self._set_state("running")

    def step(self) -> int:
        """Run one slice of every runnable component (works while paused)."""
        if self.state not in ("running", "paused"):
            return 0
        self.scheduler.poll_io(0)
        count = len(self.scheduler._runq)
        ran = 0
        for _ in range(max(count, 0)):
            if not self.scheduler.has_runnable():
                break
            ran += self.scheduler.step(0)
        return ran

    def stop(self) -> None:
        """Stop every component cleanly (sockets closed) and release the scheduler."""
        if self.state == "stopped":
            return
        if self._debugger is not None:
            self._debugger.close()
        self.reveal_until = None
        self.scheduler.close()
        while self.events.pump(FRAME_EVENTS):
            pass
        self._set_state("stopped")

    @property
    def finished(self) -> bool:
        """True once the built root (and so the system) has ended."""
        if self.components is not None:
            return all(comp._isStopped() for comp in self.components)
        return self.built is not None and self.built.root._isStopped()

    def run_for(
        self, duration: float | None, should_stop: Callable[[], bool] = lambda: False
    ) -> None:
        """Drive the system headless for ``duration`` seconds (None: until it ends).

        Events are pumped to the watchers at most every 50 ms.
        """
        if self.state == "idle":
            self.start()
        sched = self.scheduler
        end = None if duration is None else time.monotonic() + duration
        next_pump = 0.0
        while not self.finished and not should_stop():
            now = time.monotonic()
            if end is not None and now >= end:
                break
            if now >= next_pump:
                while self.pump() >= FRAME_EVENTS:
                    pass
                next_pump = now + 0.05
            if self.state == "paused":
                sched.poll_io(0.05)
                continue
            if sched.has_runnable():
                sched.step(0.01)
                sched.poll_io(0)
                continue
            wait = 0.05
            deadline = sched.next_deadline()
            if deadline is not None:
                wait = min(wait, max(0.0, deadline - now))
            if end is not None:
                wait = min(wait, max(0.0, end - now))
            sched.poll_io(wait)
        while self.pump() >= FRAME_EVENTS:
            pass
