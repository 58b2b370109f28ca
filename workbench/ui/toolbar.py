"""Builds the window's actions, menus and main toolbar (mockup layout), with platform shortcuts.

Kept apart from the window so that the window reads as wiring; every action is stored in
``window.actions_`` by name so tests and the live view can find and extend them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QColor, QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QLabel,
    QMainWindow,
    QMenu,
    QSlider,
    QToolBar,
    QToolButton,
    QWidget,
)

from workbench.resources import AssetError, example_names
from workbench.ui.theme import icon, named

if TYPE_CHECKING:
    from workbench.ui.main_window import MainWindow

Key = QKeySequence.StandardKey


def _action(
    window: MainWindow,
    name: str,
    text: str,
    slot: Callable[..., object],
    shortcut: QKeySequence | Key | str | None = None,
    icon_name: str | None = None,
    checkable: bool = False,
) -> QAction:
    act = QAction(text, window)
    if shortcut is not None:
        act.setShortcut(QKeySequence(shortcut))
    if icon_name:
        act.setData(icon_name)
    act.setCheckable(checkable)
    act.triggered.connect(slot)
    window.actions_[name] = act
    return act


def build_actions(w: MainWindow) -> None:
    """Create every action of the window."""
    a = _action
    a(w, "new", "&New", w.new_file, Key.New, "new")
    a(w, "open", "&Open…", lambda: w.open_file(), Key.Open, "open")
    a(w, "save", "&Save", lambda: w.save_file(), Key.Save, "save")
    a(w, "save_as", "Save &As…", lambda: w.save_file_as(), Key.SaveAs)
    a(w, "export", "&Export Python…", lambda: w.export_python(), "Ctrl+E", "export")
    a(w, "quit", "&Quit", w.close, Key.Quit)
    undo = w.stack.createUndoAction(w, "&Undo")
    undo.setShortcut(QKeySequence(Key.Undo))
    undo.setData("undo")
    redo = w.stack.createRedoAction(w, "&Redo")
    redo.setShortcut(QKeySequence(Key.Redo))
    redo.setData("redo")
    w.actions_["undo"], w.actions_["redo"] = undo, redo
    a(w, "cut", "Cu&t", w.cut, Key.Cut)
    a(w, "copy", "&Copy", w.copy, Key.Copy)
    a(w, "paste", "&Paste", w.paste, Key.Paste)
    a(w, "delete", "&Delete", w.delete_selection, Key.Delete, "delete")
    a(w, "select_all", "Select &All", w.select_all, Key.SelectAll)
    a(w, "zoom_in", "Zoom &In", w.view.zoom_in, Key.ZoomIn, "zoom-in")
    a(w, "zoom_out", "Zoom &Out", w.view.zoom_out, Key.ZoomOut, "zoom-out")
    a(w, "zoom_reset", "Actual Size", w.view.zoom_reset, "Ctrl+1")
    a(w, "fit", "&Fit to View", w.view.fit_all, "Ctrl+0", "fit")
    a(w, "layout", "Auto-&Layout", w.auto_layout, "Ctrl+L", "layout")
    a(w, "redraw", "&Redraw Canvas", w.redraw_canvas)
    snap = a(w, "snap", "&Snap to Grid", w.set_snap, None, "snap", checkable=True)
    snap.setChecked(True)
    mini = a(w, "minimap", "&Minimap", w.view.minimap.setVisible, None, "minimap", True)
    mini.setChecked(True)
    themes = QActionGroup(w)
    for name in ("dark", "light"):
        act = a(w, f"theme_{name}", name.title(), lambda _c=False, n=name: w.set_theme(n))
        act.setCheckable(True)
        themes.addAction(act)
    a(w, "run", "&Run", w.run_graph, "F5", "run")
    a(w, "pause", "&Pause", w.toggle_pause, "F6", "pause", checkable=True)
    a(w, "step", "S&tep", w.step_graph, "F10", "step")
    a(w, "stop", "&Stop", w.stop_graph, "Shift+F5", "stop")
    a(w, "about", "&About", w.show_about)


def build_menus(w: MainWindow) -> None:
    """File, Edit, View, Run, Graph, Help."""
    acts = w.actions_
    bar = w.menuBar()
    file_menu = bar.addMenu("&File")
    for name in ("new", "open", "save", "save_as"):
        file_menu.addAction(acts[name])
    w.recent_menu = file_menu.addMenu("Open &Recent")
    w.examples_menu = file_menu.addMenu("Open E&xample")
    try:
        names = example_names()
    except AssetError as exc:  # the window still works without its examples; say why they're gone
        names = []
        w.examples_menu.setToolTip(str(exc))
    for name in names:
        act = w.examples_menu.addAction(name.replace("_", " "))
        act.triggered.connect(lambda _c=False, n=name: w.open_example(n))
    w.examples_menu.setEnabled(bool(names))
    file_menu.addSeparator()
    file_menu.addAction(acts["export"])
    file_menu.addSeparator()
    file_menu.addAction(acts["quit"])
    edit = bar.addMenu("&Edit")
    for entry in ("undo", "redo", None, "cut", "copy", "paste", "delete", None, "select_all"):
        edit.addSeparator() if entry is None else edit.addAction(acts[entry])
    view = w.view_menu = bar.addMenu("&View")
    for entry in ("zoom_in", "zoom_out", "zoom_reset", "fit", "redraw", None, "snap", "minimap"):
        view.addSeparator() if entry is None else view.addAction(acts[entry])
    theme = view.addMenu("&Theme")
    theme.addAction(acts["theme_dark"])
    theme.addAction(acts["theme_light"])
    view.addSeparator()
    for dock in (w.palette_dock, w.properties, w.log):
        view.addAction(dock.toggleViewAction())
    run = bar.addMenu("&Run")
    for name in ("run", "pause", "step", "stop"):
        run.addAction(acts[name])
    graph = bar.addMenu("&Graph")
    graph.addAction(acts["layout"])
    bar.addMenu("&Help").addAction(acts["about"])


def menu_named(window: QMainWindow, title: str) -> QMenu | None:
    """The menu bar's menu titled ``title`` ("File", "Run"... without the shortcut's ``&``)."""
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu) and action.text().replace("&", "") == title:
            return menu
    return None


def first_submenu(menu: QMenu) -> QAction | None:
    """The action of ``menu``'s first submenu (File > Open Recent): entries go in above it."""
    return next((a for a in menu.actions() if a.menu() is not None), None)


