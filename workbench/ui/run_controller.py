"""Runs the edited graph from the window: a runtime Session hosted by the Qt driver, with badges.

Run builds a Session through the window's ``session_factory`` and hosts its scheduler with a
:class:`SchedulerDriver` (and a Watchdog that stops a slice holding the window's loop for more
than a second); a FramePump (only while a run exists) pumps the run's events into its live
model. The badges of the design nodes follow the model's changes, crashes go to the log with
their traceback, and the live view draws from the same model. Nothing here reads a live component.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QSocketNotifier, Signal

from kamaelia_core.watchdog import Watchdog
from workbench.model import Catalog, Graph
from workbench.model.observers import callback_name
from workbench.runtime.live_model import Changes, LiveEntity
from workbench.ui.canvas.group_item import GroupItem
from workbench.ui.canvas.node_item import NodeItem
from workbench.ui.canvas.scene import GraphScene
from workbench.ui.driver import SchedulerDriver
from workbench.ui.live.pump import FramePump

log = logging.getLogger(__name__)

SessionFactory = Callable[[Graph, Catalog], Any]
"""Returns an object with the ``workbench.runtime.Session`` interface (start/stop/pause/...)."""

WATCHDOG_S = 1.0
"""Seconds a slice may hold the window's event loop before the watchdog stops it."""


def default_session_factory(graph: Graph, catalog: Catalog, allow_code: bool = False) -> Any:
    """A ``workbench.runtime.Session`` for ``graph`` (``allow_code``: the user trusts it)."""
    from workbench.runtime.session import Session

    return Session(graph, catalog, allow_code=allow_code)


