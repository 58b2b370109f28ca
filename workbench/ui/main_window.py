"""The workbench window: canvas in the middle, palette, properties and log docks, run controls.

Wiring only: the scene draws the model, the GraphEditor turns gestures into undoable model
commands, the DocumentController handles files, the RunController runs the graph through the
``session_factory`` seam (``workbench.runtime.Session`` by default) hosted by the Qt driver.
What the menus do lives beside the window: ``EditActions``, ``FileActions`` and ``RunActions``
(the window's methods of those names hand over to them), the first dock layout and the saved
one in ``window_state``, the actions and toolbar in ``toolbar``.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPointF, QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSlider,
)

from workbench.model import Catalog, Graph
from workbench.model.observers import callback_name
from workbench.ui import toolbar
from workbench.ui.canvas.scene import GraphScene
from workbench.ui.canvas.view import GraphView
from workbench.ui.chrome import WindowChrome
from workbench.ui.clipboard import FragmentClipboard
from workbench.ui.dock_tabs import keep_dock_tabs_tidy
from workbench.ui.documents import DocumentController
from workbench.ui.edit_actions import EditActions
from workbench.ui.export_actions import install_exports
from workbench.ui.file_actions import FileActions
from workbench.ui.live.install import LOG_HEIGHT, install_live_view
from workbench.ui.my_components import install_my_components
from workbench.ui.note_actions import install_note_actions
from workbench.ui.panels.lessons import install_lessons
from workbench.ui.panels.log import LogDock
from workbench.ui.panels.palette import PaletteDock, QuickAddPopup
from workbench.ui.panels.properties import PropertiesDock
from workbench.ui.panels.run_log import install_run_log
from workbench.ui.programs import ProgramRuns
from workbench.ui.run_actions import TIMES, RunActions
from workbench.ui.run_controller import RunController, SessionFactory
from workbench.ui.theme import THEMES, apply_theme, saved_theme_name
from workbench.ui.trust import confirm_trust
from workbench.ui.undo import GraphEditor
from workbench.ui.watch_runs import WatchRuns
from workbench.ui.window_state import (
    DOCK_STATE_VERSION,
    place_docks,
    restore_window_state,
    save_window_state,
)

__all__ = ["DOCK_STATE_VERSION", "TIMES", "MainWindow"]


class MainWindow(QMainWindow):
    """The workbench main window.

    Args:
        catalog: components offered (``Catalog.discover()`` when None).
        session_factory: ``(graph, catalog) -> Session``; the Run button's seam.
        settings: where window state, theme and recent files live.
        autosave_dir: folder for autosave copies (QStandardPaths when None).
        components_dir: folder of the user's own components (QStandardPaths when None).
    """

    # made by workbench.ui.toolbar
    recent_menu: QMenu
    examples_menu: QMenu
    view_menu: QMenu
    file_label: QLabel
    mode_group: QButtonGroup
    speed_slider: QSlider
    speed_label: QLabel
    live_tools_anchor: QAction
    zoom_label: QLabel
    run_state_label: QLabel
    # made by WindowChrome (the status bar)
    count_label: QLabel
    status_label: QLabel
    theme_label: QLabel

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
        self.palette_dock = PaletteDock(self.catalog, self)
        self.properties = PropertiesDock(self.catalog, self)
        self.log = LogDock(self)
        place_docks(self, self.palette_dock, self.properties, self.log)
        self.quick_add = QuickAddPopup(self.catalog, self)
        self.docs = DocumentController(
            self.graph, self.catalog, self.stack, self.settings, autosave_dir, self
        )
        self.run = RunController(self.scene, session_factory, self)
        self.edit_actions = EditActions(self)
        self.file_actions = FileActions(self)
        self.run_actions = RunActions(self)
        self.actions_: dict[str, QAction] = {}
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
        self.file_actions.update_recent(self.docs.recent())
        self.file_actions.update_title()
        self.chrome.update_counts()
        self.run_actions.show_state("idle")
        restore_window_state(self, self.settings)

    def _connect(self) -> None:
        s, edits, files = self.scene, self.edit_actions, self.file_actions
        s.link_requested.connect(self.editor.add_link)
        s.link_rejected.connect(lambda msg: self.show_status(f"Cannot link: {msg}", error=True))
        s.wire_hint.connect(lambda msg: self.show_status(msg, error=msg.startswith("Cannot")))
        s.items_moved.connect(self.editor.move_items)
        s.selectionChanged.connect(edits.on_selection)
        s.node_activated.connect(edits.on_node_activated)
        self.view.component_dropped.connect(self.add_component)
        self.view.quick_add_requested.connect(edits.show_quick_add)
        self.view.zoom_changed.connect(lambda z: self.zoom_label.setText(f"{round(z * 100)}%"))
        self.palette_dock.component_activated.connect(
            lambda cid: self.add_component(cid, self.view.mapToScene(self.view.rect().center()))
        )
        self.quick_add.chosen.connect(lambda cid: self.add_component(cid, edits.quick_pos))
        self.properties.param_edited.connect(self.editor.set_param)
        self.properties.param_reset.connect(self.editor.unset_param)
        self.properties.rename_requested.connect(self.editor.rename)
        self.log.node_link_clicked.connect(self.reveal_node)
        self.stack.cleanChanged.connect(lambda _clean: files.update_title())
        self.docs.path_changed.connect(lambda _p: files.update_title())
        self.docs.recent_changed.connect(files.update_recent)
        self.docs.error.connect(lambda msg: self.report(msg, "error"))
        self.run.state_changed.connect(self.run_actions.show_state)
        self.run.failed.connect(lambda msg: self.report(msg, "error"))
        self.run.crashed.connect(self.run_actions.on_crash)
        self.run.watcher_failed.connect(self._on_watcher_failed)
        self._unsubscribe: Callable[[], None] | None = self.graph.subscribe(edits.on_graph_event)
        self._unhook_detached = self.graph.on_observer_detached(self._on_view_detached)

    # -- feedback ----------------------------------------------------------------------
    def show_status(self, text: str, error: bool = False) -> None:
        """Show ``text`` in the status bar (red when ``error``)."""
        color = self.scene.theme.error.name()
        self.status_label.setStyleSheet(f"color: {color};" if error else "")
        self.status_label.setText(text)

    def report(self, text: str, level: str) -> None:
        """Log ``text`` at ``level`` ("info", "warning", "error") and show it in the status bar."""
        self.log.append(text, level)
        self.show_status(text, error=level == "error")

    def _on_view_detached(self, callback: Callable[..., object], exc: Exception) -> None:
        """A graph observer raised and was detached: say which view stopped following."""
        owner = getattr(callback, "__self__", None)
        if owner is self.scene:
            what = "The canvas"
        elif owner is self.edit_actions:
            what = "The window's counters and properties"
        else:
            what = f"A view ({callback_name(callback)})"
        self.log.append_crash(None, what, "".join(traceback.format_exception(exc)).rstrip())
        self.report(
            f"{what} stopped following the document after an error "
            f"({type(exc).__name__}: {exc}); View > Redraw Canvas follows it again",
            "error",
        )

    def _on_watcher_failed(self, text: str, details: str) -> None:
        self.log.append_crash(None, "A live view", details)
        self.report(text, "error")

    def redraw_canvas(self) -> None:
        """Follow the document again and redraw it (after a view was detached by an error)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
        self._unsubscribe = self.graph.subscribe(self.edit_actions.on_graph_event)
        self.scene.follow_graph()
        self.chrome.update_counts()
        self.properties.set_node(None)
        self.show_status("Canvas redrawn from the document")

    # -- theme ---------------------------------------------------------------------------
    def set_theme(self, name: str) -> None:
        """Switch to the dark or light theme and remember it."""
        theme = THEMES.get(name, THEMES["dark"])
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, theme)
        self.scene.set_theme(theme)
        self.palette_dock.set_theme(theme)
        self.log.set_theme(theme)
        toolbar.refresh_icons(self, theme.text)
        self.actions_[f"theme_{theme.name}"].setChecked(True)
        self.theme_label.setText(f"{theme.name.title()} theme")
        self.settings.setValue("ui/theme", theme.name)
        self.run_actions.show_state(self.run.state)

    # -- editing (EditActions) ---------------------------------------------------------
    def add_component(self, component: str, pos: QPointF) -> str | None:
        """Place ``component`` at scene ``pos``, inside the group under it if any."""
        return self.edit_actions.add_component(component, pos)

    def delete_selection(self) -> None:
        """Delete the selected nodes, links and notes (one undo step)."""
        self.edit_actions.delete_selection()

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
        self.edit_actions.select_all()

    def set_snap(self, on: bool) -> None:
        """Snap moved nodes to the grid."""
        self.scene.snap = on

    def auto_layout(self) -> None:
        """Lay the graph out left to right (one undo step)."""
        self.edit_actions.auto_layout()

    def reveal_node(self, node_id: str) -> None:
        """Select and centre a node."""
        self.edit_actions.reveal_node(node_id)

    # -- files (FileActions) -------------------------------------------------------------
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
        return self.file_actions.maybe_save()

    def new_file(self) -> None:
        """Start an empty graph."""
        self.file_actions.new_file()

    def open_file(self, path: str | None = None, copy: bool = False) -> bool:
        """Open ``path`` (asks for one when None); ``copy``: as an untitled copy of it."""
        return self.file_actions.open_file(path, copy)

    def open_example(self, name: str) -> bool:
        """Open the shipped example graph ``name`` (File > Open Example)."""
        return self.file_actions.open_example(name)

    def save_file(self) -> bool:
        """Save to the current file (asks for a name the first time)."""
        return self.file_actions.save_file()

    def save_file_as(self, path: str | None = None) -> bool:
        """Save under a new name."""
        return self.file_actions.save_file_as(path)

    def export_python(self, path: str | None = None) -> bool:
        """Write the graph as a runnable Python program (``workbench.model.codegen``)."""
        return self.file_actions.export_python(path)

    def offer_recovery(self) -> None:
        """After a crash, offer to recover the autosaved copies left behind."""
        self.file_actions.offer_recovery()

    # -- running (RunActions) ------------------------------------------------------------
    def run_graph(self) -> None:
        """Run (or resume) the graph."""
        self.run_actions.run_graph()

    def confirm_trust(self) -> bool:
        """Ask once per document before running a graph whose parameters hold Python code."""
        return confirm_trust(self)

    def toggle_pause(self, paused: bool) -> None:
        """Pause / resume."""
        self.run_actions.toggle_pause(paused)

    def step_graph(self) -> None:
        """Run one slice (starting paused when not running)."""
        self.run_actions.step_graph()

    def stop_graph(self) -> None:
        """Stop the run."""
        self.run_actions.stop_graph()

    def on_speed_changed(self, value: int) -> None:
        """Slider 0..100 -> speed 0.05x..1x; slower runs space scheduler slices apart."""
        self.run_actions.on_speed_changed(value)

    def on_mode_clicked(self, mode: int) -> None:
        """Edit (0) / Live (1) switch: Live runs the graph, Edit stops it."""
        self.run_actions.on_mode_clicked(mode)

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
        save_window_state(self, self.settings)
        self.settings.sync()
        self.docs.close()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._unhook_detached()
        self.scene.close()
