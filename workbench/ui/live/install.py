"""Adds the live view to the MainWindow: toolbar tools, the message log and timeline docks, and a
controller that follows the window's runs.

Sits on top of the window's RunController: when a run starts it makes a LiveController on the
window's scene and view and attaches the message log and the timeline (a tab beside the log) to
the run's event stream; when the run stops it tears them down. One SelectionHub keeps the
canvas, the log and the timeline on the same message or components. The toolbar gets
"Traffic: N clients" (a bounded loopback generator against the running server; it says "no
server" or "not listening", disabled with the reason in its tooltip, when there is nothing to
send to), "Tokens" (animation on/off, "animate selected links only") and the window's speed
slider also sets the tokens' slow motion.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QToolButton

from workbench.runtime.traffic import (
    TrafficError,
    TrafficGenerator,
    TrafficPlan,
    server_nodes,
)
from workbench.ui.live import readouts
from workbench.ui.live.controller import LiveController
from workbench.ui.live.debug_tools import DebugTools
from workbench.ui.live.log_dock import LogDock
from workbench.ui.live.selection import SelectionHub
from workbench.ui.live.timeline_dock import TimelineDock
from workbench.ui.live.timeline_view import default_title
from workbench.ui.panels.inspector import LiveInspector
from workbench.ui.theme import named

log = logging.getLogger(__name__)

CLIENT_CHOICES = (1, 3, 10, 50, 137, 500)
LOG_HEIGHT = 250
"""Default height of the message log dock (about six rows)."""


NO_SERVER_TIP = (
    "This graph has no TCP server to send traffic to (a ServerCore, SingleServer or TCPServer)"
)


def traffic_readiness(
    clients: int, running: bool, has_server: bool, ports: list[int]
) -> tuple[str, bool, str]:
    """What the Traffic button says, whether it can be pressed, and its tooltip (why not).

    Args:
        clients: the chosen number of clients.
        running: a run of the graph exists.
        has_server: the design holds a listening server (``server_nodes``).
        ports: the run's listening ports (empty when not running).
    """
    plural = "s" if clients != 1 else ""
    count = f"Traffic: {clients} client{plural}"
    if ports:
        return count, True, (f"Open {clients} loopback client{plural} to port {ports[0]}: "
                             "send lines, read the echoes, close (bounded)")  # fmt: skip
    if not has_server:
        return "Traffic: no server", False, NO_SERVER_TIP
    if not running:
        return count, False, "Run the graph first: traffic goes to its listening TCP server"
    return ("Traffic: not listening", False,
            "The graph's server is not listening (yet, or it failed: see the Log)")  # fmt: skip


def speed_of(slider_value: int) -> float:
    """The window's speed slider (0..100) as a speed factor (0.05..1), as the window computes it."""
    return 0.05 * (20 ** (slider_value / 100))


