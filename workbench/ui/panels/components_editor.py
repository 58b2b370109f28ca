"""The "My components" editor: write a component in the window, save it, reload the palette.

Shows one of the user's component files (``workbench.runtime.user_components``) in a plain code
editor with Python colouring. "Save && Reload" writes the file and asks the window to reload the
user's components; the result comes back through :meth:`ComponentsEditorDock.show_results`: the
classes now under "My components" in the palette, or the error with its line, which is marked
in the text and where the cursor goes. "Open file…" points the app at a ``.py`` file elsewhere.
"""

from __future__ import annotations

import keyword
import logging
from pathlib import Path

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from workbench.runtime.user_components import CATEGORY, LoadResult, UserComponents
from workbench.ui.theme import DARK, Theme, mono_font, named

log = logging.getLogger(__name__)


class PythonHighlighter(QSyntaxHighlighter):
    """Colours keywords, strings, comments, numbers and decorators (one line at a time; a
    triple-quoted string spanning lines is carried in the block state)."""

    def __init__(self, document: QTextDocument, theme: Theme = DARK) -> None:
        super().__init__(document)
        self.rules: list[tuple[QRegularExpression, QTextCharFormat]] = []
        self.string_format = QTextCharFormat()
        self.set_theme(theme)

    def set_theme(self, theme: Theme) -> None:
        """Pick the colours from ``theme`` and recolour."""

        def fmt(color: QColor, bold: bool = False, italic: bool = False) -> QTextCharFormat:
            out = QTextCharFormat()
            out.setForeground(color)
            if bold:
                out.setFontWeight(QFont.Weight.Bold)
            out.setFontItalic(italic)
            return out

        words = "|".join([*keyword.kwlist, "self"])
        self.string_format = fmt(theme.new)
        self.rules = [
            (QRegularExpression(rf"\b({words})\b"), fmt(theme.accent, bold=True)),
            (QRegularExpression(r"\b\d+(\.\d+)?\b"), fmt(theme.control)),
            (QRegularExpression(r"@\w+"), fmt(theme.eos)),
            (QRegularExpression(r"\bclass\s+(\w+)"), fmt(theme.categories["Internet"], True)),
            (QRegularExpression(r"'[^'\\]*(\\.[^'\\]*)*'"), self.string_format),
            (QRegularExpression(r'"[^"\\]*(\\.[^"\\]*)*"'), self.string_format),
            (QRegularExpression(r"#[^\n]*"), fmt(theme.muted, italic=True)),
        ]
        self.rehighlight()

    def highlightBlock(self, text: str) -> None:
        """Colour one line."""
        for pattern, form in self.rules:
            matches = pattern.globalMatch(text)
            while matches.hasNext():
                match = matches.next()
                self.setFormat(match.capturedStart(), match.capturedLength(), form)
        self._triple_quotes(text)

    def _triple_quotes(self, text: str) -> None:
        start = 0
        inside = self.previousBlockState() == 1
        self.setCurrentBlockState(0)
        while True:
            if not inside:
                found = min((i for i in (text.find('"""', start), text.find("'''", start))
                             if i >= 0), default=-1)  # fmt: skip
                if found < 0:
                    return
                start = found
                search_from = found + 3
            else:
                search_from = start
            end = max(text.find('"""', search_from), text.find("'''", search_from))
            if end < 0:
                self.setFormat(start, len(text) - start, self.string_format)
                self.setCurrentBlockState(1)
                return
            self.setFormat(start, end + 3 - start, self.string_format)
            start, inside = end + 3, False


