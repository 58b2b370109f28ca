"""The small dialogs of the export actions: where a canvas picture goes, and what a comic shows.

Used by ``workbench.ui.export_actions``: each dialog only gathers choices and emits them
(``chosen``); the installer does the work and answers with ``show_error`` when it fails, so the
dialog stays open with the reason and what was typed. Non-modal (``open()``), so a test can fill
it in and press OK.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from workbench.ui.comic_plan import MAX_PANELS, MIN_PANELS
from workbench.ui.theme import named

RECORDING_FILTER = "Kamaelia recordings (*.jsonl);;All files (*)"
PNG_FILTER = "PNG pictures (*.png)"
SVG_FILTER = "SVG drawings (*.svg)"


class PathField(QWidget):
    """A path line with a Browse… button (a save or an open file dialog)."""

    def __init__(self, text: str, file_filter: str, save: bool, caption: str) -> None:
        super().__init__()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit(text)
        self.edit.setMinimumWidth(320)
        layout.addWidget(self.edit)
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        layout.addWidget(browse)
        self._filter, self._save, self._caption = file_filter, save, caption

    def text(self) -> str:
        """The path typed or chosen."""
        return self.edit.text().strip()

    def _browse(self) -> None:
        ask = QFileDialog.getSaveFileName if self._save else QFileDialog.getOpenFileName
        path, _ = ask(self, self._caption, self.text(), self._filter)
        if path:
            self.edit.setText(path)


class _Dialog(QDialog):
    """OK / Cancel and a red line for what went wrong."""

    def _finish(self, layout: QVBoxLayout) -> None:
        self.error = named(QLabel("", wordWrap=True), "exportError")
        self.error.setVisible(False)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._submit)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout.addWidget(buttons)

    def show_error(self, text: str, color: str = "#f85149") -> None:
        """Say what went wrong; the dialog stays open."""
        self.error.setStyleSheet(f"color: {color};")
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def _submit(self) -> None:
        raise NotImplementedError


class CanvasExportDialog(_Dialog):
    """Export Canvas as PNG / SVG: the file, the whole drawing or the visible area, the scale.

    Args:
        fmt: "png" or "svg" (an SVG has no scale).
        path: The file offered.
    """

    chosen = Signal(str, bool, float)  #: (path, visible area only, scale)

    def __init__(self, fmt: str, path: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("canvasExportDialog")
        self.fmt = fmt
        self.setWindowTitle(f"Export canvas as {fmt.upper()}")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.path = PathField(path, PNG_FILTER if fmt == "png" else SVG_FILTER, True, "Export")
        form.addRow("Save to:", self.path)
        self.area = QComboBox()
        self.area.addItem("The whole canvas", False)
        self.area.addItem("The visible area", True)
        form.addRow("Area:", self.area)
        self.scale = QComboBox()
        for scale in (1.0, 2.0):
            self.scale.addItem(f"{scale:g}\u00d7 ({'screen' if scale == 1 else 'sharp'})", scale)
        self.scale.setEnabled(fmt == "png")
        form.addRow("Scale:", self.scale)
        layout.addLayout(form)
        self._finish(layout)

    def _submit(self) -> None:
        self.chosen.emit(self.path.text(), bool(self.area.currentData()),
                         float(self.scale.currentData()))  # fmt: skip


class ComicDialog(_Dialog):
    """Export Comic Strip: the recording, from and to, panels, columns, the files.

    Args:
        recording: The recording offered ("" to choose one).
        start, end: The moments offered (seconds, or ``@SEQ``).
        out: The PNG offered.
    """

    chosen = Signal(dict)  #: recording, out, svg (or None), start, end, panels, columns

    def __init__(
        self, recording: str, start: str, end: str, out: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("comicDialog")
        self.setWindowTitle("Export comic strip")
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Draws the canvas at moments between two times of a recording, each panel captioned "
            "with its time and the event that just happened. Moments are seconds into the "
            "recording (2.5) or an event's number from the log (@120).",
            wordWrap=True,
        )
        named(intro, "mutedLabel")
        layout.addWidget(intro)
        form = QFormLayout()
        self.recording = PathField(recording, RECORDING_FILTER, False, "Recording")
        form.addRow("Recording:", self.recording)
        self.start = QLineEdit(start, placeholderText="the start")
        self.end = QLineEdit(end, placeholderText="the end")
        form.addRow("From:", self.start)
        form.addRow("To:", self.end)
        self.panels = QSpinBox(minimum=MIN_PANELS, maximum=MAX_PANELS, value=6)
        form.addRow("Panels:", self.panels)
        self.columns = QSpinBox(minimum=1, maximum=MAX_PANELS, value=3)
        form.addRow("Columns:", self.columns)
        self.out = PathField(out, PNG_FILTER, True, "Save comic strip")
        form.addRow("Save to:", self.out)
        self.svg = QCheckBox("Also save an SVG beside it")
        form.addRow("", self.svg)
        layout.addLayout(form)
        self._finish(layout)

    def _submit(self) -> None:
        out = self.out.text()
        self.chosen.emit(
            {
                "recording": self.recording.text(),
                "out": out,
                "svg": str(Path(out).with_suffix(".svg")) if self.svg.isChecked() and out else None,
                "start": self.start.text(),
                "end": self.end.text(),
                "panels": self.panels.value(),
                "columns": min(self.columns.value(), self.panels.value()),
            }
        )
