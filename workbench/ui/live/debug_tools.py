"""Stopping at the right moment, in the window: breakpoints, Step Message, and what a hit shows.

Installed by the LiveView. It adds the Step Message action (F11) beside Step, a right-click
menu on the live canvas's links and inboxes ("Break on messages here", by type, when the value
contains a text, "Run to the next message here", "Watch"), and the Breakpoints dock listing
them. Breakpoints are set on the run's Debugger (``workbench.runtime.debugging``), so they stop
the engine itself; when one hits, the run pauses and the link it was on is highlighted, its log
row selected and the status bar says what stopped and that the OS keeps buffering socket data
while paused.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QInputDialog, QMenu

from workbench.runtime.debugging import BreakSpec
from workbench.ui.canvas.link_item import LinkItem
from workbench.ui.canvas.port_item import PortItem
from workbench.ui.live.breakpoints_dock import BreakpointsDock
from workbench.ui.live.watch_item import WatchCallout
from workbench.ui.toolbar import menu_named

log = logging.getLogger(__name__)

BUFFERING_NOTE = "while paused, the OS keeps buffering socket data"
COMMON_TYPES = ("newCSA", "shutdownCSA", "socketShutdown", "producerFinished", "bytes")


class DebugTools(QObject):
    """The window's debugging tools for in-process runs.

    Args:
        live: The window's LiveView (its controller, log dock, window).
    """

    def __init__(self, live: Any) -> None:
        super().__init__(live)
        self.live = live
        window = live.window
        self.window = window
        self.watches: dict[LinkItem, WatchCallout] = {}
        self.dock = BreakpointsDock(window)
        self.dock.hide()  # a child of the window: shown (and docked) when first wanted
        self._docked = False
        self.dock.removed.connect(self._remove)
        self.dock.toggled_on.connect(self._toggle)
        self.dock.clear_requested.connect(self.clear)
        self.step_message_action = QAction("Step &Message", window)
        self.step_message_action.setShortcut(QKeySequence("F11"))
        self.step_message_action.setToolTip("Deliver exactly one more message, then pause (F11)")
        self.step_message_action.setData("step")
        self.step_message_action.triggered.connect(self.step_message)
        self._place_actions()
        window.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        window.view.customContextMenuRequested.connect(self._context_menu)
        window.run.breakpoint_hit.connect(self._on_hit)
        window.run.state_changed.connect(self._on_state)

    def _place_actions(self) -> None:
        w = self.window
        acts = getattr(w, "actions_", {})
        acts["step_message"] = self.step_message_action
        stop = acts.get("stop")
        bar = getattr(w, "toolbar", None)
        if bar is not None and stop is not None:
            bar.insertAction(stop, self.step_message_action)
        run_menu, view_menu = menu_named(w, "Run"), menu_named(w, "View")
        if run_menu is not None and stop is not None:
            run_menu.insertAction(stop, self.step_message_action)
        if view_menu is not None:
            show = view_menu.addAction("&Breakpoints")
            show.triggered.connect(self.show_dock)

    def show_dock(self) -> None:
        """Show the Breakpoints dock (a tab beside the Inspector the first time)."""
        w = self.window
        if not self._docked:
            self._docked = True
            w.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
            properties = getattr(w, "properties", None)
            if properties is not None and properties.isVisible():
                w.tabifyDockWidget(properties, self.dock)
        self.dock.show()
        self.dock.raise_()

    # -- the run ----------------------------------------------------------------------------
    @property
    def debugger(self) -> Any:
        """The current run's Debugger, or None (no run, or a run that cannot be stopped)."""
        return getattr(self.window.run.session, "debugger", None)

    def _on_state(self, state: str) -> None:
        if state in ("stopped", "idle"):
            for callout in self.watches.values():
                callout.detach()
            self.watches.clear()
        self.dock.set_specs(list(self.debugger.specs) if self.debugger is not None else [])

    def add(self, spec: BreakSpec) -> BreakSpec | None:
        """Set ``spec`` on the current run; None (and a status message) when impossible."""
        debugger = self.debugger
        if debugger is None:
            self.window.show_status("Run the graph first: breakpoints stop a running system")
            return None
        try:
            debugger.add(spec)
        except (ValueError, RuntimeError) as exc:
            self.window.show_status(f"Cannot set that breakpoint: {exc}", error=True)
            return None
        self.dock.set_specs(list(debugger.specs))
        self.show_dock()
        self.window.show_status(f"Breakpoint set: {spec.label}")
        return spec

    def _remove(self, spec: BreakSpec) -> None:
        if self.debugger is not None:
            self.debugger.remove(spec)
            self.dock.set_specs(list(self.debugger.specs))

    def _toggle(self, spec: BreakSpec, on: bool) -> None:
        if spec.core is not None:
            spec.core.enabled = on

    def clear(self) -> None:
        """Remove every breakpoint of the run."""
        if self.debugger is not None:
            self.debugger.clear()
            self.dock.set_specs([])

    def step_message(self) -> None:
        """Deliver exactly one more message (pausing first), and show which."""
        run = self.window.run
        if run.session is None:
            return
        event = run.step_message()
        ctl = self.live.controller
        if event is None:
            self.window.show_status(
                "Nothing to deliver now: every component waits for a message, a socket or a timer"
            )
            return
        self.live.selection.select_event(event, "debugger")  # canvas, log and timeline
        where = ctl.describe(event) if ctl is not None else (event.name, event.sink_name, "")
        self.window.show_status(
            f"Stepped: {event.msg_type} {where[0]} → {where[1]} · paused ({BUFFERING_NOTE})"
        )

    def _on_hit(self, hit: Any) -> None:
        # Told inside the scheduler's step (the run is already held): show it once the step
        # has returned and the events up to the hit have reached the views.
        QTimer.singleShot(0, lambda: self._show_hit(hit))

    def _show_hit(self, hit: Any) -> None:
        pump = self.window.run.pump
        if pump is not None:
            pump.pump()
        event = hit.event
        self.dock.set_specs(list(self.debugger.specs) if self.debugger is not None else [])
        self.dock.mark_hit(hit.breakpoint)
        if event is not None:
            self.live.log_dock.flush()
            self.live.log_dock.model.include(event)  # even when a busy log sampled it out
            self.live.selection.select_event(event, "debugger")  # canvas, log and timeline
        what = f"{event.msg_type} {event.value}" if event is not None else ""
        self.window.show_status(
            f"Stopped at breakpoint “{hit.breakpoint.label}”: {what} · {BUFFERING_NOTE}"
        )

    # -- the canvas's menu ------------------------------------------------------------------
    def _context_menu(self, pos: QPoint) -> None:
        menu = self.menu_at(pos)
        if menu is not None:
            menu.exec(self.window.view.viewport().mapToGlobal(pos))

    def menu_at(self, pos: QPoint) -> QMenu | None:
        """The menu for what is under viewport position ``pos`` (None: nothing to offer)."""
        ctl = self.live.controller
        if ctl is None or self.debugger is None:
            return None
        view = self.window.view
        for item in view.items(pos):
            if isinstance(item, LinkItem):
                return self._link_menu(item)
            if isinstance(item, PortItem) and item.box.is_inbox:
                return self._box_menu(item)
        return None

    def _link_menu(self, link: LinkItem) -> QMenu | None:
        ctl = self.live.controller
        disp = ctl.links.by_item.get(link)
        members = sorted(disp.members) if disp is not None else []
        if not members:
            return None
        key = members[0]
        menu = QMenu(self.window.view)
        menu.addAction("Break on messages here", lambda: self.add(BreakSpec(link=key)))
        by_type = menu.addMenu("Break on type")
        seen = [disp.last_type] if disp.last_type else []
        for msg_type in dict.fromkeys([*seen, *COMMON_TYPES]):

            def break_on_link(t: str = msg_type) -> None:
                self.add(BreakSpec(link=key, msg_type=t))

            by_type.addAction(msg_type, break_on_link)
        menu.addAction("Break when the value contains…", lambda: self._ask_contains(key))
        menu.addAction("Break when the value is longer than…", lambda: self._ask_longer(key))
        menu.addAction(
            "Run to the next message here", lambda: self._run_to(BreakSpec(link=key, once=True))
        )
        menu.addSeparator()
        watch = menu.addAction("Watch this link (last messages in place)")
        watch.setCheckable(True)
        watch.setChecked(link in self.watches)
        watch.toggled.connect(lambda on: self.watch(link, on))
        return menu

    def _box_menu(self, port: PortItem) -> QMenu | None:
        cid = getattr(port.shown_owner(), "cid", None) or self._design_cid(port)
        if not cid:
            return None
        menu = QMenu(self.window.view)
        box = (cid, port.name)
        menu.addAction(f"Break on messages into {port.name}", lambda: self.add(BreakSpec(box=box)))
        by_type = menu.addMenu("Break on type")
        for msg_type in COMMON_TYPES:

            def break_on_box(t: str = msg_type) -> None:
                self.add(BreakSpec(box=box, msg_type=t))

            by_type.addAction(msg_type, break_on_box)
        return menu

    def _design_cid(self, port: PortItem) -> int:
        ctl = self.live.controller
        return ctl.by_design.get(getattr(port.owner, "node_id", ""), 0) if ctl is not None else 0

    def _ask_contains(self, key: Any) -> None:
        text, ok = QInputDialog.getText(
            self.window, "Break when the value contains", "Text in the message:"
        )
        if ok and text:
            self.add(BreakSpec(link=key, contains=text))

    def _ask_longer(self, key: Any) -> None:
        size, ok = QInputDialog.getInt(
            self.window, "Break when the value is longer than", "Length (bytes or characters):",
            1024, 0, 1 << 30,
        )  # fmt: skip
        if ok:
            self.add(BreakSpec(link=key, longer_than=size))

    def _run_to(self, spec: BreakSpec) -> None:
        if self.add(spec) is not None and self.window.run.state == "paused":
            self.window.toggle_pause(False)

    # -- watchpoints ------------------------------------------------------------------------
    def watch(self, link: LinkItem, on: bool = True) -> WatchCallout | None:
        """Show (or stop showing) the last few messages of ``link`` beside it."""
        ctl = self.live.controller
        if not on:
            callout = self.watches.pop(link, None)
            if callout is not None:
                callout.detach()
            return None
        if link in self.watches or ctl is None:
            return self.watches.get(link)
        callout = WatchCallout(link, ctl)
        self.watches[link] = callout
        return callout
