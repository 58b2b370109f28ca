"""Says whose run the message log shows, and lets go of its rows when they stop belonging there.

Sits beside the live view's message log (``LiveView.log_dock``) and follows the window's runs
(RunController) and documents (DocumentController, the graph's ``graph_reset``). The label reads
"echo_server · run of 19:02:54 · running" (then paused, finished, stopped). Opening another document
(or a new one) clears the old document's run from the log and the label says so; a new run clears
the log as well (the live view does). Either way the last run no longer shown is kept, so that
Export can still write its rows (CSV or JSON lines), until a newer run takes its place.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel

from workbench.ui.chrome import doc_title
from workbench.ui.live.log_model import LogRow, write_rows
from workbench.ui.theme import named

log = logging.getLogger(__name__)

DOT = " \u00b7 "
LIVE_STATES = ("running", "paused", "finished")


@dataclass
class RunRecord:
    """One run as the log knew it.

    Attributes:
        document: the document's title ("echo_server").
        path: its file (resolved), or None for an untitled document.
        started: wall-clock time the run started (``time.time()``).
        state: "running", "paused", "finished" or "stopped".
        rows: the log's rows, taken when the run stopped (kept for export).
        events: events the log counted for it.
        crashes: components that crashed in it.
    """

    document: str
    path: str | None
    started: float
    state: str = "running"
    rows: list[LogRow] = field(default_factory=list)
    events: int = 0
    crashes: int = 0

    def clock(self) -> str:
        """The start time as HH:MM:SS."""
        return time.strftime("%H:%M:%S", time.localtime(self.started))

    def describe(self) -> str:
        """ "echo_server · run of 19:02:54 · stopped · 2 crashed"."""
        text = f"{self.document}{DOT}run of {self.clock()}{DOT}{self.state}"
        return text + (f"{DOT}{self.crashes} crashed" if self.crashes else "")


def _resolved(path: Any) -> str | None:
    return str(Path(path).resolve()) if path is not None else None


class RunLog(QObject):
    """The message log's run label and its memory of the last run.

    Attributes:
        current: the run whose rows the log shows, or None.
        previous: the last run no longer shown (its rows kept for export), or None.
    """

    def __init__(self, window: Any, dock: Any) -> None:
        """Follow ``window``'s runs and documents; label ``dock`` (a message LogDock)."""
        super().__init__(window)
        self.window = window
        self.dock = dock
        self.current: RunRecord | None = None
        self.previous: RunRecord | None = None
        self._session: Any = None
        self._reset = False
        self._export_actions: list[QAction] = []
        window.run.state_changed.connect(self._on_run_state)
        window.run.crashed.connect(self._on_crash)
        window.docs.path_changed.connect(self._on_path)
        self._unsubscribe = window.graph.subscribe(self._on_graph_event)
        self._viewport = dock.table.viewport()
        self.placeholder = named(QLabel(self._viewport, wordWrap=True), "mutedLabel")
        """Says, over the empty table, why it is empty (and what Export still holds)."""
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setFont(QApplication.font())  # prose, not the table's monospace
        self._viewport.installEventFilter(self)
        model = dock.model
        for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset):
            signal.connect(self._place_placeholder)
        self._show()

    def close(self) -> None:
        """Stop observing the graph and the table (the window's shutdown)."""
        self._viewport.removeEventFilter(self)
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def text(self) -> str:
        """What the label says."""
        return self.dock.run_label.text()

    # -- following --------------------------------------------------------------------------
    def _on_run_state(self, state: str) -> None:
        session = self.window.run.session
        if state in LIVE_STATES and session is not None and session is not self._session:
            self._begin(session)
        run = self.current
        if run is not None and self._session is not None:
            if state in LIVE_STATES:
                run.state = state
            elif state == "stopped":  # the live view has flushed its last rows by now
                run.state = "stopped"
                run.rows = list(self.dock.model.rows)
                run.events = self.dock.model.total
                self._session = None
        self._show()

    def _begin(self, session: Any) -> None:
        """A new run: the live view has cleared the log; the last one stays for export."""
        if self.current is not None:  # its rows were taken when it stopped
            self.previous = self.current
        docs = self.window.docs
        name = docs.short_title()
        self.current = RunRecord(name, _resolved(docs.path), time.time())
        self._session = session

    def _on_crash(self, *_args: Any) -> None:
        if self.current is not None and self._session is not None:
            self.current.crashes += 1
            self._show()

    def _on_graph_event(self, event: str, _payload: Any) -> None:
        if event == "graph_reset":  # a document is being opened, made new or recovered
            self._reset = True

    def _on_path(self, path: Any) -> None:
        opened, self._reset = self._reset, False
        run = self.current
        if run is None:
            self._show()
            return
        here = _resolved(path)
        if not opened:  # saved under a new name: the same document
            run.path, run.document = here, doc_title(path)
        elif (here is None or here != run.path) and self.window.run.session is None:
            self.retire()
        self._show()

    def retire(self) -> None:
        """Clear the log of the current run, keeping it (rows included) as ``previous``."""
        if self.current is None:
            return
        if not self.current.rows:
            self.current.rows = list(self.dock.model.rows)
            self.current.events = self.dock.model.total
        self.previous, self.current = self.current, None
        self.dock.clear()
        self._show()

    # -- showing ----------------------------------------------------------------------------
    def _show(self) -> None:
        run, prev = self.current, self.previous
        label = self.dock.run_label
        here = self.window.docs.short_title()
        if run is not None:
            label.setText(run.describe())
            label.setToolTip(f"The rows are the events of this run of {run.document}")
            self.placeholder.setText("")
        elif prev is not None:
            label.setText(f"{here}{DOT}not run yet")
            label.setToolTip("")
            self.placeholder.setText(
                f"{here} has not run yet.\nThe last run, of {prev.document} at {prev.clock()} "
                f"({prev.state}, {prev.events:,} events), is kept: Export writes its rows "
                "until a newer run takes its place."
            )
        else:
            label.setText("No run yet")
            label.setToolTip("")
            self.placeholder.setText("Run the graph: its messages are listed here.")
        self._place_placeholder()
        self._update_export_menu()

    def _place_placeholder(self) -> None:
        """Show the placeholder over the table while it has no rows."""
        self.placeholder.setGeometry(self._viewport.rect().adjusted(24, 12, -24, -12))
        empty = self.dock.model.rowCount() == 0
        self.placeholder.setVisible(empty and bool(self.placeholder.text()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Keep the placeholder fitted to the table's viewport."""
        if event.type() == QEvent.Type.Resize and watched is self._viewport:
            self._place_placeholder()
        return False

    def _update_export_menu(self) -> None:
        menu = self.dock.export_menu
        for action in self._export_actions:
            menu.removeAction(action)
            action.deleteLater()
        self._export_actions = []
        prev = self.previous
        if prev is None:
            return
        self._export_actions.append(menu.addSeparator())
        name = f"Last run ({prev.document}, {prev.clock()})"
        for fmt, kind in (("csv", "CSV…"), ("jsonl", "JSON lines…")):
            action = menu.addAction(f"{name}: {kind}")
            action.triggered.connect(lambda _c=False, f=fmt: self.export_previous_dialog(f))
            self._export_actions.append(action)

    # -- export -----------------------------------------------------------------------------
    def export_previous(self, path: str, fmt: str = "csv") -> int:
        """Write the last run's rows to ``path`` ("csv" or "jsonl"); returns how many.

        Raises:
            LookupError: there is no earlier run kept.
            OSError: the file cannot be written.
        """
        if self.previous is None:
            raise LookupError("there is no earlier run to export")
        return write_rows(path, self.previous.rows, fmt)

    def export_previous_dialog(self, fmt: str) -> None:
        """Ask where to save the last run's rows, then write them."""
        prev = self.previous
        if prev is None:
            return
        suffix = "CSV (*.csv)" if fmt == "csv" else "JSON lines (*.jsonl)"
        stem = f"{prev.document}-{prev.clock().replace(':', '')}"
        path, _ = QFileDialog.getSaveFileName(
            self.dock, "Export the last run's messages", f"{stem}.{fmt}", suffix
        )
        if not path:
            return
        try:
            count = self.export_previous(path, fmt)
        except OSError as exc:
            log.warning("cannot export the last run's messages to %s: %s", path, exc)
            self.window.show_status(f"Export failed: {exc.strerror or exc}", error=True)
            return
        self.window.show_status(f"Exported {count:,} rows of {prev.document}'s last run")


def install_run_log(window: Any) -> RunLog:
    """Label ``window``'s message log (its live view must be installed) with its run."""
    return RunLog(window, window.live.log_dock)