def insert_action(menu: QMenu, before: QAction | None, action: QAction) -> None:
    """Put ``action`` in ``menu`` above ``before``, or at the end when that is None."""
    if before is None:
        menu.addAction(action)
    else:
        menu.insertAction(before, action)


def build_toolbar(w: MainWindow) -> QToolBar:
    """File label, Edit/Live, Run/Pause/Step/Stop, speed, layout, zoom, fit, run state."""
    acts = w.actions_
    bar = QToolBar("Main", w)
    bar.setObjectName("MainToolBar")
    bar.setMovable(False)
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
    w.file_label = named(QLabel("untitled"), "fileLabel")
    bar.addWidget(w.file_label)
    w.mode_group = QButtonGroup(w)
    for i, name in enumerate(("Edit", "Live")):
        button = named(QToolButton(), f"mode{name}")
        button.setText(name)
        button.setCheckable(True)
        w.mode_group.addButton(button, i)
        bar.addWidget(button)
    w.mode_group.button(0).setChecked(True)
    w.mode_group.idClicked.connect(w.on_mode_clicked)
    bar.addSeparator()
    bar.addAction(acts["run"])
    run_button = cast(QToolButton, bar.widgetForAction(acts["run"]))  # a tool bar's own kind
    run_button.setObjectName("runButton")
    run_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    for name in ("pause", "step", "stop"):
        bar.addAction(acts[name])
    bar.addSeparator()
    bar.addWidget(QLabel(" Speed "))
    w.speed_slider = QSlider(Qt.Orientation.Horizontal)
    w.speed_slider.setRange(0, 100)
    w.speed_slider.setValue(100)
    w.speed_slider.setFixedWidth(110)
    w.speed_slider.valueChanged.connect(w.on_speed_changed)
    bar.addWidget(w.speed_slider)
    w.speed_label = named(QLabel("1\u00d7 real time"), "runStateLabel")
    bar.addWidget(w.speed_label)
    bar.addSeparator()
    w.live_tools_anchor = bar.addSeparator()  # the live view inserts Traffic/Tokens before this
    bar.addAction(acts["layout"])
    spacer = QWidget()
    spacer.setSizePolicy(spacer.sizePolicy().Policy.Expanding, spacer.sizePolicy().Policy.Preferred)
    bar.addWidget(spacer)
    bar.addAction(acts["zoom_out"])
    w.zoom_label = named(QLabel("100%"), "runStateLabel")
    bar.addWidget(w.zoom_label)
    bar.addAction(acts["zoom_in"])
    bar.addAction(acts["fit"])
    w.run_state_label = named(QLabel("● EDITING"), "runStateLabel")
    bar.addWidget(w.run_state_label)
    w.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
    return bar


def refresh_icons(w: MainWindow, color: QColor) -> None:
    """Re-tint every action icon for the theme's text colour."""
    for act in w.actions_.values():
        name = act.data()
        if name:
            act.setIcon(icon(name, color))
    for bar in w.findChildren(QToolBar):
        # Qt's own overflow button: drawn with no visible arrow in our themes, it hid the tools
        # a narrow window cannot show (zoom, fit, the run state) where nobody would look
        more = bar.findChild(QToolButton, "qt_toolbar_ext_button")
        if more is not None:
            more.setIcon(icon("more", color))
            more.setToolTip("More tools: the window is too narrow to show them all")
