"""Watching programs in other processes: one started by the window, or one already running.

Installed by the MainWindow. File > Open Program… (or ``kamaelia-workbench my_server.py ARGS``)
runs a Python program that uses kamaelia_core (or Axon/Kamaelia, through the compat layer) in a
child process with its monitor on; File > Attach to Program… (``--attach HOST:PORT``) watches one
that serves its monitor (``kamaelia_core.monitor.serve()`` or ``KAMAELIA_MONITOR=127.0.0.1:0``).
Run > Run in a Separate Process runs the open graph in a child. The window then shows the
program grown as a graph from its events (``ProgramGraph``), or the graph itself, and the
RunController watches the ``RemoteRun`` as it watches a run of its own: the canvas, log,
inspector and timeline follow it, Pause/Step/Stop are sent to it, its output goes to the Log
dock, and a component holding its scheduler, or its end, is reported.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QInputDialog

from workbench.model.graph import Graph
from workbench.model.io import save
from workbench.runtime.builder import templates_of
from workbench.runtime.program_graph import ProgramGraph
from workbench.runtime.remote import RemoteError, read_token
from workbench.runtime.remote_run import RemoteRun
from workbench.ui.toolbar import first_submenu, insert_action, menu_named

log = logging.getLogger(__name__)

PROGRAM_FILTER = "Python programs (*.py);;All files (*)"


class ProgramRuns(QObject):
    """The window's programs in other processes.

    Args:
        window: The MainWindow.
    """

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.program: ProgramGraph | None = None
        self._graph_file: Path | None = None
        self._ended: Any = None
        self.open_action = QAction("Open &Program…", window)
        self.open_action.setToolTip("Run a Python program in its own process and watch it")
        self.open_action.triggered.connect(lambda: self.open_program())
        self.attach_action = QAction("&Attach to Program…", window)
        self.attach_action.setToolTip("Watch a program that serves its monitor (it keeps running)")
        self.attach_action.triggered.connect(lambda: self.attach())
        self.separate_action = QAction("Run in a Separate &Process", window)
        self.separate_action.setToolTip(
            "Run the graph in a child process: a component that blocks cannot freeze the window"
        )
        self.separate_action.triggered.connect(lambda: self.run_graph_in_child())
        self._place_actions()
        window.run.output.connect(self._on_output)
        window.run.notice.connect(self._on_notice)

    def _place_actions(self) -> None:
        w = self.window
        file_menu, run_menu = menu_named(w, "File"), menu_named(w, "Run")
        if file_menu is not None:
            first = first_submenu(file_menu)
            insert_action(file_menu, first, self.open_action)
            insert_action(file_menu, first, self.attach_action)
        if run_menu is not None:
            run_menu.addAction(self.separate_action)
        w.actions_.update(
            open_program=self.open_action,
            attach=self.attach_action,
            run_separate=self.separate_action,
        )

    # -- starting ---------------------------------------------------------------------------
    def open_program(self, path: str | None = None, args: list[str] | None = None) -> bool:
        """Run ``path`` (a Python file) with ``args`` in a child process and watch it."""
        w = self.window
        if path is None:
            path, _ = QFileDialog.getOpenFileName(w, "Open program", "", PROGRAM_FILTER)
            if not path:
                return False
        if not Path(path).is_file():
            w.show_status(f"No such program: {path}", error=True)
            return False
        if not w.maybe_save():
            return False
        w.stop_graph()
        try:
            run = RemoteRun.launch(str(path), list(args or []))
        except OSError as exc:
            w.show_status(f"Cannot start {path}: {exc}", error=True)
            return False
        self._watch_program(run, f"{Path(path).name} (program)")
        w.log.append(f"Started {Path(path).name} {' '.join(args or [])} (pid {run.pid})")
        return True

    def attach(self, address: str | None = None, token: str | None = None) -> bool:
        """Watch the program serving its monitor at ``address`` (asks when None); detaching
        (Stop) leaves it running."""
        w = self.window
        if address is None:
            address, ok = QInputDialog.getText(w, "Attach to a program", "Address (HOST:PORT):")
            if not ok or not address:
                return False
        if token is None:
            token, ok = QInputDialog.getText(w, "Attach to a program", "Token (or @token-file):")
            if not ok:
                return False
            if token.startswith("@"):
                try:
                    token = read_token(token_file=token[1:])
                except (RemoteError, OSError) as exc:
                    w.show_status(f"Cannot read the token: {exc}", error=True)
                    return False
        if not w.maybe_save():
            return False
        w.stop_graph()
        try:
            run = RemoteRun.attach(address, token)
        except RemoteError as exc:
            w.show_status(f"Cannot attach to {address}: {exc}", error=True)
            return False
        self._watch_program(run, f"{address} (attached)")
        w.log.append(f"Attached to {address}; Stop detaches, the program keeps running")
        return True

    def run_graph_in_child(self) -> bool:
        """Run the open graph in a child process (the in-loop run stays the default)."""
        w = self.window
        if w.run.running:
            w.show_status("Stop the current run first")
            return False
        graph_file = w.docs.path
        if graph_file is None or w.docs.dirty:  # the child reads a file: write what is shown
            with tempfile.NamedTemporaryFile(suffix=".kgraph.json", delete=False) as handle:
                self._graph_file = Path(handle.name)
            save(w.graph, self._graph_file)
            graph_file = self._graph_file
        if not w.confirm_trust():
            return False
        try:
            run = RemoteRun.launch(
                str(graph_file),
                graph=str(graph_file),
                trust=w.run.allow_code,
                templates=templates_of(w.graph),
            )
        except OSError as exc:
            w.show_status(f"Cannot start the graph's process: {exc}", error=True)
            return False
        run.title_text = f"{w.docs.display_name()} (separate process)"
        self.program = None
        w.run.reset_badges()
        w.run.open_run(run)
        w.log.append(f"Running {w.docs.display_name()} in a separate process (pid {run.pid})")
        return True

    def _watch_program(self, run: RemoteRun, title: str) -> None:
        w = self.window
        w.docs.watch(title)
        w.graph.replace_with(Graph())
        program = ProgramGraph(w.graph, w.catalog)
        run.model.placer.undeclared = program.undeclared
        run.model.subscribe(program.on_changes)  # before the views: the nodes exist for them
        self.program = program
        w.run.open_run(run)

    # -- what the program says --------------------------------------------------------------
    def _on_output(self, lines: list) -> None:
        self.window.log.append_output(lines)

    def _on_notice(self, kind: str, data: Any) -> None:
        w = self.window
        run = w.run.session
        if kind == "stall" and not getattr(data, "over", True):
            w.show_status(
                f"{data.name} has held the program's scheduler for {data.seconds:.1f} s "
                f"without yielding (Stop ends the program)",
                error=True,
            )
            w.log.append(f"{data.name} is holding its scheduler:\n{data.where}", "warning")
        elif kind in ("exit", "closed", "refused", "error") and run is not None:
            if run is self._ended:
                return  # its end is reported once (an exit frame, then the closed link)
            self._ended = run
            text = getattr(run, "exit_text", "") or str(data)
            level = "error" if kind in ("refused", "error") or "status 0" not in text else "info"
            w.log.append(f"{getattr(run, 'title', 'the program')}: {text}", level)
            w.show_status(f"{getattr(run, 'title', 'The program')}: {text}", error=level == "error")