class RunController(QObject):
    """Starts, pauses, steps and stops runs of the scene's graph.

    Attributes:
        session: the current run (a ``Session``, or any live run), or None.
        driver: the SchedulerDriver hosting an in-process run, or None.
        pump: the FramePump feeding the run's events to its model, or None.
        watchdog: the Watchdog of an in-process run, or None.
    """

    state_changed = Signal(str)  #: "idle", "running", "paused", "stopped", "finished"
    crashed = Signal(str, str, str)  #: (node id or "", component name, traceback)
    failed = Signal(str)  #: the graph could not be built / started
    frame = Signal(object)  #: the run, after each pump (≈30 Hz while running)
    output = Signal(list)  #: the watched program's new output lines (OutputLine), per frame
    notice = Signal(str, object)  #: (kind, data) from a watched program: "stall", "exit"...
    breakpoint_hit = Signal(object)  #: a kamaelia_core.breakpoints.Hit: the run is paused
    watcher_failed = Signal(str, str)  #: (message, traceback) of a view that stopped following

    def __init__(
        self,
        scene: GraphScene,
        session_factory: SessionFactory | None = None,
        parent: QObject | None = None,
    ) -> None:
        """Bind to ``scene`` (its graph and catalog)."""
        super().__init__(parent)
        self.scene = scene
        self.session_factory = session_factory or default_session_factory
        self.allow_code = False
        """The user trusts the open graph's ``$code`` values (set by the window, per document)."""
        self.session: Any = None
        self.driver: SchedulerDriver | None = None
        self.pump: FramePump | None = None
        self.watchdog: Watchdog | None = None
        self.aux_driver: SchedulerDriver | None = None
        """Hosts a watched program's local scheduler (the traffic generator's clients)."""
        self._notifier: QSocketNotifier | None = None
        self.state = "idle"
        self.badges = True
        """Set design nodes' run states from the model; the live view may turn this off."""
        self._reported: set[int] = set()
        self._unsubscribe: Callable[[], None] | None = None
        self._unhook_watchers: list[Callable[[], None]] = []

    @property
    def running(self) -> bool:
        """True while a run exists (running or paused)."""
        return self.session is not None

    def start(self) -> bool:
        """Build and start the graph; False (and ``failed``) when it cannot be built."""
        if self.session is not None:
            return True
        try:
            if self.allow_code and self.session_factory is default_session_factory:
                session = default_session_factory(self.scene.graph, self.scene.catalog, True)
            else:
                session = self.session_factory(self.scene.graph, self.scene.catalog)
            session.start()
        except Exception as exc:  # user graphs fail in many ways: report, never crash the UI
            log.info("run failed: %s", exc)
            self.failed.emit(f"Cannot run: {exc}")
            return False
        self._adopt(session)
        self.driver = SchedulerDriver(session.scheduler, parent=self)
        self.driver.start()
        self.watchdog = Watchdog(session.scheduler, limit=WATCHDOG_S).start()
        self._set_state("running")
        return True

    def open_run(self, run: Any) -> None:
        """Watch ``run``, a run not built here and not hosted by a driver (a recording being
        replayed, a program in another process): the same pump, model, badges and views."""
        self.stop()
        self._adopt(run)
        fileno = getattr(run, "fileno", None)
        if fileno is not None:  # a program elsewhere: read what arrives as it arrives
            self._notifier = QSocketNotifier(fileno(), QSocketNotifier.Type.Read, self)
            self._notifier.activated.connect(lambda *_: self._on_readable(run))
        local = getattr(run, "scheduler", None)
        if local is not None:
            self.aux_driver = SchedulerDriver(local, parent=self)
            self.aux_driver.start()
        subscribe = getattr(run, "subscribe", None)
        if subscribe is not None:
            self._unhook_watchers.append(subscribe(lambda kind, data: self.notice.emit(kind, data)))
        if run.state == "idle":
            run.start()
        self._set_state("running")

    def _on_readable(self, run: Any) -> None:
        run.on_readable()
        if self.pump is not None:
            self.pump.pump_soon()  # show what arrived now, not at the next frame

    def reattach(self) -> None:
        """The run started afresh with a new model (a replay sought backwards): follow it."""
        run = self.session
        if run is None:
            return
        self._follow_model(run)
        self._set_state(self.state)

    def _adopt(self, run: Any) -> None:
        """Follow ``run``: its events are pumped each frame and its model drives the badges."""
        self.session = run
        self._follow_model(run)
        self.pump = FramePump(run, parent=self)
        self.pump.pumped.connect(self._on_frame)
        self.pump.start()

    def _follow_model(self, run: Any) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        for unhook in self._unhook_watchers:
            unhook()
        self._reported.clear()
        self._unsubscribe = run.model.subscribe(self._on_changes)
        self._unhook_watchers = [
            run.stream.on_watcher_detached(self._on_watcher_detached),
            run.model.on_observer_detached(self._on_watcher_detached),
        ]
        debugger = getattr(run, "debugger", None)
        if debugger is not None:
            self._unhook_watchers.append(debugger.subscribe_hits(self._on_breakpoint))

    def pause(self, paused: bool = True) -> None:
        """Hold or resume the run (the scheduler here, or the run's own clock or process)."""
        if self.session is None:
            return
        if self.driver is not None:
            self.driver.pause(paused)
        (self.session.pause if paused else self.session.resume)()
        self._set_state("paused" if paused else "running")

    def _on_breakpoint(self, hit: Any) -> None:
        """A breakpoint stopped the run (inside a scheduler step): hold it there."""
        if self.driver is not None:
            self.driver.pause(True)
        self._set_state("paused")
        self.breakpoint_hit.emit(hit)

    def step_message(self) -> Any:
        """Move on exactly one delivery (pauses first); returns its event, or None."""
        if self.session is None or getattr(self.session, "debugger", None) is None:
            return None
        if self.state != "paused":
            self.pause(True)
        event = self.session.debugger.step_message()
        if self.pump is not None:
            self.pump.pump()
        return event

    def step(self) -> None:
        """Run one slice, or for a replay hand out one event (pauses first)."""
        if self.session is None:
            return
        if self.state != "paused":
            self.pause(True)
        if self.driver is not None:
            self.driver.step_once()
        else:
            self.session.step()
        if self.pump is not None:
            self.pump.pump()

    def stop(self) -> None:
        """Stop the run cleanly, stop the timers, leave final states on the nodes."""
        if self.session is None:
            return
        if self.pump is not None:
            self.pump.stop()
        if self.watchdog is not None:
            self.watchdog.stop()
            self.watchdog = None
        if self.driver is not None:
            self.driver.stop()
            self.driver.deleteLater()
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
            self._notifier = None
        if self.aux_driver is not None:
            self.aux_driver.stop()
            self.aux_driver.deleteLater()
            self.aux_driver = None
        try:
            self.session.stop()  # pumps what is left: the final states reach the model
            self._emit_output()
        finally:
            if self._unsubscribe is not None:
                self._unsubscribe()
                self._unsubscribe = None
            for unhook in self._unhook_watchers:
                unhook()
            self._unhook_watchers = []
            if self.pump is not None:
                self.pump.deleteLater()
            self.pump = None
            self.session = None
            self.driver = None
            self._set_state("stopped")

    def _on_watcher_detached(self, watcher: Callable[..., object], exc: Exception) -> None:
        text = (
            f"{callback_name(watcher)} stopped following the run after an error "
            f"({type(exc).__name__}: {exc}); stop and run again to restart it"
        )
        self.watcher_failed.emit(text, "".join(traceback.format_exception(exc)).rstrip())

    def reset_badges(self) -> None:
        """Back to the edit look: every node idle."""
        for item in self.scene.node_items():
            item.set_state("idle")

    def _mark_design_card(self, node_id: str, name: str, text: str) -> None:
        """Badge the design card a crashed component outside ``built.by_node`` was made from.

        Such a component is a per-connection copy of a ServerCore's protocol node (or of a
        member of a protocol Pipeline/Graphline): the model places it as an ``instance`` of its
        node, not as the node's own component, and the live view draws only the copies it can
        place (never the members of a compound protocol). The badge stays until the next run
        resets the cards.
        """
        item = self.scene.node_item(node_id) if node_id else None
        if isinstance(item, NodeItem):
            item.mark_crashed(name, text)
        elif isinstance(item, GroupItem):  # a copy of a whole protocol Pipeline crashed
            item.set_state("crashed", f"{name} crashed:\n{text}")

    def _set_state(self, state: str) -> None:
        self.state = state
        self.state_changed.emit(state)

    def _on_changes(self, changes: Changes) -> None:
        """Badges of the design nodes and crash reports, from what the model says changed."""
        if self.badges:
            for ent in changes.entity_added:
                if ent.has_node and not ent.ended:
                    self._badge(ent, "running")
            for cid, state in changes.state_changed.items():
                live = self.session.model.entities.get(cid) if self.session is not None else None
                if live is not None and live.has_node and not live.ended:
                    self._badge(live, state)
        for ent in changes.entity_ended:
            if self.badges and ent.has_node:
                self._badge(ent, ent.state, ent.traceback or None)
            if ent.state == "crashed" and ent.cid not in self._reported:
                self._reported.add(ent.cid)
                text = ent.traceback.rstrip()
                if ent.placement == "instance":
                    self._mark_design_card(ent.design_id or "", ent.name, text)
                design = ent.design_id if ent.has_node or ent.placement == "instance" else ""
                self.crashed.emit(design or "", ent.name, text)

    def _badge(self, ent: LiveEntity, state: str, detail: str | None = None) -> None:
        item = self.scene.node_item(ent.design_id) if ent.design_id else None
        if isinstance(item, NodeItem | GroupItem) and (
            item.state != state or item.detail != detail
        ):
            item.set_state(state, detail)

    def _emit_output(self) -> None:
        take = getattr(self.session, "take_output", None)
        lines = take() if take is not None else []
        if lines:
            self.output.emit(lines)

    def _on_frame(self, _count: int = 0) -> None:
        session = self.session
        if session is None:
            return
        self._emit_output()
        self.frame.emit(session)
        if getattr(session, "finished", False) and self.state == "running":
            self._set_state("finished")
