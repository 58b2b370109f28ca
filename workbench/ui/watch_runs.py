"""Watching runs the window did not build: recordings replayed, and recording the run it watches.

Installed by the MainWindow. File > Open Recording… (or ``kamaelia-workbench recording.jsonl``)
replays a recording: the window shows the graph that was run (kept in the recording), or, for a
program, grows one from the events (``ProgramGraph``), and hands the ``Replay`` to the
RunController, so the canvas, the log, the inspector and the timeline follow it exactly as they
follow a live run. A replay bar in the toolbar scrubs and sets the speed; Pause, Step and Stop
work as for a run. Run > Record… writes the events of the run being watched to a recording.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QToolBar,
    QWidget,
)

from workbench.model.graph import Graph
from workbench.model.io import GraphFileError, data_to_graph, graph_to_data
from workbench.runtime.builder import templates_of
from workbench.runtime.program_graph import ProgramGraph
from workbench.runtime.recorder import Recorder, RecordingError
from workbench.runtime.replay import SPEEDS, Replay
from workbench.ui.theme import named
from workbench.ui.toolbar import first_submenu, insert_action, menu_named

log = logging.getLogger(__name__)

RECORDING_FILTER = "Kamaelia recordings (*.jsonl);;All files (*)"
SLIDER_STEPS = 1000
REFRESH_MS = 100
FIT_AFTER_MS = 400


def fmt_clock(seconds: float) -> str:
    """ "01:02.3" for 62.3 seconds."""
    minutes, rest = divmod(max(0.0, seconds), 60)
    return f"{int(minutes):02d}:{rest:04.1f}"


class ReplayBar(QWidget):
    """Position slider, time and speed of the replay being watched."""

    def __init__(self, watcher: WatchRuns) -> None:
        super().__init__()
        self.setObjectName("replayBar")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.watcher = watcher
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 0)
        layout.addWidget(named(QLabel("Replay"), "mutedLabel"))
        self.slider = named(QSlider(Qt.Orientation.Horizontal), "replaySlider")
        self.slider.setRange(0, SLIDER_STEPS)
        self.slider.setMinimumWidth(240)  # the row is the replay's own: the slider takes it
        self.slider.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.slider.sliderReleased.connect(self._seek)
        layout.addWidget(self.slider)
        self.clock = named(QLabel("00:00.0 / 00:00.0"), "runStateLabel")
        layout.addWidget(self.clock)
        self.speed = named(QComboBox(), "replaySpeed")
        for speed in SPEEDS:
            self.speed.addItem(f"{speed:g}\u00d7", speed)
        self.speed.setCurrentIndex(SPEEDS.index(1.0))
        self.speed.currentIndexChanged.connect(self._speed)
        layout.addWidget(self.speed)
        self._timer = QTimer(self, interval=REFRESH_MS)
        self._timer.timeout.connect(self.refresh)

    def follow(self, on: bool) -> None:
        """Show and follow the replay (or hide)."""
        self.setVisible(on)
        if on:
            self._timer.start()
            self.refresh()
        else:
            self._timer.stop()

    def refresh(self) -> None:
        """Move the slider and the clock to the replay's position."""
        replay = self.watcher.replay
        if replay is None:
            return
        duration = replay.duration
        if not self.slider.isSliderDown():
            fraction = replay.position / duration if duration > 0 else 1.0
            self.slider.setValue(round(fraction * SLIDER_STEPS))
        self.clock.setText(f"{fmt_clock(replay.position)} / {fmt_clock(duration)}")

    def _seek(self) -> None:
        replay = self.watcher.replay
        if replay is not None:
            self.watcher.seek(self.slider.value() / SLIDER_STEPS * replay.duration)

    def _speed(self, index: int) -> None:
        replay = self.watcher.replay
        if replay is not None:
            replay.set_speed(float(self.speed.itemData(index)))


