"""The window's Run menu and toolbar: run, pause, step, stop, the speed and the Edit/Live switch.

Sits between the run controls and the RunController, which owns the run: here the window asks
for trust before code runs, logs what it runs, and shows the run's state on its actions, the
Edit/Live switch, the run state label and the panels that are read-only while live.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workbench.ui.main_window import MainWindow

TIMES = "\u00d7"
LIVE_STATES = ("running", "paused", "finished")
STATE_LABELS = {"running": "RUNNING", "paused": "PAUSED", "finished": "FINISHED"}


class RunActions:
    """What the run controls do, and how the window shows the run's state.

    Args:
        window: The MainWindow (its ``run``, actions and labels).
    """

    def __init__(self, window: MainWindow) -> None:
        self.window = window

    def run_graph(self) -> None:
        """Run (or resume) the graph."""
        w = self.window
        if w.run.running:
            w.run.pause(False)
            return
        w.run.reset_badges()
        if not w.confirm_trust():
            return
        if w.run.start():
            w.log.append(f"Running {w.docs.display_name()}")

    def toggle_pause(self, paused: bool) -> None:
        """Pause / resume."""
        self.window.run.pause(paused)

    def step_graph(self) -> None:
        """Run one slice (starting paused when not running)."""
        run = self.window.run
        if not run.running and not run.start():
            return
        run.step()

    def stop_graph(self) -> None:
        """Stop the run."""
        self.window.run.stop()

    def on_speed_changed(self, value: int) -> None:
        """Slider 0..100 -> speed 0.05x..1x; slower runs space scheduler slices apart."""
        w = self.window
        speed = 0.05 * (20 ** (value / 100))
        text = f"1{TIMES} real time" if value >= 100 else f"{speed:.2f}{TIMES} slow-mo"
        w.speed_label.setText(text)
        if w.run.driver is not None:
            w.run.driver.set_slice_interval(0 if value >= 100 else int(16 / speed))

    def on_mode_clicked(self, mode: int) -> None:
        """Edit (0) / Live (1) switch: Live runs the graph, Edit stops it."""
        w = self.window
        if mode == 1 and not w.run.running:
            w.run_graph()
        elif mode == 0 and w.run.running:
            w.stop_graph()
        self._check_mode(w.run.running)

    def show_state(self, state: str) -> None:
        """Enable the run actions that apply in ``state``; show it on the switch and labels."""
        w = self.window
        live = state in LIVE_STATES
        acts = w.actions_
        acts["run"].setEnabled(state != "running")
        acts["pause"].setEnabled(live)
        acts["pause"].setChecked(state == "paused")
        acts["step"].setEnabled(state != "finished")
        acts["stop"].setEnabled(live)
        self._check_mode(live)
        w.properties.set_read_only(live)
        w.palette_dock.set_read_only(live)
        w.run_state_label.setText(f"\u25cf {STATE_LABELS.get(state, 'EDITING')}")
        theme = w.scene.theme
        color = {"running": theme.new, "paused": theme.control}.get(state, theme.muted)
        w.run_state_label.setStyleSheet(f"color: {color.name()};")
        w.chrome.on_run_state(state)

    def _check_mode(self, live: bool) -> None:
        self.window.mode_group.button(1 if live else 0).setChecked(True)

    def on_crash(self, node_id: str, name: str, text: str) -> None:
        """A component of the run crashed: log its traceback, say so in the status bar."""
        self.window.log.append_crash(node_id or None, name, text)
        self.window.show_status(f"{name} crashed \u2014 see the log", error=True)
