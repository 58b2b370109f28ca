"""Keeps the window's graph tied to a file: open, save, save as, recent files, autosave, recover.

The graph object never changes identity (the scene observes it): opening a file replaces its
content through ``Graph.replace_with``. "Saved" is the undo stack's clean state. Autosave writes a
copy under QStandardPaths' app data (or a given folder) while there are unsaved changes; a normal
close removes it, so a file left there after a start means the last session crashed.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, QStandardPaths, QTimer, Signal
from PySide6.QtGui import QUndoStack

from workbench.model import Catalog, Graph, GraphFileError, load, save

log = logging.getLogger(__name__)

SUFFIX = ".kgraph.json"
FILE_FILTER = "Kamaelia graphs (*.kgraph.json *.json);;All files (*)"
MAX_RECENT = 8
AUTOSAVE_MS = 30_000


def default_autosave_dir() -> Path:
    """``<AppDataLocation>/autosave``."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".kamaelia-workbench") / "autosave"


def doc_title(path: str | Path | None) -> str:
    """ "echo_server" for ``.../echo_server.kgraph.json``; "untitled" for None."""
    if path is None:
        return "untitled"
    name = Path(path).name
    return name[: -len(SUFFIX)] if name.endswith(SUFFIX) else Path(name).stem


class DocumentController(QObject):
    """File state of one graph.

    Attributes:
        path: the file the graph was opened from / saved to, or None (untitled).
    """

    path_changed = Signal(object)  #: new path (Path or None)
    recent_changed = Signal(list)  #: recent file paths (strings), newest first
    error = Signal(str)  #: a file could not be read or written

    def __init__(
        self,
        graph: Graph,
        catalog: Catalog,
        stack: QUndoStack,
        settings: QSettings,
        autosave_dir: Path | None = None,
        parent: QObject | None = None,
    ) -> None:
        """Bind to the graph, its undo stack and the settings (recent files)."""
        super().__init__(parent)
        self.graph = graph
        self.catalog = catalog
        self.stack = stack
        self.settings = settings
        self.path: Path | None = None
        self.watching: str | None = None
        """What a watched run's document shows (a recording, a program): set by ``watch``."""
        self.origin: Path | None = None
        """The file an untitled copy was made from (a shipped example or lesson graph): Save
        asks for a name and never writes there."""
        self.autosave_dir = Path(autosave_dir) if autosave_dir else default_autosave_dir()
        self._autosave = QTimer(self, interval=AUTOSAVE_MS)
        self._autosave.timeout.connect(self.autosave)
        self._autosave.start()

    # -- state ---------------------------------------------------------------------------
    @property
    def dirty(self) -> bool:
        """True when there are unsaved changes."""
        return not self.stack.isClean()

    @property
    def source(self) -> Path | None:
        """The file the graph came from: its own, or the one an untitled copy was made from."""
        return self.path if self.path is not None else self.origin

    def display_name(self) -> str:
        """File name for titles ("untitled" before the first save)."""
        if self.path is None and self.watching:
            return self.watching
        if self.path is None and self.origin is not None:
            return f"{doc_title(self.origin)} (copy)"
        return self.path.name if self.path else "untitled"

    def short_title(self) -> str:
        """The document's name without the file suffix ("echo_server", "untitled")."""
        return doc_title(self.path) if self.path is not None else self.display_name()

    def watch(self, title: str) -> None:
        """An empty document for watching a run no file holds (a recording, a program)."""
        self.new()
        self.watching = title
        self._set_path(None)

    def _set_path(self, path: Path | None, origin: Path | None = None) -> None:
        if path is not None:
            self.watching = None
        self.origin = origin
        self.path = path
        self.path_changed.emit(path)
        if path is not None:
            self.add_recent(path)

    # -- file operations -----------------------------------------------------------------
    def new(self) -> None:
        """Empty document, no file."""
        self.watching = None
        self.discard_autosave()
        self.graph.replace_with(Graph())
        self.stack.clear()
        self._set_path(None)

    def open(self, path: str | os.PathLike[str], copy: bool = False) -> bool:
        """Load ``path`` into the graph; False (and ``error``) when it cannot be read.

        With ``copy`` the document stays untitled (``origin`` names ``path``): what a user
        changes in a shipped example is saved where they choose, not over the example.
        """
        target = Path(path)
        try:
            loaded = load(target, self.catalog)
        except (GraphFileError, OSError) as exc:
            self.error.emit(f"Cannot open {target.name}: {exc}")
            return False
        self.discard_autosave()
        self.graph.replace_with(loaded)
        self.stack.clear()
        if copy:
            self.watching = None
            self._set_path(None, origin=target)
        else:
            self._set_path(target)
        return True

    def save(self, path: str | os.PathLike[str] | None = None) -> bool:
        """Write to ``path`` (or the current path); False (and ``error``) on failure."""
        target = Path(path) if path is not None else self.path
        if target is None:
            self.error.emit("No file name to save to")
            return False
        try:
            save(self.graph, target)
        except (GraphFileError, OSError) as exc:
            self.error.emit(f"Cannot save {target.name}: {exc}")
            return False
        self.stack.setClean()
        self.discard_autosave()
        self._set_path(target)
        return True

    # -- recent files --------------------------------------------------------------------
    def recent(self) -> list[str]:
        """Recent files that still exist, newest first."""
        value = self.settings.value("files/recent", [])
        if isinstance(value, str):  # an INI file gives one entry as a string
            items = [value]
        else:
            items = list(value) if isinstance(value, list) else []
        return [p for p in items if Path(p).exists()]

    def add_recent(self, path: Path) -> None:
        """Put ``path`` first in the recent list."""
        items = [str(path.resolve())] + [p for p in self.recent() if p != str(path.resolve())]
        self.settings.setValue("files/recent", items[:MAX_RECENT])
        self.recent_changed.emit(items[:MAX_RECENT])

    # -- autosave ------------------------------------------------------------------------
    def autosave_path(self) -> Path:
        """Where this window autosaves (one file per process and document name)."""
        stem = self.display_name().removesuffix(SUFFIX).removesuffix(".json")
        return self.autosave_dir / f"{stem}-{os.getpid()}{SUFFIX}"

    def autosave(self) -> Path | None:
        """Write the autosave copy if there are unsaved changes; returns its path."""
        if not self.dirty:
            return None
        target = self.autosave_path()
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            save(self.graph, target)
        except (GraphFileError, OSError) as exc:
            log.warning("autosave to %s failed: %s", target, exc)
            return None
        return target

    def discard_autosave(self) -> None:
        """Remove this window's autosave copy (after a save or a clean close)."""
        self.autosave_path().unlink(missing_ok=True)

    def pending_recoveries(self) -> list[Path]:
        """Autosave copies left by sessions that did not close normally."""
        if not self.autosave_dir.is_dir():
            return []
        mine = self.autosave_path().name
        return sorted(p for p in self.autosave_dir.glob(f"*{SUFFIX}") if p.name != mine)

    def recover(self, copy_path: Path) -> bool:
        """Load an autosave copy as an unsaved, untitled document and remove the copy."""
        try:
            loaded = load(copy_path, self.catalog)
        except (GraphFileError, OSError) as exc:
            self.error.emit(f"Cannot recover {copy_path.name}: {exc}")
            return False
        self.graph.replace_with(loaded)
        self.stack.clear()
        self.stack.resetClean()
        self._set_path(None)
        copy_path.unlink(missing_ok=True)
        return True

    def close(self) -> None:
        """Stop the autosave timer and drop the copy (normal close)."""
        self._autosave.stop()
        self.discard_autosave()
