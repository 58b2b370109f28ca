"""A run of a graph: builds it, drives its scheduler, maps live components back to the design.

The session owns one Scheduler with a Tap and an EventStream. A host loop (the Qt driver, or
``run_for`` headless) drives the scheduler; the session adds start/stop/pause/resume/step and
answers "which design node is this live component?" — directly for built components, through
``instance_of`` for per-connection protocol handlers, and through the parent chain for children
spawned at run time (a CSA belongs to its TCPServer, which belongs to its ServerCore node).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from kamaelia_core.component import Component
from kamaelia_core.instrument import Tap
from kamaelia_core.scheduler import Scheduler
from workbench.model.catalog import Catalog
from workbench.model.graph import Graph
from workbench.runtime.builder import Built, build
from workbench.runtime.events import EventStream

log = logging.getLogger(__name__)


class SessionError(Exception):
    """A session was asked for something its state does not allow."""


@dataclass(frozen=True)
class Placement:
    """Where a live component belongs on the drawing.

    Attributes:
        design_id: The design node it belongs to, or None (a service made behind the scenes).
        role: "design" (built from that node), "instance" (a per-connection copy of that
            template node), "spawned" (made at run time by that node's component, e.g. a CSA),
            or "service" (registered with the CAT, e.g. the Selector).
    """

    design_id: str | None
    role: str


class Session:
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
    ) -> None:
        self.graph = graph
        self.catalog = catalog
        self.allow_code = allow_code
        self.scheduler = Scheduler()
        self.tap = self.scheduler.attach_tap(Tap(tap_capacity))
        self.events = EventStream(self.tap)
        self.built: Built | None = None
        self.state = "idle"
        """idle, running, paused, stopped."""
        self.crashes: list[tuple[Component, BaseException]] = []
        self.scheduler.add_crash_handler(lambda comp, exc: self.crashes.append((comp, exc)))
        self._listeners: list[Callable[[str], None]] = []

    def __repr__(self) -> str:
        return f"<Session {self.state} {self.scheduler!r}>"

    def subscribe_state(self, listener: Callable[[str], None]) -> None:
        """Call ``listener(state)`` whenever the session's state changes."""
        self._listeners.append(listener)

    def _set_state(self, state: str) -> None:
        self.state = state
        for listener in list(self._listeners):
            listener(state)

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> Built:
        """Build the graph and activate it.

        Raises:
            BuildError: The graph cannot be built (nothing is started then).
            SessionError: Already started.
        """
        if self.state != "idle":
            raise SessionError(f"a session runs once; this one is {self.state}")
        self.built = build(self.graph, self.catalog, self.allow_code)
        self.built.root.activate(self.scheduler)
        self._set_state("running")
        return self.built

    def pause(self) -> None:
        """Stop handing out slices (the host loop checks ``state``)."""
        if self.state == "running":
            self._set_state("paused")

    def resume(self) -> None:
        """Hand out slices again."""
        if self.state == "paused":
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
        self.scheduler.close()
        self.events.pump()
        self._set_state("stopped")

    @property
    def finished(self) -> bool:
        """True once the built root (and so the system) has ended."""
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
                self.events.pump()
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
        self.events.pump()

    # -- mapping live components to the design -------------------------------------------------

    def placement(self, comp: Component) -> Placement:
        """Where ``comp`` belongs on the drawing."""
        instance_of = getattr(comp, "instance_of", None)
        if instance_of is not None:
            return Placement(instance_of, "instance")
        design_id = getattr(comp, "design_id", None)
        if design_id is not None:
            return Placement(design_id, "design")
        if type(comp).IsService:
            return Placement(None, "service")
        parent = comp.parent
        while parent is not None:
            owner = getattr(parent, "instance_of", None) or getattr(parent, "design_id", None)
            if owner is not None:
                return Placement(owner, "spawned")
            parent = parent.parent
        return Placement(None, "spawned")

    def live_components(self) -> list[Component]:
        """Components currently live on the scheduler."""
        return self.scheduler.components

    def component(self, cid: int) -> Component | None:
        """The live component with id ``cid``, if it is still live."""
        return self.scheduler._live.get(cid)

    def inbox_depths(self, cid: int) -> dict[str, int]:
        """Messages waiting in each inbox of live component ``cid`` (empty when ended)."""
        comp = self.component(cid)
        if comp is None:
            return {}
        return {name: len(box.storage) for name, box in comp.inboxes.items()}
