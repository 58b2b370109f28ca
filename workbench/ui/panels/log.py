"""Shows what the workbench has to say: crash tracebacks, build errors, file and run messages.

The message log of live traffic (issue 7) is a separate dock; this one is for the user's attention.
"""

from __future__ import annotations

import html
import time
from collections import deque
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QDockWidget, QTextBrowser, QWidget

from workbench.ui.theme import DARK, Theme


class LogDock(QDockWidget):
    """An append-only, selectable log; crash entries link to their node."""

    node_link_clicked = Signal(str)  #: node id of a crash entry the user clicked

    def __init__(self, parent: QWidget | None = None, max_blocks: int = 5000) -> None:
        """Create the text view (bounded to ``max_blocks`` paragraphs)."""
        super().__init__("Log", parent)
        self.setObjectName("LogDock")
        self.theme: Theme = DARK
        self.view = QTextBrowser()
        self.view.setOpenLinks(False)
        self.view.document().setMaximumBlockCount(max_blocks)
        self.view.anchorClicked.connect(self._on_anchor)
        self.setWidget(self.view)
        self.entries: deque[tuple[str, str]] = deque(maxlen=max_blocks)

    def set_theme(self, theme: Theme) -> None:
        """Colours for the levels."""
        self.theme = theme

    def append(self, text: str, level: str = "info") -> None:
        """Add a line; ``level`` is info, warning or error."""
        self.entries.append((level, text))
        color = {"error": self.theme.error, "warning": self.theme.warn}.get(level, self.theme.muted)
        stamp = time.strftime("%H:%M:%S")
        self.view.append(
            f'<span style="color:{self.theme.muted.name()}">{stamp}</span> '
            f'<span style="color:{color.name()}">{html.escape(level)}</span> '
            f"{html.escape(text)}"
        )
        self.view.moveCursor(QTextCursor.MoveOperation.End)

    def append_output(self, lines: Iterable[Any]) -> None:
        """Add what a watched program wrote (``OutputLine``: ``stream``, ``text``), in mono;
        its stderr in the warning colour."""
        parts = []
        for line in lines:
            self.entries.append((line.stream, line.text))
            color = self.theme.warn if line.stream == "stderr" else self.theme.text
            parts.append(
                f'<span style="color:{self.theme.muted.name()}">{line.stream}</span> '
                f'<span style="color:{color.name()}; font-family:monospace">'
                f"{html.escape(line.text)}</span>"
            )
        if parts:
            self.view.append("<br>".join(parts))
            self.view.moveCursor(QTextCursor.MoveOperation.End)

    def append_crash(self, node_id: str | None, name: str, traceback: str) -> None:
        """Add a crash with its traceback; the name links to the node on the canvas."""
        self.entries.append(("crash", f"{name}: {traceback}"))
        label = html.escape(name)
        if node_id:
            label = f'<a href="node:{html.escape(node_id)}">{label}</a>'
        self.view.append(
            f'<span style="color:{self.theme.error.name()}"><b>crashed</b></span> {label}'
            f'<pre style="color:{self.theme.text.name()}">{html.escape(traceback)}</pre>'
        )
        self.view.moveCursor(QTextCursor.MoveOperation.End)
        self.show()
        self.raise_()

    def text(self) -> str:
        """Everything logged, as plain text."""
        return self.view.toPlainText()

    def _on_anchor(self, url: QUrl) -> None:
        target = url.toString()
        if target.startswith("node:"):
            self.node_link_clicked.emit(target[5:])
