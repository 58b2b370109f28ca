"""The window's File menu: new, open, save, export and recovery of the graph document.

Sits between the File menu (and the command line, and the document tabs) and the
DocumentController, which reads and writes files: here the window asks what becomes of unsaved
changes, stops the run before a document goes, and keeps its title and Open Recent menu in step
with the document. A ``.jsonl`` file opened here is a recording and goes to the replay.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QMessageBox

from workbench.resources import AssetError, example_path
from workbench.ui.documents import FILE_FILTER, SUFFIX

if TYPE_CHECKING:
    from workbench.ui.main_window import MainWindow


class FileActions:
    """What the File menu does to the window's document.

    Args:
        window: The MainWindow (its ``docs``, ``run`` and feedback).
    """

    def __init__(self, window: MainWindow) -> None:
        self.window = window

    def maybe_save(self) -> bool:
        """True when it is fine to drop the current document."""
        w = self.window
        if not w.docs.dirty:
            return True
        answer = w.ask_save_changes()  # the window's, so that a test can answer it
        if answer == "save":
            return self.save_file()
        return answer == "discard"

    def new_file(self) -> None:
        """Start an empty graph."""
        if self.maybe_save():
            self.window.stop_graph()
            self.window.docs.new()

    def open_file(self, path: str | None = None, copy: bool = False) -> bool:
        """Open ``path`` (asks for one when None); ``copy``: as an untitled copy of it."""
        w = self.window
        if not self.maybe_save():
            return False
        if path is None:
            path, _ = QFileDialog.getOpenFileName(w, "Open graph", "", FILE_FILTER)
            if not path:
                return False
        if str(path).endswith(".jsonl"):  # a recording: replay it
            return w.watch.open_recording(str(path), asked=True)
        w.stop_graph()
        w.run.allow_code = False  # trust is given per document
        if w.docs.open(path, copy=copy):
            w.run.reset_badges()
            w.view.fit_all()
            how = "a copy of " if copy else ""
            w.show_status(f"Opened {how}{Path(path).name}")
            return True
        return False

    def open_example(self, name: str) -> bool:
        """Open a copy of the shipped example graph ``name`` (File > Open Example): saving
        it asks where, the example stays as shipped."""
        try:
            path = example_path(name)
        except AssetError as exc:
            self.window.report(f"Cannot open the example: {exc}", "error")
            return False
        return self.open_file(str(path), copy=True)

    def save_file(self) -> bool:
        """Save to the current file (asks for a name the first time)."""
        if self.window.docs.path is None:
            return self.save_file_as()
        return self.window.docs.save()

    def save_file_as(self, path: str | None = None) -> bool:
        """Save under a new name."""
        if path is None:
            origin = self.window.docs.origin  # a copy of an example: offer its name
            suggested = origin.name if origin is not None else "untitled" + SUFFIX
            path, _ = QFileDialog.getSaveFileName(self.window, "Save graph", suggested, FILE_FILTER)
            if not path:
                return False
        return self.window.docs.save(path)

    def export_python(self, path: str | None = None) -> bool:
        """Write the graph as a runnable Python program (``workbench.model.codegen``)."""
        w = self.window
        try:
            from workbench.model import codegen
        except ImportError:
            w.report("Export to Python needs workbench.model.codegen (not there yet)", "warning")
            return False
        generate = getattr(codegen, "export_python", None)
        if generate is None:
            w.report("workbench.model.codegen has no export_python()", "warning")
            return False
        if path is None:
            path, _ = QFileDialog.getSaveFileName(w, "Export Python", "graph.py", "Python (*.py)")
            if not path:
                return False
        try:
            Path(path).write_text(generate(w.graph, w.catalog), encoding="utf-8")
        except (OSError, ValueError) as exc:
            w.report(f"Export failed: {exc}", "error")
            return False
        w.show_status(f"Exported {path}")
        return True

    def offer_recovery(self) -> None:
        """After a crash, offer to recover the autosaved copies left behind."""
        docs = self.window.docs
        for copy_path in docs.pending_recoveries():
            answer = QMessageBox.question(
                self.window, "Recover", f"Recover unsaved work from {copy_path.name}?"
            )
            if answer == QMessageBox.StandardButton.Yes:
                docs.recover(copy_path)
                return
            copy_path.unlink(missing_ok=True)

    # -- what the window shows of the document ---------------------------------------------
    def update_title(self) -> None:
        """The file label, the window title and its modified mark, the document tabs."""
        w = self.window
        name = w.docs.display_name()
        w.file_label.setText(name + (" \u2022" if w.docs.dirty else ""))
        w.setWindowTitle(f"{name}[*] \u2014 Kamaelia Workbench")
        w.setWindowModified(w.docs.dirty)
        w.chrome.update_documents()

    def update_recent(self, paths: list[str]) -> None:
        """Fill File > Open Recent with ``paths`` (newest first)."""
        w = self.window
        w.recent_menu.clear()
        for path in paths:
            act = w.recent_menu.addAction(Path(path).name)
            act.setToolTip(path)
            act.triggered.connect(lambda _c=False, p=path: self.window.open_file(p))
        w.recent_menu.setEnabled(bool(paths))
        w.chrome.update_documents()
