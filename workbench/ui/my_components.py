"""Gives the window the user's own components: loaded at start, edited in a dock, reloaded.

Sits between the window and ``workbench.runtime.user_components``. The folder is
``<AppDataLocation>/components`` unless the window is given another one; files the user pointed
at elsewhere are remembered in the settings (``components/files``). At start the files there
are loaded (so saved graphs that use them open whole); Graph > My Components… opens the editor
dock (writing the template component when the folder is empty), and Save && Reload or
Graph > Reload My Components reloads them. When the catalog changes the palette and the quick-add
list are rebuilt and, if the open graph uses a changed component, the canvas is redrawn with its
new boxes. Reloading waits until no run is going (the run uses the classes it was built with).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QStandardPaths, Qt
from PySide6.QtGui import QAction, QKeySequence

from workbench.runtime.user_components import CATEGORY, LoadResult, UserComponents
from workbench.ui.panels.components_editor import ComponentsEditorDock
from workbench.ui.toolbar import menu_named

log = logging.getLogger(__name__)

FILES_KEY = "components/files"


def default_components_dir() -> Path:
    """``<AppDataLocation>/components``."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".kamaelia-workbench") / "components"


class MyComponents(QObject):
    """The window's user components: the files, the editor dock, the menu actions.

    Attributes:
        components: The files and what their loads put in the catalog.
        dock: The editor (None until first opened).
        last: The results of the last load.
    """

    def __init__(self, window: Any, folder: Path | None = None) -> None:
        super().__init__(window)
        self.window = window
        saved = window.settings.value(FILES_KEY, [])
        files = [saved] if isinstance(saved, str) else list(saved or [])
        self.components = UserComponents(
            window.catalog,
            folder if folder is not None else default_components_dir(),
            [Path(p) for p in files if Path(p).is_file()],
        )
        self.last: list[LoadResult] = []
        self._unsubscribe = window.catalog.subscribe(self._on_catalog)
        self.dock: ComponentsEditorDock | None = None
        """Made when first opened (a window that never edits a component holds no editor)."""
        self.edit_action = QAction("My &Components…", window)
        self.edit_action.setToolTip("Write your own component, then reload it into the palette")
        self.edit_action.triggered.connect(lambda _checked=False: self.open_editor())
        self.reload_action = QAction("&Reload My Components", window)
        self.reload_action.setShortcut(QKeySequence("Ctrl+Shift+R"))
        self.reload_action.triggered.connect(lambda _checked=False: self.reload())
        window.actions_["my_components"] = self.edit_action
        window.actions_["reload_components"] = self.reload_action
        menu = menu_named(window, "Graph")
        if menu is not None:
            menu.addSeparator()
            menu.addAction(self.edit_action)
            menu.addAction(self.reload_action)
        window.scene.theme_changed.connect(self._on_theme)
        if self.components.files():
            self.reload(quiet=True)

    def editor_dock(self) -> ComponentsEditorDock:
        """The editor dock (made, tabbed with the message log and hidden, on first use)."""
        if self.dock is None:
            window = self.window
            dock = ComponentsEditorDock(self.components, window)
            window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
            log_dock = getattr(getattr(window, "live", None), "log_dock", None)
            if log_dock is not None:
                window.tabifyDockWidget(log_dock, dock)
            dock.hide()
            dock.reload_requested.connect(self.reload)
            dock.file_chosen.connect(self.add_file)
            dock.set_theme(window.scene.theme)
            if self.last:
                dock.show_results(self.last)
            self.dock = dock
        return self.dock

    def _on_theme(self) -> None:
        if self.dock is not None:
            self.dock.set_theme(self.window.scene.theme)

    def close(self) -> None:
        """Stop following the catalog (the window shuts down)."""
        self._unsubscribe()

    def open_editor(self, path: Path | None = None) -> bool:
        """Show the editor with ``path`` (the folder's first file, the template written there
        when there is none); False when the folder cannot be written."""
        if path is None:
            try:
                path = self.components.ensure_template()
            except OSError as exc:
                self.window.show_status(f"Cannot make {self.components.folder}: {exc}", True)
                return False
        dock = self.editor_dock()
        dock.show()
        dock.raise_()
        return dock.open_path(path)

    def add_file(self, path: str | Path) -> None:
        """Point the app at a components file elsewhere: remember it, load it, show it."""
        try:
            chosen = self.components.add_file(Path(path))
        except ValueError as exc:
            self.window.show_status(str(exc), error=True)
            return
        self.window.settings.setValue(FILES_KEY, [str(p) for p in self.components.extra])
        self.open_editor(chosen)
        self.reload()

    def reload(self, quiet: bool = False) -> list[LoadResult]:
        """Load every file again (refused while a run is going); returns the results."""
        if self.window.run.running:
            self.window.show_status("Stop the run first: it uses the components it was built with")
            return []
        self.last = self.components.reload()
        if self.dock is not None:
            self.dock.show_results(self.last)
        errors = [r.error for r in self.last if not r.ok]
        classes = self.components.class_count()
        if errors:
            self.window.log.append(f"My components: {errors[0]}", "error")
            self.window.show_status(f"My components: {errors[0]}", error=True)
        elif not quiet:
            self.window.show_status(f"{classes} of your components in the palette ({CATEGORY})")
        return self.last

    def _on_catalog(self, ids: list[str]) -> None:
        w = self.window
        w.palette_dock.refresh()
        w.quick_add._filter(w.quick_add.edit.text())
        changed = set(ids)
        if any(node.component in changed for node in w.graph.nodes):
            w.scene.rebuild()  # the new version's boxes
            w.properties.set_node(None)


def install_my_components(window: Any, folder: Path | None = None) -> MyComponents:
    """Add the user's components to ``window`` (keep the returned object)."""
    return MyComponents(window, folder)
