"""Runs the edited graph from the window: a runtime Session hosted by the Qt driver, with badges.

Run builds a Session through the window's ``session_factory`` and hosts its scheduler with a
:class:`SchedulerDriver`; a frame timer (only while a session exists) pumps the session's event
stream and sets each node's run state on the canvas. Crashes go to the log with their traceback.
The live view (issue 7) subscribes to ``frame`` to draw traffic from the same pump.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from workbench.model import Catalog, Graph
from workbench.ui.canvas.group_item import GroupItem
from workbench.ui.canvas.node_item import NodeItem
from workbench.ui.canvas.scene import GraphScene
from workbench.ui.driver import SchedulerDriver

log = logging.getLogger(__name__)

SessionFactory = Callable[[Graph, Catalog], Any]
"""Returns an object with the ``workbench.runtime.Session`` interface (start/stop/pause/...)."""

CORE_TO_NODE_STATE = {
    "created": "idle",
    "runnable": "running",
    "running": "running",
    "waiting": "waiting",
    "finished": "finished",
    "crashed": "crashed",
}
FRAME_MS = 33


def default_session_factory(graph: Graph, catalog: Catalog, allow_code: bool = False) -> Any:
    """A ``workbench.runtime.Session`` for ``graph`` (``allow_code``: the user trusts it)."""
    from workbench.runtime.session import Session

    return Session(graph, catalog, allow_code=allow_code)


class RunController(QObject):
    """Starts, pauses, steps and stops runs of the scene's graph.

    Attributes:
        session: the running session, or None.
        driver: the SchedulerDriver hosting it, or None.
    """

    state_changed = Signal(str)  #: "idle", "running", "paused", "stopped", "finished"
    crashed = Signal(str, str, str)  #: (node id or "", component name, traceback)
    failed = Signal(str)  #: the graph could not be built / started
    frame = Signal(object)  #: the session, after each pump (≈30 Hz while running)

    def __init__(
        self, scene: GraphScene, session_factory: SessionFactory | None = None, parent=None
    ) -> None:
        """Bind to ``scene`` (its graph and catalog)."""
        super().__init__(parent)
        self.scene = scene
        self.session_factory = session_factory or default_session_factory
        self.allow_code = False
        """The user trusts the open graph's ``$code`` values (set by the window, per document)."""
        self.session: Any = None
        self.driver: SchedulerDriver | None = None
        self.state = "idle"
        self.badges = True
        """Set design nodes' run states each frame; the live view may turn this off."""
        self._reported: set[int] = set()
        self._frame_timer = QTimer(self, interval=FRAME_MS)
        self._frame_timer.timeout.connect(self._on_frame)

    @property
    def running(self) -> bool:
        """True while a session exists (running or paused)."""
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
        self.session = session
        self._reported.clear()
        self.driver = SchedulerDriver(session.scheduler, parent=self)
        self.driver.start()
        self._frame_timer.start()
        self._set_state("running")
        return True

    def pause(self, paused: bool = True) -> None:
        """Hold or resume the scheduler."""
        if self.driver is None:
            return
        self.driver.pause(paused)
        (self.session.pause if paused else self.session.resume)()
        self._set_state("paused" if paused else "running")

    def step(self) -> None:
        """Run one slice (pauses first)."""
        if self.driver is None:
            return
        if self.state != "paused":
            self.pause(True)
        self.driver.step_once()
        self._on_frame()

    def stop(self) -> None:
        """Stop the session cleanly, stop the timers, leave final states on the nodes."""
        if self.session is None:
            return
        self._frame_timer.stop()
        if self.driver is not None:
            self.driver.stop()
            self.driver.deleteLater()
        try:
            self.session.stop()
        finally:
            self._on_frame(final=True)
            self.session = None
            self.driver = None
            self._set_state("stopped")

    def reset_badges(self) -> None:
        """Back to the edit look: every node idle."""
        for item in self.scene.node_items():
            item.set_state("idle")

    def _mark_design_card(self, node_id: str, comp: Any, text: str) -> None:
        """Badge the design card a crashed component outside ``built.by_node`` was made from.

        Such a component is a per-connection copy of a ServerCore's protocol node (or of a
        member of a protocol Pipeline/Graphline): it carries its node's ``design_id`` but is no
        built design component, so the state loop above never reaches its card, and the live
        view draws only the copies it can place (never the members of a compound protocol).
        The badge stays until the next run resets the cards.
        """
        item = self.scene.node_item(node_id) if node_id else None
        if isinstance(item, NodeItem):
            item.mark_crashed(comp.name, text)
        elif isinstance(item, GroupItem):  # a copy of a whole protocol Pipeline crashed
            item.set_state("crashed", f"{comp.name} crashed:\n{text}")

    def _set_state(self, state: str) -> None:
        self.state = state
        self.state_changed.emit(state)

    def _on_frame(self, final: bool = False) -> None:
        session = self.session
        if session is None:
            return
        if not final:
            session.events.pump()
        built = session.built
        by_node = built.by_node if built is not None and self.badges else {}
        for node_id, comp in by_node.items():
            item = self.scene.node_item(node_id)
            state = CORE_TO_NODE_STATE.get(comp.state, "idle")
            if isinstance(item, NodeItem | GroupItem) and (
                item.state != state or state == "crashed"
            ):
                detail = None
                if state == "crashed" and comp.crash is not None:
                    detail = "".join(traceback.format_exception(comp.crash)).rstrip()
                if item.state != state or item.detail != detail:
                    item.set_state(state, detail)
            if state == "crashed" and comp.cid not in self._reported:
                self._reported.add(comp.cid)
                text = getattr(item, "detail", None) or ""
                self.crashed.emit(node_id, comp.name, text)
        for comp, exc in list(getattr(session, "crashes", [])):
            if comp.cid not in self._reported:
                self._reported.add(comp.cid)
                text = "".join(traceback.format_exception(exc)).rstrip()
                node_id = getattr(comp, "design_id", "") or ""
                self._mark_design_card(node_id, comp, text)
                self.crashed.emit(node_id, comp.name, text)
        self.frame.emit(session)
        if not final and getattr(session, "finished", False) and self.state == "running":
            self._set_state("finished")