class LiveView(QObject):
    """The live mode of one MainWindow.

    Attributes:
        controller: the LiveController of the current run, or None.
        log_dock: the message log dock.
        timeline_dock: the timeline dock (a tab beside the log).
        selection: the hub keeping canvas, log and timeline on one selection.
        traffic: the running traffic generator, or None.
    """

    def __init__(self, window: Any) -> None:
        """Add the dock and the tools to ``window`` and follow its runs."""
        super().__init__(window)
        self.window = window
        self.controller: LiveController | None = None
        self.traffic: TrafficGenerator | None = None
        self.clients = 3
        self._listening = False
        self._has_server = False
        self._frames = 0
        self.log_dock = LogDock(window)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.log_dock)
        if getattr(window, "log", None) is not None:
            window.tabifyDockWidget(window.log, self.log_dock)
            self.log_dock.raise_()
        window.resizeDocks([self.log_dock], [LOG_HEIGHT], Qt.Orientation.Vertical)
        self.timeline_dock = TimelineDock(window)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.timeline_dock)
        window.tabifyDockWidget(self.log_dock, self.timeline_dock)
        self.log_dock.raise_()
        view_menu = getattr(window, "view_menu", None)
        if view_menu is not None:
            for dock in (self.log_dock, self.timeline_dock):
                view_menu.addAction(dock.toggleViewAction())
        self.selection = SelectionHub(self)
        self._leave_canvas: Callable[[], None] | None = None
        self._join_selection()
        self.inspector = LiveInspector()
        self.inspector.recent = self.log_dock.model.recent_into  # what waits in an inbox
        properties = getattr(window, "properties", None)
        if properties is not None:
            properties.setWindowTitle("Inspector")
            properties.set_extra(self.inspector)
        window.scene.selectionChanged.connect(self._on_selection)
        self._build_tools()
        self.debug = DebugTools(self)
        window.run.state_changed.connect(self._on_run_state)
        # the Traffic button follows the design (a server added, another document) and the
        # run (its server starts listening during its first slices)
        window.stack.indexChanged.connect(self._on_design_changed)
        window.docs.path_changed.connect(self._on_design_changed)
        window.run.frame.connect(self._on_frame)
        window.scene.theme_changed.connect(self._on_theme)
        slider = getattr(window, "speed_slider", None)
        if slider is not None:
            slider.valueChanged.connect(self._on_speed)
        self._on_theme()

    # -- toolbar ----------------------------------------------------------------------------
    def _build_tools(self) -> None:
        w = self.window
        bar = w.toolbar
        anchor = getattr(w, "live_tools_anchor", None)
        self.traffic_button = named(QToolButton(), "trafficButton")
        self.traffic_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.traffic_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.traffic_action = QAction("Traffic: 3 clients", self)
        # triggered(bool) would pass its checked flag as the client count
        self.traffic_action.triggered.connect(lambda _checked=False: self.start_traffic())
        self.traffic_button.setDefaultAction(self.traffic_action)
        menu = QMenu(self.traffic_button)
        group = QActionGroup(menu)
        for n in CLIENT_CHOICES:
            act = menu.addAction(f"{n} client{'s' if n > 1 else ''}")
            act.setCheckable(True)
            act.setChecked(n == self.clients)
            group.addAction(act)
            act.triggered.connect(lambda _c=False, n=n: self.set_clients(n))
        menu.addSeparator()
        menu.addAction("Stop traffic", self.stop_traffic)
        self.traffic_button.setMenu(menu)
        self.tokens_action = QAction("Tokens", self, checkable=True, checked=True)
        self.tokens_action.setToolTip("Animate messages as tokens on the links")
        self.tokens_action.toggled.connect(self._on_tokens)
        self.selected_only_action = QAction("Animate selected links only", self, checkable=True)
        self.selected_only_action.toggled.connect(self._on_selected_only)
        self.tokens_button = named(QToolButton(), "tokensButton")
        self.tokens_button.setDefaultAction(self.tokens_action)
        self.tokens_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.tokens_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        tokens_menu = QMenu(self.tokens_button)
        tokens_menu.addAction(self.selected_only_action)
        self.tokens_button.setMenu(tokens_menu)
        for name, action in (("traffic", self.traffic_action), ("tokens", self.tokens_action)):
            try:
                from workbench.ui.theme import icon

                action.setIcon(icon(name))
            except OSError:
                log.debug("no icon for %s", name)
        if anchor is not None:
            self.traffic_tool = bar.insertWidget(anchor, self.traffic_button)
            bar.insertWidget(anchor, self.tokens_button)
        else:
            self.traffic_tool = bar.addWidget(self.traffic_button)
            bar.addWidget(self.tokens_button)
        self._update_tools()

    def set_clients(self, n: int) -> None:
        """How many clients the Traffic button opens.

        Raises:
            ValueError: ``n`` is not a whole number of at least 1.
        """
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"the client count must be a positive whole number, not {n!r}")
        self.clients = n
        self._update_tools()

    def _update_tools(self) -> None:
        session = self.window.run.session
        ports = listening_ports(session.model) if session is not None else []
        self._listening = bool(ports)
        self._has_server = bool(ports) or bool(server_nodes(self.window.graph, self.window.catalog))
        text, enabled, tip = traffic_readiness(
            self.clients, session is not None, self._has_server, ports
        )
        self.traffic_action.setText(text)
        self.traffic_action.setEnabled(enabled)
        self.traffic_action.setToolTip(repr(self.traffic) if self.traffic is not None else tip)
        self.traffic_button.setToolTip(self.traffic_action.toolTip())
        mode = self.controller.mode if self.controller is not None else "tokens"
        self.tokens_action.setText("Tokens (auto-off)" if mode == "high-rate" else "Tokens")

    def _on_design_changed(self, *_args: Any) -> None:
        self._update_tools()

    def _on_frame(self, _session: Any) -> None:
        """Until the run's server listens, look again (every frame for a design server, a few
        times a second for a graph without one, as a program may start one late)."""
        if self._listening:
            return
        self._frames += 1
        if self._has_server or self._frames % 10 == 0:
            self._update_tools()

    # -- runs -------------------------------------------------------------------------------
    def _on_run_state(self, state: str) -> None:
        session = self.window.run.session
        if state in ("running", "paused", "finished") and session is not None:
            if (
                self.controller is None
                or self.controller.run is not session
                or self.controller.model is not session.model  # a replay started afresh
            ):
                self._attach(session)
        elif state in ("stopped", "idle"):
            self._detach()
        self._update_tools()

    def _attach(self, session: Any) -> None:
        self._detach()
        w = self.window
        self.controller = LiveController(
            w.scene,
            session,
            w.view,
            traffic_ports=lambda: self.traffic.local_ports() if self.traffic else set(),
            design_badges=False,
            pump=w.run.pump,
        )
        self.controller.mode_changed.connect(lambda _m: self._update_tools())
        self.controller.crash_selected.connect(self._on_crash_selected)
        ctl = self.controller
        self._leave_canvas = self.selection.join("canvas", on_event=ctl.select_event)
        ctl.canvas_selected.connect(lambda cids: self.selection.select_components(cids, "canvas"))
        self.controller.set_tokens_enabled(self.tokens_action.isChecked())
        self.controller.set_selected_only(self.selected_only_action.isChecked())
        slider = getattr(w, "speed_slider", None)
        if slider is not None:
            self.controller.set_speed(speed_of(slider.value()))
        self.log_dock.clear()
        self.log_dock.attach(session.stream, self.controller.describe)
        self.timeline_dock.set_titles(lambda line: lifeline_title(ctl, line))
        self.timeline_dock.attach(session, self.controller.describe)
        self.controller.start()
        self.inspector.attach(self.controller)
        self._on_selection()

    def _detach(self) -> None:
        self.stop_traffic()
        self.log_dock.detach()
        self.timeline_dock.detach()
        self.inspector.detach()
        if self._leave_canvas is not None:
            self._leave_canvas()
            self._leave_canvas = None
        if self.controller is not None:
            self.controller.close()
            self.controller.deleteLater()
            self.controller = None

    # -- traffic ----------------------------------------------------------------------------
    def start_traffic(self, clients: int | None = None) -> TrafficGenerator | None:
        """Open ``clients`` (default: the menu's choice) loopback clients to the running
        server's first listening port; None (and a status message) when there is none yet."""
        if clients is not None:
            self.set_clients(clients)
        session = self.window.run.session
        if session is None:
            self.window.show_status("Run the graph first: traffic needs a listening server")
            return None
        ports = listening_ports(session.model)
        if not ports:
            self.window.show_status("No listening TCP server in this graph", error=True)
            return None
        self.stop_traffic()
        plan = TrafficPlan(clients=self.clients, lines=6, rate=1.5, connect_rate=8, hold=2.0,
                           duration=120.0)  # fmt: skip
        try:
            self.traffic = TrafficGenerator(
                session.scheduler, ports[0], plan=plan, on_done=lambda _g: self._update_tools()
            ).start()
        except TrafficError as exc:
            self.window.show_status(str(exc), error=True)
            return None
        self.window.show_status(f"Traffic: {self.clients} loopback clients to port {ports[0]}")
        self._update_tools()
        return self.traffic

    def stop_traffic(self) -> None:
        """Close the generator's clients now."""
        if self.traffic is not None:
            self.traffic.stop()
            self.traffic = None
        self._update_tools()

    # -- settings ---------------------------------------------------------------------------
    def _on_tokens(self, on: bool) -> None:
        if self.controller is not None:
            self.controller.set_tokens_enabled(on)

    def _on_selected_only(self, on: bool) -> None:
        if self.controller is not None:
            self.controller.set_selected_only(on)

    def _on_speed(self, value: int) -> None:
        if self.controller is not None:
            self.controller.set_speed(speed_of(value))

    def _join_selection(self) -> None:
        """The log and the timeline take part in the one selection (the canvas joins per run)."""
        hub, log_dock, timeline = self.selection, self.log_dock, self.timeline_dock
        hub.join("log", on_event=lambda ev: log_dock.select_seq(ev.seq),
                 on_components=log_dock.reveal)  # fmt: skip
        hub.join("timeline", on_event=lambda ev: timeline.select_seq(ev.seq),
                 on_components=timeline.highlight)  # fmt: skip
        log_dock.row_activated.connect(lambda row: hub.select_event(row, "log"))
        timeline.message_selected.connect(lambda ev: hub.select_event(ev, "timeline"))
        timeline.lifeline_selected.connect(lambda cids: hub.select_components(cids, "timeline"))

    def _on_theme(self) -> None:
        self.log_dock.set_theme(self.window.scene.theme)
        self.timeline_dock.set_theme(self.window.scene.theme)
        self.inspector.set_theme(self.window.scene.theme)

    def _on_selection(self) -> None:
        """Inspect the one selected card (or group) while live."""
        if self.controller is None:
            return
        picked = [i for i in self.window.scene.selectedItems() if hasattr(i, "ports")]
        item = picked[0] if len(picked) == 1 else None
        self.inspector.show_item(item)
        hint = getattr(self.window.properties, "hint", None)
        if hint is not None:
            try:
                hint.setVisible(item is None)
            except RuntimeError:  # the form was rebuilt since
                pass

    def _on_crash_selected(self, title: str, traceback: str) -> None:
        last = traceback.strip().splitlines()[-1] if traceback.strip() else "crashed"
        self.window.show_status(f"{title} crashed: {last}", error=True)


def listening_ports(model: Any) -> list[int]:
    """The ports the live model's servers listen on, as the events announced them."""
    ports = []
    for address in model.listening():
        try:
            ports.append(int(address.rsplit(":", 1)[-1]))
        except ValueError:
            log.debug("not a host:port address: %r", address)
    return ports


def lifeline_title(ctl: LiveController, line: Any) -> tuple[str, str]:
    """A lifeline's header as the canvas names it: design nodes by their title."""
    _plain, sub = default_title(line)
    return readouts.label(ctl, line.cid, line.name, ""), sub


def install_live_view(window: Any) -> LiveView:
    """Give ``window`` (a MainWindow) its live mode; returns the LiveView (keep a reference)."""
    return LiveView(window)
