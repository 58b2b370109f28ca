"""Edit > Add Note and the note gestures of the canvas, turned into the GraphEditor's commands.

Installed into the MainWindow by one call (:func:`install_note_actions`), so the window stays
wiring: the action (Ctrl+Shift+N anywhere, N while the canvas has focus) places a note where the
mouse is over the canvas, or at the view's centre, and starts editing it; the scene's
``note_edited`` signal becomes an undoable text edit. Copy/paste skips notes.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut

from workbench.ui.canvas.note_item import MIN_H, WIDTH, NoteItem
from workbench.ui.toolbar import insert_action, menu_named

NEW_NOTE_TEXT = "New note"


class NoteActions:
    """The window's note commands.

    Args:
        window: The MainWindow (its view, scene, editor and Edit menu are used).

    Attributes:
        action: Edit > Add Note.
        canvas_shortcut: the plain N key while the canvas has focus.
    """

    def __init__(self, window: Any) -> None:
        self.window = window
        self.action = QAction("Add &Note", window)
        self.action.setShortcut(QKeySequence("Ctrl+Shift+N"))
        self.action.setToolTip("Add a note to the canvas (N on the canvas)")
        self.action.triggered.connect(lambda _checked=False: self.add_note())
        window.actions_["add_note"] = self.action
        self.canvas_shortcut = QShortcut(QKeySequence("N"), window.view)
        self.canvas_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.canvas_shortcut.activated.connect(lambda: self.add_note())
        window.scene.note_edited.connect(window.editor.edit_note)
        self._add_to_edit_menu()

    def __repr__(self) -> str:
        return f"<NoteActions notes={len(self.window.scene.note_items())}>"

    def _add_to_edit_menu(self) -> None:
        menu = menu_named(self.window, "Edit")
        if menu is not None:
            select_all = self.window.actions_.get("select_all")
            before = select_all if select_all in menu.actions() else None
            insert_action(menu, before, self.action)

    def place(self) -> QPointF:
        """Where a new note goes: under the mouse when it is over the canvas, else the centre."""
        view = self.window.view
        pos = view.viewport().mapFromGlobal(view.cursor().pos())
        if not view.viewport().rect().contains(pos):
            pos = view.viewport().rect().center()
        return view.mapToScene(pos)

    def add_note(self, pos: QPointF | None = None, text: str = NEW_NOTE_TEXT) -> str:
        """Add a note centred on scene ``pos`` (see :meth:`place`), select it and edit its text.

        Returns:
            The new annotation id.
        """
        w = self.window
        pos = pos if pos is not None else self.place()
        grid = w.scene.grid_size
        x = round((pos.x() - WIDTH / 2) / grid) * grid
        y = round((pos.y() - MIN_H / 2) / grid) * grid
        note_id = w.editor.add_note(text, (x, y))
        item: NoteItem | None = w.scene.note_item(note_id)
        if item is not None:
            w.scene.clearSelection()
            item.setSelected(True)
            w.view.setFocus(Qt.FocusReason.OtherFocusReason)
            item.begin_edit(select_all=True)
        return note_id


def install_note_actions(window: Any) -> NoteActions:
    """Add Edit > Add Note and the canvas' N key to ``window``; commit inline note edits."""
    return NoteActions(window)
