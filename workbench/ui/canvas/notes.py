"""Keeps one NoteItem per annotation of the scene's graph; the scene forwards annotation events.

Kept apart from :mod:`workbench.ui.canvas.scene` so the scene stays about nodes and links; like the
scene it only observes the model and never edits it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from workbench.model.items import Annotation
from workbench.ui.canvas.note_item import NoteItem
from workbench.ui.theme import Theme

if TYPE_CHECKING:
    from workbench.ui.canvas.scene import GraphScene


class SceneNotes:
    """The note items of one GraphScene, by annotation id.

    Args:
        scene: the scene the items are added to.
    """

    def __init__(self, scene: GraphScene) -> None:
        self.scene = scene
        self._items: dict[str, NoteItem] = {}

    def __repr__(self) -> str:
        editing = [i.annotation_id for i in self._items.values() if i.editing]
        return f"<SceneNotes notes={len(self._items)} editing={editing}>"

    def item(self, annotation_id: str) -> NoteItem | None:
        """The item drawing annotation ``annotation_id``."""
        return self._items.get(annotation_id)

    def items(self) -> list[NoteItem]:
        """All note items, in creation order."""
        return list(self._items.values())

    def apply_theme(self, theme: Theme) -> None:
        """Re-colour every note's text."""
        for item in self._items.values():
            item.apply_theme(theme)

    def rebuild(self) -> None:
        """Draw every annotation of the graph (after the scene dropped its items)."""
        for note in self.scene.graph.annotations:
            self.added(note)

    def drop(self) -> None:
        """Forget every item (the scene is about to clear); edits in progress are cancelled."""
        for item in self._items.values():
            item.end_edit(commit=False)
        self._items.clear()

    def on_event(self, event: str, payload: Any) -> None:
        """Handle ``annotation_added``, ``annotation_changed`` and ``annotation_removed``."""
        handler = {
            "annotation_added": self.added,
            "annotation_changed": self.changed,
            "annotation_removed": self.removed,
        }.get(event)
        if handler is not None:
            handler(payload)

    def added(self, note: Annotation) -> None:
        """Draw a new annotation."""
        item = NoteItem(note.id, model=note)
        self._items[note.id] = item
        self.scene.addItem(item)

    def changed(self, note: Annotation) -> None:
        """Show an annotation's new text or position."""
        item = self._items.get(note.id)
        if item is not None:
            item.model = note
            item.sync()

    def removed(self, note: Annotation) -> None:
        """Remove an annotation's item."""
        item = self._items.pop(note.id, None)
        if item is not None:
            item.end_edit(commit=False)
            self.scene.removeItem(item)
