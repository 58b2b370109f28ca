"""The window's exports of pictures: File > Export Canvas as PNG… / SVG… and Export Comic Strip….

Installed by the MainWindow (``install_exports``). The canvas exports draw the window's scene
as it stands (design cards, and while a run is watched its live cards, links, counter pills and
tokens), the whole drawing or the visible area, at 1x or 2x for a PNG (``workbench.ui.export``).
The comic strip (also on the replay bar, for the recording being replayed) is drawn from the
recording on a scene of its own (``workbench.ui.comic``), so the run the window shows goes on
undisturbed. What was written, or why not, goes to the status bar; a dialog stays open with the
reason when its choice cannot be carried out.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QApplication, QToolButton

from workbench.ui import export
from workbench.ui.comic import ComicError, render_comic
from workbench.ui.export_dialogs import CanvasExportDialog, ComicDialog
from workbench.ui.theme import named

log = logging.getLogger(__name__)


class Exports(QObject):
    """The export actions of one MainWindow.

    Attributes:
        dialog: The export dialog open now, or None (tests fill it in and press OK).
        last_written: The files the last export wrote.
    """

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.dialog: CanvasExportDialog | ComicDialog | None = None
        self.last_written: list[Path] = []
        self.png_action = QAction("Export Canvas as &PNG…", window)
        self.png_action.setToolTip("Save a picture of the canvas (with the live view, if running)")
        self.png_action.triggered.connect(lambda: self.ask_canvas("png"))
        self.svg_action = QAction("Export Canvas as S&VG…", window)
        self.svg_action.setToolTip("Save the canvas as a scalable drawing")
        self.svg_action.triggered.connect(lambda: self.ask_canvas("svg"))
        self.comic_action = QAction("Export Co&mic Strip…", window)
        self.comic_action.setToolTip(
            "Draw the canvas at moments of a recording, captioned, side by side in one picture"
        )
        self.comic_action.triggered.connect(lambda: self.ask_comic())
        self._place_actions()
        self._add_to_replay_bar()

    def _place_actions(self) -> None:
        w = self.window
        python = w.actions_.get("export")
        for action in w.menuBar().actions():
            menu = action.menu()
            if menu is None or action.text().replace("&", "") != "File":
                continue
            entries = menu.actions()
            after = entries.index(python) + 1 if python in entries else len(entries)
            before = entries[after] if after < len(entries) else None
            for act in (self.png_action, self.svg_action, self.comic_action):
                menu.insertAction(before, act)
        w.actions_.update(
            export_png=self.png_action, export_svg=self.svg_action, export_comic=self.comic_action
        )

    def _add_to_replay_bar(self) -> None:
        bar = getattr(getattr(self.window, "watch", None), "bar", None)
        if bar is None or bar.layout() is None:
            return
        self.comic_button = named(QToolButton(), "comicButton")
        self.comic_button.setText("Comic…")
        self.comic_button.setToolTip("Export a comic strip of this recording")
        self.comic_button.clicked.connect(lambda: self.ask_comic())
        bar.layout().addWidget(self.comic_button)

    def _status(self, text: str, error: bool = False) -> None:
        self.window.show_status(text, error=error)

    # -- the canvas -------------------------------------------------------------------------
    def ask_canvas(self, fmt: str) -> CanvasExportDialog:
        """Open the dialog for a canvas PNG or SVG ("png" / "svg")."""
        docs = self.window.docs
        name = Path(docs.display_name()).name.split(".")[0] or "canvas"
        folder = docs.path.parent if docs.path is not None else None  # beside the graph
        offered = str(folder / f"{name}.{fmt}") if folder is not None else f"{name}.{fmt}"
        dialog = CanvasExportDialog(fmt, offered, self.window)
        dialog.chosen.connect(self._canvas_chosen)
        self._open(dialog)
        return dialog

    def _canvas_chosen(self, path: str, visible: bool, scale: float) -> None:
        dialog = self.dialog
        error = self.export_canvas(path, visible, scale)
        if dialog is None:
            return
        if error:
            dialog.show_error(error, self.window.scene.theme.error.name())
        else:
            dialog.accept()

    def export_canvas(self, path: str, visible: bool = False, scale: float = 1.0) -> str:
        """Write the canvas to ``path`` (.png or .svg); returns "" or what went wrong.

        Args:
            path: The file; its suffix picks the format.
            visible: Only what the view shows now (else the whole drawing).
            scale: PNG pixels per scene unit (relative to 100 % zoom for the visible area).
        """
        w = self.window
        if not path:
            return "Say where the picture goes"
        source = None
        if visible:
            view = w.view
            source = view.mapToScene(view.viewport().rect()).boundingRect()
            scale *= view.zoom()  # the visible area at the size it is seen
        w.scene.reroute_links()
        try:
            written = export.export_scene(w.scene, path, source, scale, w.docs.display_name())
        except export.ExportError as exc:
            self._status(f"Export failed: {exc}", error=True)
            return str(exc)
        self.last_written = [written]
        self._status(f"Exported the canvas to {written}")
        return ""

    # -- comic strips -----------------------------------------------------------------------
    def ask_comic(self) -> ComicDialog:
        """Open the comic strip dialog, on the recording being replayed if there is one."""
        replay = getattr(self.window.watch, "replay", None)
        recording, start, end, out = "", "", "", "comic.png"
        if replay is not None:
            recording = str(replay.path)
            out = str(replay.path.with_name(f"{replay.path.stem}_comic.png"))
            start = "0"
            end = f"{replay.position:.2f}" if replay.position > 0.05 else f"{replay.duration:.2f}"
        dialog = ComicDialog(recording, start, end, out, self.window)
        dialog.chosen.connect(self._comic_chosen)
        self._open(dialog)
        return dialog

    def _comic_chosen(self, choice: dict) -> None:
        dialog = self.dialog
        if dialog is not None:
            dialog.setEnabled(False)
        try:
            error = self.export_comic(**choice)
        finally:
            if dialog is not None:
                dialog.setEnabled(True)
        if dialog is None:
            return
        if error:
            dialog.show_error(error, self.window.scene.theme.error.name())
        else:
            dialog.accept()

    def export_comic(
        self,
        recording: str,
        out: str,
        start: str | float | None = None,
        end: str | float | None = None,
        panels: int = 6,
        columns: int = 3,
        svg: str | None = None,
    ) -> str:
        """Draw a comic strip of ``recording`` into ``out`` (and ``svg``); "" or the reason."""
        w = self.window
        if not recording:
            return "Choose a recording (File > Record… makes one)"
        if not out:
            return "Say where the comic strip goes"
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            written = render_comic(
                recording, out, start or None, end or None, panels, columns,
                theme=w.scene.theme.name, svg_path=svg, catalog=w.catalog,
                progress=self._progress,
            )  # fmt: skip
        except ComicError as exc:
            self._status(f"No comic strip: {exc}", error=True)
            return str(exc)
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.last_written = [written] + ([Path(svg)] if svg else [])
        also = f" and {svg}" if svg else ""
        self._status(f"Comic strip saved to {written}{also}")
        return ""

    def _progress(self, done: int, total: int) -> bool:
        """Between panels: say how far it got and let the window (and its run) go on."""
        self._status(f"Drawing the comic strip: panel {done} of {total}…")
        QApplication.processEvents()
        return True

    def _open(self, dialog: CanvasExportDialog | ComicDialog) -> None:
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = dialog
        dialog.finished.connect(lambda _r, d=dialog: self._closed(d))
        dialog.open()

    def _closed(self, dialog: CanvasExportDialog | ComicDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()


def install_exports(window: Any) -> Exports:
    """Give ``window`` (a MainWindow) its picture exports; returns them (keep a reference)."""
    return Exports(window)