class WatchRuns(QObject):
    """The window's recordings: replay one, record the run being watched.

    Args:
        window: The MainWindow.
    """

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.replay: Replay | None = None
        self.recorder: Recorder | None = None
        self.program: ProgramGraph | None = None
        self.record_path_answer: str | None = None
        """Tests answer the save dialog of Record… with this path."""
        self.bar = ReplayBar(self)
        # a row of its own under the main toolbar: in the main row the slider pushed zoom,
        # fit and the run state out of sight on any screen narrower than about 1,600 px
        self.toolbar = QToolBar("Replay", window)
        self.toolbar.setObjectName("ReplayToolBar")
        self.toolbar.setMovable(False)
        self.toolbar.addWidget(self.bar)
        window.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)
        self.show_bar(False)
        self.open_action = QAction("Open &Recording…", window)
        self.open_action.triggered.connect(lambda: self.open_recording())
        self.record_action = QAction("&Record…", window, checkable=True)
        self.record_action.setToolTip("Write every event of the run being watched to a file")
        self.record_action.toggled.connect(self._on_record)
        self._place_actions()
        window.run.state_changed.connect(self._on_state)

    def _place_actions(self) -> None:
        file_menu, run_menu = menu_named(self.window, "File"), menu_named(self.window, "Run")
        if file_menu is not None:
            insert_action(file_menu, first_submenu(file_menu), self.open_action)
        if run_menu is not None:
            run_menu.addSeparator()
            run_menu.addAction(self.record_action)
        self.window.actions_["open_recording"] = self.open_action
        self.window.actions_["record"] = self.record_action

    def show_bar(self, on: bool) -> None:
        """Show the replay bar (its own toolbar row) while a recording is replayed."""
        self.toolbar.setVisible(on)
        traffic = getattr(getattr(self.window, "live", None), "traffic_tool", None)
        if traffic is not None:  # a recording has no server to send traffic to
            traffic.setVisible(not on)
        self.bar.follow(on)

    # -- replay -----------------------------------------------------------------------------
    def open_recording(self, path: str | None = None, asked: bool = False) -> bool:
        """Replay the recording at ``path`` (asks for one when None); False when it can't.

        ``asked``: the user already said what becomes of unsaved changes (File > Open).
        """
        w = self.window
        if path is None:
            path, _ = QFileDialog.getOpenFileName(w, "Open recording", "", RECORDING_FILTER)
            if not path:
                return False
        if not asked and not w.maybe_save():
            return False
        try:
            replay = Replay(path)
        except (RecordingError, OSError) as exc:
            w.show_status(f"Cannot open the recording: {exc}", error=True)
            return False
        w.stop_graph()
        w.docs.watch(f"{Path(path).name} (recording)")
        self._show_graph_of(replay)
        self.replay = replay
        w.run.open_run(replay)
        QTimer.singleShot(FIT_AFTER_MS, w, w.view.fit_all)  # once the first events drew it
        self.show_bar(True)
        w.show_status(
            f"Replaying {replay.title}: {len(replay.recorded):,} events over "
            f"{fmt_clock(replay.duration)} (Pause, Step and the slider move through it)"
        )
        return True

    def _show_graph_of(self, replay: Replay) -> None:
        """The graph the recording was made of; else one grown from its events (a program)."""
        w = self.window
        self.program = None
        data = replay.graph_data
        if data is not None:
            try:
                graph = data_to_graph(data, w.catalog)
            except GraphFileError as exc:
                w.show_status(f"The recorded graph cannot be drawn ({exc}); drawn from events")
            else:
                w.graph.replace_with(graph)
                replay.model.templates.update(templates_of(graph))
                return
        w.graph.replace_with(Graph())
        self._grow_program(replay)

    def _grow_program(self, replay: Replay) -> None:
        program = ProgramGraph(self.window.graph, self.window.catalog)
        replay.model.placer.undeclared = program.undeclared
        replay.model.subscribe(program.on_changes)
        self.program = program

    def seek(self, seconds: float) -> None:
        """Move the replay to ``seconds`` into the recording."""
        replay = self.replay
        if replay is None:
            return
        if replay.seek(seconds):  # started afresh: new model, views follow it again
            if replay.graph_data is None or self.program is not None:
                self.window.graph.replace_with(Graph())
                self._grow_program(replay)
            else:
                replay.model.templates.update(templates_of(self.window.graph))
            self.window.run.reattach()
        self.bar.refresh()

    def _on_state(self, state: str) -> None:
        if state in ("stopped", "idle"):
            if self.recorder is not None:
                self.stop_recording()
            if self.replay is not None and self.window.run.session is not self.replay:
                self.replay = None
                self.show_bar(False)

    # -- record -----------------------------------------------------------------------------
    def _on_record(self, on: bool) -> None:
        if on and self.recorder is None:
            self.start_recording()
        elif not on:
            self.stop_recording()

    def _show_recording(self, on: bool) -> None:
        blocked = self.record_action.blockSignals(True)
        self.record_action.setChecked(on)
        self.record_action.blockSignals(blocked)

    def start_recording(self, path: str | None = None) -> bool:
        """Write the events of the run being watched to ``path`` (asks when None)."""
        w = self.window
        run = w.run.session
        if run is None:
            w.show_status("Run something first: a recording holds a run's events")
            self._show_recording(False)
            return False
        path = path or self.record_path_answer
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                w, "Record to", f"{w.docs.display_name()}.jsonl", RECORDING_FILTER
            )
        if not path:
            self._show_recording(False)
            return False
        graph = graph_to_data(w.graph) if self.program is None and w.docs.watching is None else None
        start = run.model.snapshot_events(run.model.last_t) if run.model.events else []
        try:
            self.recorder = Recorder(run.stream, path, w.docs.display_name(), graph, start)
        except OSError as exc:
            w.show_status(f"Cannot record to {path}: {exc}", error=True)
            self._show_recording(False)
            return False
        self._show_recording(True)
        w.show_status(f"Recording to {path}")
        return True

    def stop_recording(self) -> None:
        """Close the recording file."""
        recorder, self.recorder = self.recorder, None
        self._show_recording(False)
        if recorder is not None:
            recorder.close()
            self.window.show_status(f"Recorded {recorder.count:,} events to {recorder.path}")
