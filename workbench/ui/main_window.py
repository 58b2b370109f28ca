"""The workbench window: canvas in the middle, palette, properties and log docks, run controls.

Wiring only: the scene draws the model, the GraphEditor turns gestures into undoable model
commands, the DocumentController handles files, the RunController runs the graph through the
``session_factory`` seam (``workbench.runtime.Session`` by default) hosted by the Qt driver.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, QPointF, QSettings, Qt
from PySide6.QtGui import QCloseEvent, QUndoStack
from PySide6.QtWidgets import QApplication, QFileDialog, QMainWindow, QMessageBox

from workbench.model import Catalog, Graph
from workbench.model.layout import auto_layout
from workbench.model.observers import callback_name
from workbench.resources import AssetError, example_path
from workbench.ui import toolbar
from workbench.ui.canvas.group_item import GroupItem
from workbench.ui.canvas.node_item import NodeItem
from workbench.ui.canvas.scene import GraphScene
from workbench.ui.canvas.view import GraphView
from workbench.ui.chrome import WindowChrome
from workbench.ui.clipboard import FragmentClipboard
from workbench.ui.dock_tabs import keep_dock_tabs_tidy
from workbench.ui.documents import FILE_FILTER, SUFFIX, DocumentController
from workbench.ui.export_actions import install_exports
from workbench.ui.live.install import LOG_HEIGHT, install_live_view
from workbench.ui.my_components import install_my_components
from workbench.ui.note_actions import install_note_actions
from workbench.ui.panels.lessons import install_lessons
from workbench.ui.panels.log import LogDock
from workbench.ui.panels.palette import PaletteDock, QuickAddPopup
from workbench.ui.panels.properties import PropertiesDock
from workbench.ui.panels.run_log import install_run_log
from workbench.ui.programs import ProgramRuns
from workbench.ui.run_controller import RunController, SessionFactory
from workbench.ui.theme import THEMES, apply_theme, saved_theme_name
from workbench.ui.trust import confirm_trust
from workbench.ui.undo import GraphEditor
from workbench.ui.watch_runs import WatchRuns

log = logging.getLogger(__name__)
__all__ = ["MainWindow"]
TIMES = "\u00d7"
DOCK_STATE_VERSION = 1
"""Version of the saved dock layout; a layout saved by an older one is not restored (version 0
put the Lessons under the Inspector, squeezing both)."""


class MainWindow(QMainWindow):
    """The workbench main window.

    Args:
        catalog: components offered (``Catalog.discover()`` when None).
        session_factory: ``(graph, catalog) -> Session``; the Run button's seam.
        settings: where window state, theme and recent files live.
        autosave_dir: folder for autosave copies (QStandardPaths when None).
        components_dir: folder of the user's own components (QStandardPaths when None).
    """

    def __init__(
        self,
        catalog: Catalog | None = None,
        session_factory: SessionFactory | None = None,
        settings: QSettings | None = None,
        autosave_dir: Path | None = None,
        components_dir: Path | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("MainWindow")
        self.catalog = catalog if catalog is not None else Catalog.discover()
        self.settings = settings if settings is not None else QSettings()
        self.graph = Graph()
        self.stack = QUndoStack(self)
        self.editor = GraphEditor(self.graph, self.catalog, self.stack)
        self.scene = GraphScene(self.graph, self.catalog, self)
        self.view = GraphView(self.scene)
        self.setCentralWidget(self.view)
        self.palette = PaletteDock(self.catalog, self)
        self.properties = PropertiesDock(self.catalog, self)
        self.log = LogDock(self)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.palette)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.properties)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.log)
        self.resizeDocks([self.palette, self.properties], [230, 300], Qt.Orientation.Horizontal)
        self.resizeDocks([self.log], [170], Qt.Orientation.Vertical)
        self.quick_add = QuickAddPopup(self.catalog, self)
        self._quick_pos = QPointF()
        self.docs = DocumentController(
            self.graph, self.catalog, self.stack, self.settings, autosave_dir, self
        )
        self.run = RunController(self.scene, session_factory, self)
        self.actions_: dict = {}
        toolbar.build_actions(self)
        toolbar.build_menus(self)
        self.toolbar = toolbar.build_toolbar(self)
        self.chrome = WindowChrome(self)  # document tabs, breadcrumb, status bar labels
        self._closed = False
        self.trust_answer: bool | None = None
        """A preset answer to the trust question (the command line's --trust; tests)."""
        self._connect()
        self.live = install_live_view(self)  # the live view (issue 7): traffic, tokens, log
        self.run_log = install_run_log(self)  # whose run the message log shows
        self.my_components = install_my_components(self, components_dir)  # Graph > My Components
        self.lessons = install_lessons(self)  # Help > Lessons
        keep_dock_tabs_tidy(self)
        self.watch = WatchRuns(self)  # File > Open Recording…, Run > Record…
        self.programs = ProgramRuns(self)  # File > Open Program…, Attach…
        self.exports = install_exports(self)  # File > Export Canvas as PNG/SVG…, Comic Strip…
        # tabifying the Lessons re-lays the docks out: give the message log its height back
        self.resizeDocks([self.live.log_dock], [LOG_HEIGHT], Qt.Orientation.Vertical)
        self.notes = install_note_actions(self)  # Edit > Add Note, inline note edits
        self.clipboard = FragmentClipboard(self)
        self.set_theme(saved_theme_name(self.settings))
        self._update_recent(self.docs.recent())
        self._update_title()
        self._update_counts()
        self._update_run_actions("idle")
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1400, 900)
        state = self.settings.value("window/state")
        if isinstance(state, QByteArray) and not self.restoreState(state, DOCK_STATE_VERSION):
            log.info("dock layout of an older version not restored")

    def _connect(self) -> None:
        s = self.scene
        s.link_requested.connect(self.editor.add_link)
        s.link_rejected.connect(lambda msg: self.show_status(f"Cannot link: {msg}", error=True))
        s.wire_hint.connect(lambda msg: self.show_status(msg, error=msg.startswith("Cannot")))
        s.items_moved.connect(self.editor.move_items)
        s.selectionChanged.connect(self._on_selection)
        s.node_activated.connect(self._on_node_activated)
        self.view.component_dropped.connect(self.add_component)
        self.view.quick_add_requested.connect(self._show_quick_add)
        self.view.zoom_changed.connect(lambda z: self.zoom_label.setText(f"{round(z * 100)}%"))
        self.palette.component_activated.connect(
            lambda cid: self.add_component(cid, self.view.mapToScene(self.view.rect().center()))
        )
        self.quick_add.chosen.connect(lambda cid: self.add_component(cid, self._quick_pos))
        self.properties.param_edited.connect(self.editor.set_param)
        self.properties.param_reset.connect(self.editor.unset_param)
        self.properties.rename_requested.connect(self.editor.rename)
        self.log.node_link_clicked.connect(self.reveal_node)
        self.stack.cleanChanged.connect(lambda _clean: self._update_title())
        self.docs.path_changed.connect(lambda _p: self._update_title())
        self.docs.recent_changed.connect(self._update_recent)
        self.docs.error.connect(lambda msg: self._report(msg, "error"))
        self.run.state_changed.connect(self._update_run_actions)
        self.run.failed.connect(lambda msg: self._report(msg, "error"))
        self.run.crashed.connect(self._on_crash)
        self.run.watcher_failed.connect(self._on_watcher_failed)
        self._unsubscribe = self.graph.subscribe(self._on_graph_event)
        self._unhook_detached = self.graph.on_observer_detached(self._on_view_detached)

    # -- feedback ----------------------------------------------------------------------
    def show_status(self, text: str, error: bool = False) -> None:
        """Show ``text`` in the status bar (red when ``error``)."""
        color = self.scene.theme.error.name()
        self.status_label.setStyleSheet(f"color: {color};" if error else "")
        self.status_label.setText(text)

    def _report(self, text: str, level: str) -> None:
        self.log.append(text, level)
        self.show_status(text, error=level == "error")

    def _on_view_detached(self, callback: Callable[..., object], exc: Exception) -> None:
        """A graph observer raised and was detached: say which view stopped following."""
        owner = getattr(callback, "__self__", None)
        if owner is self.scene:
            what = "The canvas"
        elif owner is self:
            what = "The window's counters and properties"
        else:
            what = f"A view ({callback_name(callback)})"
        self.log.append_crash(None, what, "".join(traceback.format_exception(exc)).rstrip())
        self._report(
            f"{what} stopped following the document after an error "
            f"({type(exc).__name__}: {exc}); View > Redraw Canvas follows it again",
            "error",
        )

    def _on_watcher_failed(self, text: str, details: str) -> None:
        self.log.append_crash(None, "A live view", details)
        self._report(text, "error")

    def redraw_canvas(self) -> None:
        """Follow the document again and redraw it (after a view was detached by an error)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
        self._unsubscribe = self.graph.subscribe(self._on_graph_event)
        self.scene.follow_graph()
        self._update_counts()
        self.properties.set_node(None)
        self.show_status("Canvas redrawn from the document")

    def _update_title(self) -> None:
        name = self.docs.display_name()
        self.file_label.setText(name + (" \u2022" if self.docs.dirty else ""))
        self.setWindowTitle(f"{name}[*] \u2014 Kamaelia Workbench")
        self.setWindowModified(self.docs.dirty)
        self.chrome.update_documents()

    def _update_recent(self, paths: list[str]) -> None:
        self.recent_menu.clear()
        for path in paths:
            act = self.recent_menu.addAction(Path(path).name)
            act.setToolTip(path)
            act.triggered.connect(lambda _c=False, p=path: self.open_file(p))
        self.recent_menu.setEnabled(bool(paths))
        self.chrome.update_documents()

    # -- theme ---------------------------------------------------------------------------
    def set_theme(self, name: str) -> None:
        """Switch to the dark or light theme and remember it."""
        theme = THEMES.get(name, THEMES["dark"])
        app = QApplication.instance()
        if app is not None:
            apply_theme(app, theme)
        self.scene.set_theme(theme)
        self.palette.set_theme(theme)
        self.log.set_theme(theme)
        toolbar.refresh_icons(self, theme.text)
        self.actions_[f"theme_{theme.name}"].setChecked(True)
        self.theme_label.setText(f"{theme.name.title()} theme")
        self.settings.setValue("ui/theme", theme.name)
        self._update_run_actions(self.run.state)

    # -- editing -------------------------------------------------------------------------
    def add_component(self, component: str, pos: QPointF) -> str | None:
        """Place ``component`` at scene ``pos``, inside the group under it if any."""
        parent = None
        for item in self.scene.items(pos):
            if isinstance(item, GroupItem) and item.frame_rect().contains(pos):
                parent = item.node_id
                break
        grid = self.scene.grid_size
        xy = (round(pos.x() / grid) * grid, round(pos.y() / grid) * grid)
        try:
            node_id = self.editor.add_node(component, xy, parent=parent)
        except Exception as exc:  # unknown component, model refusal: tell, never crash
            self._report(f"Cannot add {component}: {exc}", "error")
            return None
        self.scene.clearSelection()
        item = self.scene.node_item(node_id)
        if item is not None:
            item.setSelected(True)
        return node_id

    def _show_quick_add(self, pos: QPointF) -> None:
        self._quick_pos = pos
        self.quick_add.popup_at(self.view.mapToGlobal(self.view.mapFromScene(pos)))

    def delete_selection(self) -> None:
        """Delete the selected nodes, links and notes (one undo step)."""
        s = self.scene
        self.editor.remove(s.selected_node_ids(), s.selected_link_ids(), s.selected_note_ids())

    def copy(self) -> None:
        """Copy the selected nodes (and the links among them) to the clipboard."""
        self.clipboard.copy()

    def cut(self) -> None:
        """Copy, then delete."""
        self.clipboard.cut()

    def paste(self) -> None:
        """Paste a copied fragment, offset, and select it."""
        self.clipboard.paste()

    def select_all(self) -> None:
        """Select every node and link."""
        for item in self.scene.items():
            if item.flags() & item.GraphicsItemFlag.ItemIsSelectable:
                item.setSelected(True)

    def set_snap(self, on: bool) -> None:
        """Snap moved nodes to the grid."""
        self.scene.snap = on

    def auto_layout(self) -> None:
        """Lay the graph out left to right (one undo step)."""

        def size_of(node_id: str) -> tuple[float, float]:
            item = self.scene.node_item(node_id)
            return (item.width, item.height) if isinstance(item, NodeItem) else (200.0, 100.0)

        self.editor.move_nodes(auto_layout(self.graph, size_of))
        self.view.fit_all()

    def reveal_node(self, node_id: str) -> None:
        """Select and centre a node."""
        item = self.scene.node_item(node_id)
        if item is not None:
            self.scene.clearSelection()
            item.setSelected(True)
            self.view.centerOn(item)

    def _on_selection(self) -> None:
        self.chrome.update_breadcrumb()
        ids = self.scene.selected_node_ids()
        node = self.graph.node(ids[0]) if len(ids) == 1 and self.graph.has_node(ids[0]) else None
        if node is not self.properties.node:
            self.properties.set_node(node)
        item = self.scene.node_item(node.id) if node is not None else None
        if isinstance(item, NodeItem) and item.crashes:  # its own crash, or a copy's
            self.properties.show_crash(item.crash_text())
        elif item is not None and getattr(item, "state", None) == "crashed":
            self.properties.show_crash(item.detail)

    def _on_node_activated(self, node_id: str) -> None:
        item = self.scene.node_item(node_id)
        if isinstance(item, NodeItem) and (item.crash_text() or item.detail):
            self.log.append_crash(node_id, item.title, item.crash_text() or item.detail or "")

    def _update_counts(self) -> None:
        self.chrome.update_counts()

    def _on_graph_event(self, event: str, payload) -> None:
        if event.startswith(("node_added", "node_removed", "link_", "graph_reset")):
            self._update_counts()
        if event in ("param_changed", "node_renamed"):
            node = payload[0] if isinstance(payload, tuple) else payload
            self.properties.refresh(node.id)
        elif event in ("node_removed", "graph_reset"):
            shown = self.properties.node
            if shown is not None and not self.graph.has_node(shown.id):
                self.properties.set_node(None)

    # -- files ---------------------------------------------------------------------------
    def ask_save_changes(self) -> str:
        """Ask what to do with unsaved changes: "save", "discard" or "cancel"."""
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(
            self,
            "Unsaved changes",
            f"Save the changes to {self.docs.display_name()}?",
            buttons.Save | buttons.Discard | buttons.Cancel,
        )
        return {buttons.Save: "save", buttons.Discard: "discard"}.get(answer, "cancel")

    def maybe_save(self) -> bool:
        """True when it is fine to drop the current document."""
        if not self.docs.dirty:
            return True
        answer = self.ask_save_changes()
        if answer == "save":
            return self.save_file()
        return answer == "discard"

    def new_file(self) -> None:
        """Start an empty graph."""
        if self.maybe_save():
            self.stop_graph()
            self.docs.new()

    def open_file(self, path: str | None = None) -> bool:
        """Open ``path`` (asks for one when None)."""
        if not self.maybe_save():
            return False
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Open graph", "", FILE_FILTER)
            if not path:
                return False
        if str(path).endswith(".jsonl"):  # a recording: replay it
            return self.watch.open_recording(str(path), asked=True)
        self.stop_graph()
        self.run.allow_code = False  # trust is given per document
        if self.docs.open(path):
            self.run.reset_badges()
            self.view.fit_all()
            self.show_status(f"Opened {Path(path).name}")
            return True
        return False

    def open_example(self, name: str) -> bool:
        """Open the shipped example graph ``name`` (File > Open Example)."""
        try:
            path = example_path(name)
        except AssetError as exc:
            self._report(f"Cannot open the example: {exc}", "error")
            return False
        return self.open_file(str(path))

    def save_file(self) -> bool:
        """Save to the current file (asks for a name the first time)."""
        if self.docs.path is None:
            return self.save_file_as()
        return self.docs.save()

    def save_file_as(self, path: str | None = None) -> bool:
        """Save under a new name."""
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self, "Save graph", "untitled" + SUFFIX, FILE_FILTER
            )
            if not path:
                return False
        return self.docs.save(path)

    def export_python(self, path: str | None = None) -> bool:
        """Write the graph as a runnable Python program (``workbench.model.codegen``)."""
        try:
            from workbench.model import codegen
        except ImportError:
            self._report(
                "Export to Python needs workbench.model.codegen (not there yet)", "warning"
            )
            return False
        generate = getattr(codegen, "export_python", None)
        if generate is None:
            self._report("workbench.model.codegen has no export_python()", "warning")
            return False
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self, "Export Python", "graph.py", "Python (*.py)"
            )
            if not path:
                return False
        try:
            Path(path).write_text(generate(self.graph, self.catalog), encoding="utf-8")
        except (OSError, ValueError) as exc:
            self._report(f"Export failed: {exc}", "error")
            return False
        self.show_status(f"Exported {path}")
        return True

    def offer_recovery(self) -> None:
        """After a crash, offer to recover the autosaved copies left behind."""
        for copy_path in self.docs.pending_recoveries():
            answer = QMessageBox.question(
                self, "Recover", f"Recover unsaved work from {copy_path.name}?"
            )
            if answer == QMessageBox.StandardButton.Yes:
                self.docs.recover(copy_path)
                return
            copy_path.unlink(missing_ok=True)

    # -- running -------------------------------------------------------------------------
    def run_graph(self) -> None:
        """Run (or resume) the graph."""
        if self.run.running:
            self.run.pause(False)
            return
        self.run.reset_badges()
        if not self.confirm_trust():
            return
        if self.run.start():
            self.log.append(f"Running {self.docs.display_name()}")

    def confirm_trust(self) -> bool:
        """Ask once per document before running a graph whose parameters hold Python code."""
        return confirm_trust(self)

    def toggle_pause(self, paused: bool) -> None:
        """Pause / resume."""
        self.run.pause(paused)

    def step_graph(self) -> None:
        """Run one slice (starting paused when not running)."""
        if not self.run.running and not self.run.start():
            return
        self.run.step()

    def stop_graph(self) -> None:
        """Stop the run."""
        self.run.stop()

    def on_speed_changed(self, value: int) -> None:
        """Slider 0..100 -> speed 0.05x..1x; slower runs space scheduler slices apart."""
        speed = 0.05 * (20 ** (value / 100))
        text = f"1{TIMES} real time" if value >= 100 else f"{speed:.2f}{TIMES} slow-mo"
        self.speed_label.setText(text)
        if self.run.driver is not None:
            self.run.driver.set_slice_interval(0 if value >= 100 else int(16 / speed))

    def on_mode_clicked(self, mode: int) -> None:
        """Edit (0) / Live (1) switch: Live runs the graph, Edit stops it."""
        if mode == 1 and not self.run.running:
            self.run_graph()
        elif mode == 0 and self.run.running:
            self.stop_graph()
        self.mode_group.button(1 if self.run.running else 0).setChecked(True)

    def _update_run_actions(self, state: str) -> None:
        live = state in ("running", "paused", "finished")
        acts = self.actions_
        acts["run"].setEnabled(state != "running")
        acts["pause"].setEnabled(live)
        acts["pause"].setChecked(state == "paused")
        acts["step"].setEnabled(state != "finished")
        acts["stop"].setEnabled(live)
        self.mode_group.button(1 if live else 0).setChecked(True)
        self.properties.set_read_only(live)
        self.palette.set_read_only(live)
        labels = {"running": "RUNNING", "paused": "PAUSED", "finished": "FINISHED"}
        self.run_state_label.setText(f"\u25cf {labels.get(state, 'EDITING')}")
        theme = self.scene.theme
        color = {"running": theme.new, "paused": theme.control}.get(state, theme.muted)
        self.run_state_label.setStyleSheet(f"color: {color.name()};")
        self.chrome.on_run_state(state)

    def _on_crash(self, node_id: str, name: str, text: str) -> None:
        self.log.append_crash(node_id or None, name, text)
        self.show_status(f"{name} crashed \u2014 see the log", error=True)

    def show_about(self) -> None:
        """About box."""
        QMessageBox.about(self, "Kamaelia Workbench", "Compose, run and watch component systems.")

    # -- teardown ------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        """Ask about unsaved changes, then shut down."""
        if not self.maybe_save():
            event.ignore()
            return
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        """Stop the run and timers, save window state, clear the scene (idempotent)."""
        if self._closed:
            return
        self._closed = True
        self.run.stop()
        self.chrome.close()
        self.run_log.close()
        self.lessons.stop_following()
        if self.lessons.collector is not None:
            self.lessons.collector.close()
        self.my_components.close()
        for signal in (self.stack.cleanChanged, self.docs.path_changed, self.docs.recent_changed):
            signal.disconnect()
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState(DOCK_STATE_VERSION))
        self.settings.sync()
        self.docs.close()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._unhook_detached()
        self.scene.close()