class ComponentsEditorDock(QDockWidget):
    """Edits the user's component files.

    Args:
        components: The user's component files (folder and chosen files).
        parent: The window.
    """

    reload_requested = Signal()  #: the file was saved: reload the user's components
    file_chosen = Signal(str)  #: the user pointed the app at this ``.py`` file

    def __init__(self, components: UserComponents, parent: QWidget | None = None) -> None:
        super().__init__("My components", parent)
        self.setObjectName("ComponentsEditorDock")
        self.components = components
        self.theme: Theme = DARK
        self.path: Path | None = None
        self._loading = False
        self._error_line: int | None = None
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(6)
        bar = QHBoxLayout()
        self.file_combo = named(QComboBox(), "componentFiles")
        self.file_combo.setMinimumWidth(220)
        self.file_combo.activated.connect(self._on_file_picked)
        self.open_button = QPushButton("Open file…")
        self.open_button.setToolTip("Point the app at a .py file of components anywhere")
        self.open_button.clicked.connect(self._choose_file)
        self.save_button = QPushButton("Save")
        self.save_button.clicked.connect(self.save)
        self.reload_button = named(QPushButton("Save && Reload"), "primaryButton")
        self.reload_button.setToolTip(
            f"Save, then load your components into the palette's {CATEGORY!r} (Ctrl+Shift+R)"
        )
        self.reload_button.clicked.connect(self.save_and_reload)
        self.status = named(QLabel(), "componentsStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bar.addWidget(self.file_combo)
        bar.addWidget(self.open_button)
        bar.addWidget(self.save_button)
        bar.addWidget(self.reload_button)
        bar.addWidget(self.status, 1)
        layout.addLayout(bar)
        self.editor = named(QPlainTextEdit(), "componentSource")
        self.editor.setFont(mono_font(10))
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.editor.setTabStopDistance(self.editor.fontMetrics().horizontalAdvance(" ") * 4)
        self.editor.textChanged.connect(self._on_edited)
        self.highlighter = PythonHighlighter(self.editor.document())
        layout.addWidget(self.editor, 1)
        self.setWidget(body)

    # -- files ---------------------------------------------------------------------------------
    def refresh_files(self) -> None:
        """List the component files (the folder's, then the chosen ones)."""
        files = self.components.files()
        self.file_combo.clear()
        for path in files:
            where = "" if path.parent == self.components.folder else f"  ({path.parent})"
            self.file_combo.addItem(path.name + where, str(path))
        if self.path is not None and self.path in files:
            self.file_combo.setCurrentIndex(files.index(self.path))

    def open_path(self, path: Path) -> bool:
        """Show ``path`` in the editor; False (and the reason in the status) if unreadable."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self._say(f"Cannot read {Path(path).name}: {exc}", error=True)
            return False
        self.path = Path(path)
        self._loading = True
        try:
            self.editor.setPlainText(text)
        finally:
            self._loading = False
        self.editor.document().setModified(False)
        self._mark_line(None)
        self.refresh_files()
        result = self.components.results.get(self.path)
        if result is not None:
            self.show_results([result])
        else:
            self._say(f"{self.path.name} — not loaded yet: Save && Reload puts it in the palette")
        return True

    def _on_file_picked(self, index: int) -> None:
        path = self.file_combo.itemData(index)
        if path and Path(path) != self.path:
            self.open_path(Path(path))

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Components file", "", "Python (*.py)")
        if path:
            self.file_chosen.emit(path)

    def save(self) -> bool:
        """Write the text to the file; False (and the reason in the status) on failure."""
        if self.path is None:
            self._say("No file to save to: open one first", error=True)
            return False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(self.editor.toPlainText(), encoding="utf-8")
        except OSError as exc:
            self._say(f"Cannot save {self.path.name}: {exc}", error=True)
            return False
        self.editor.document().setModified(False)
        self.setWindowTitle(f"My components — {self.path.name}")
        self._say(f"Saved {self.path.name}")
        return True

    def save_and_reload(self) -> None:
        """Save, then ask the window to reload the user's components."""
        if self.save():
            self.reload_requested.emit()

    # -- results -------------------------------------------------------------------------------
    def show_results(self, results: list[LoadResult]) -> None:
        """Say what a (re)load gave for the file on show: its classes, or its error marked."""
        mine = next((r for r in results if r.path == self.path), None)
        others = [r for r in results if r.path != self.path and not r.ok]
        if mine is None and not others:
            return
        if mine is not None and not mine.ok:
            self._say(mine.error, error=True)
            self._mark_line(mine.line)
            return
        self._mark_line(None)
        if mine is not None:
            names = ", ".join(cid.rsplit(".", 1)[-1] for cid in mine.classes)
            text = f"\u2713 {names} in the palette under {CATEGORY!r}"
            if mine.retired:
                gone = ", ".join(cid.rsplit(".", 1)[-1] for cid in mine.retired)
                text += f" ({gone} left the palette; graphs using it keep the last version)"
            self._say(text + (f" · {others[0].error}" if others else ""), error=bool(others))
        else:
            self._say(others[0].error, error=True)

    def _say(self, text: str, error: bool = False) -> None:
        color = self.theme.error if error else self.theme.muted
        self.status.setStyleSheet(f"color: {color.name()};")
        self.status.setText(text)
        self.status.setProperty("error", error)

    def _mark_line(self, line: int | None) -> None:
        """Tint the error's line and put the cursor there (None clears the mark)."""
        self._error_line = line
        if line is None:
            self.editor.setExtraSelections([])
            return
        block = self.editor.document().findBlockByNumber(max(0, line - 1))
        cursor = QTextCursor(block)
        mark = QTextEdit.ExtraSelection()
        tint = QColor(self.theme.error)
        tint.setAlpha(60)
        mark.format.setBackground(tint)
        mark.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        mark.cursor = cursor
        self.editor.setExtraSelections([mark])
        self.editor.setTextCursor(cursor)
        self.editor.centerCursor()

    def _on_edited(self) -> None:
        if not self._loading and self.path is not None:
            self.setWindowTitle(f"My components — {self.path.name} \u2022")
        elif self.path is not None:
            self.setWindowTitle(f"My components — {self.path.name}")

    def set_theme(self, theme: Theme) -> None:
        """Recolour the text and the status."""
        self.theme = theme
        self.highlighter.set_theme(theme)
        self.status.setStyleSheet(
            f"color: {(theme.error if self.status.property('error') else theme.muted).name()};"
        )
        self._mark_line(self._error_line)
