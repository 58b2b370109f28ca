"""Copy, cut and paste of graph fragments between the canvas and the system clipboard.

A fragment is the JSON the GraphEditor makes of the selected nodes and the links among them; it
travels under its own MIME type (and as plain text, for pasting into an issue or a chat).
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QMimeData
from PySide6.QtWidgets import QApplication

MIME_FRAGMENT = "application/x-kamaelia-fragment"
PASTE_OFFSET = (40.0, 40.0)


class FragmentClipboard:
    """The window's Edit > Copy/Cut/Paste.

    Args:
        window: The MainWindow (its scene, editor and status reporting are used).
    """

    def __init__(self, window: Any) -> None:
        self.window = window

    def copy(self) -> None:
        """Copy the selected nodes (and the links among them) to the clipboard."""
        w = self.window
        ids = w.scene.selected_node_ids()
        if not ids:
            return
        data = QMimeData()
        text = json.dumps(w.editor.copy_fragment(ids))
        data.setData(MIME_FRAGMENT, text.encode("utf-8"))
        data.setText(text)
        QApplication.clipboard().setMimeData(data)

    def cut(self) -> None:
        """Copy, then delete."""
        self.copy()
        self.window.delete_selection()

    def paste(self) -> None:
        """Paste a copied fragment, offset, and select it."""
        w = self.window
        data = QApplication.clipboard().mimeData()
        if data is None or not data.hasFormat(MIME_FRAGMENT):
            return
        try:
            fragment = json.loads(bytes(data.data(MIME_FRAGMENT).data()).decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            w.report(f"Cannot paste: {exc}", "error")
            return
        created = w.editor.paste_fragment(fragment, PASTE_OFFSET)
        w.scene.clearSelection()
        for node_id in created:
            item = w.scene.node_item(node_id)
            if item is not None:
                item.setSelected(True)


def release_clipboard(app: QApplication) -> None:
    """Drop a fragment we put on the clipboard before Python tears PySide down: a QMimeData
    destroyed after that crashes the interpreter on exit."""
    data = app.clipboard().mimeData()
    if data is not None and data.hasFormat(MIME_FRAGMENT):
        app.clipboard().clear()
