"""The text part of a NoteItem: a QGraphicsTextItem without Qt's dotted focus frame.

The note's own card shows that it is being edited (an accent border), so the frame Qt draws
around a focused or selected text item would only add noise inside the card.
"""

from __future__ import annotations

from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QGraphicsTextItem, QStyle, QStyleOptionGraphicsItem, QWidget


class NoteTextItem(QGraphicsTextItem):
    """Shows (and, while its NoteItem edits, edits) a note's text."""

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        plain = QStyleOptionGraphicsItem(option)
        plain.state &= ~(QStyle.StateFlag.State_HasFocus | QStyle.StateFlag.State_Selected)
        super().paint(painter, plain, widget)  # type: ignore[arg-type]  # Qt takes no widget; the stub wants one

    def __repr__(self) -> str:
        return f"<NoteTextItem {self.toPlainText()[:24]!r}>"
