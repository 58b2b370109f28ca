"""Draws one annotation of the model as a sticky-note card; edits its text in place.

The card is a calm, muted rectangle holding the note's text wrapped at :data:`TEXT_WIDTH`. It moves
and selects like a node card; the scene reports the moves (``GraphScene.report_moved``) and the
window turns them into the model's undoable commands. A double-click edits the text inline in the
child :class:`~workbench.ui.canvas.note_text.NoteTextItem`: Ctrl+Enter or leaving the note commits
(through the scene's ``note_edited`` signal), Escape puts the old text back. The item never edits
the model itself.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFocusEvent, QKeyEvent, QPainter, QPainterPath, QPen, QTextCursor
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsSceneMouseEvent,
    QStyleOptionGraphicsItem,
    QWidget,
)

from workbench.ui.canvas.note_text import NoteTextItem
from workbench.ui.canvas.style import Fonts, paint_glow, snapped, theme_of
from workbench.ui.theme import Theme

WIDTH = 320.0  #: card width in scene units
PAD = 12.0  #: space between the card's edge and its text
TEXT_WIDTH = WIDTH - 2 * PAD  #: the text wraps here
MIN_H = 40.0
RADIUS = 6.0
FOLD = 12.0  #: size of the folded corner at the top right
Z_NOTE = 5.0  #: above links and group frames, below node cards

# Muted paper tones: warm but far from the amber that means control/signal.
_PAPER = {"dark": ("#2a2925", "#4a473d"), "light": ("#fbf8ea", "#ddd6b8")}
_KEEP_FOCUS = (Qt.FocusReason.ActiveWindowFocusReason, Qt.FocusReason.PopupFocusReason)


def note_colors(theme: Theme) -> tuple[QColor, QColor]:
    """The paper and border colours of a note in ``theme``."""
    paper, border = _PAPER.get(theme.name, _PAPER["dark" if theme.is_dark else "light"])
    return QColor(paper), QColor(border)


class NoteItem(QGraphicsItem):
    """A free-text note on the canvas; ``model`` is the graph's Annotation (kept by reference).

    Attributes:
        annotation_id: the model's stable id.
        model: the model annotation (read only here; changed through commands).
        text_item: the child that shows (and, while editing, edits) the text.
    """

    is_note = True
    """The view fits notes in; the minimap and link routing ignore them."""

    def __init__(self, annotation_id: str, model: Any = None, text: str = "") -> None:
        """Build the card for ``model`` (or for ``text`` when there is no model)."""
        super().__init__()
        self.annotation_id = annotation_id
        self.model = model
        self.editing = False
        self._before_edit = ""
        self._filtered_in: object = None  # the scene whose text item events we filter
        self._height = MIN_H
        self.setFlags(
            QGraphicsItem.GraphicsItemFlag.ItemIsMovable
            | QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
            | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges
        )
        self.setZValue(Z_NOTE)
        self.text_item = NoteTextItem(self)
        self.text_item.setFont(Fonts.get("note"))
        self.text_item.setTextWidth(TEXT_WIDTH)
        self.text_item.setPos(PAD - 4, PAD - 4)  # the document has a 4 unit margin of its own
        self.text_item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.text_item.document().contentsChanged.connect(self._relayout)
        self.sync(text if model is None else None)

    # -- model ----------------------------------------------------------------------------
    @property
    def text(self) -> str:
        """The text shown (the edited text while editing)."""
        return self.text_item.toPlainText()

    def sync(self, text: str | None = None) -> None:
        """Show the model's text and position (or ``text`` when given).

        An edit in progress goes on when only the position changed; a new text cancels it.
        """
        if text is None and self.model is not None:
            text = self.model.text
        if self.editing and text is not None and text != self._before_edit:
            self.end_edit(commit=False)
        if not self.editing and text is not None and text != self.text:
            self.text_item.setPlainText(text)
        if self.model is not None:
            target = QPointF(*self.model.position)
            if self.pos() != target:
                self.setPos(target)

    def apply_theme(self, theme: Theme) -> None:
        """Colour the text for ``theme`` (the card reads the theme when it paints)."""
        self.text_item.setDefaultTextColor(theme.text)
        self.update()

    # -- geometry -------------------------------------------------------------------------
    def _relayout(self) -> None:
        height = max(MIN_H, self.text_item.boundingRect().height() + 2 * PAD - 8)
        if height != self._height:
            self.prepareGeometryChange()
            self._height = height
        self.update()

    def card_rect(self) -> QRectF:
        """The card in local coordinates."""
        return QRectF(0, 0, WIDTH, self._height)

    def boundingRect(self) -> QRectF:
        return self.card_rect().adjusted(-8, -8, 8, 8)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(self.card_rect(), RADIUS, RADIUS)
        return path

    # -- painting -------------------------------------------------------------------------
    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        theme = theme_of(self)
        paper, border = note_colors(theme)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = self.card_rect()
        active = self.isSelected() or self.editing
        if active:
            paint_glow(painter, rect, RADIUS, theme.accent)
        card = QPainterPath()
        card.addRoundedRect(rect, RADIUS, RADIUS)
        fold = QPainterPath()
        fold.moveTo(rect.right() - FOLD, rect.top())
        fold.lineTo(rect.right(), rect.top() + FOLD)
        fold.lineTo(rect.right(), rect.top())
        fold.closeSubpath()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(paper)
        painter.drawPath(card.subtracted(fold))
        painter.setBrush(border)
        corner = QPainterPath()
        corner.moveTo(rect.right() - FOLD, rect.top())
        corner.lineTo(rect.right() - FOLD, rect.top() + FOLD - 3)
        corner.quadTo(rect.right() - FOLD, rect.top() + FOLD, rect.right() - 3, rect.top() + FOLD)
        corner.lineTo(rect.right(), rect.top() + FOLD)
        corner.closeSubpath()
        painter.drawPath(corner)
        painter.setPen(QPen(theme.accent if active else border, 2 if active else 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(card.subtracted(fold))

    # -- editing --------------------------------------------------------------------------
    def begin_edit(self, select_all: bool = False) -> None:
        """Edit the text in place (the item must be in a scene); ``select_all`` selects it."""
        if self.editing or self.scene() is None:
            return
        self.editing = True
        self._before_edit = self.text
        if self._filtered_in is not self.scene():  # installed once: never removed while it runs
            self.text_item.installSceneEventFilter(self)
            self._filtered_in = self.scene()
        self.text_item.setTextInteractionFlags(Qt.TextInteractionFlag.TextEditorInteraction)
        self.text_item.setAcceptedMouseButtons(Qt.MouseButton.AllButtons)
        self.text_item.setFocus(Qt.FocusReason.OtherFocusReason)
        cursor = self.text_item.textCursor()
        if select_all:
            cursor.select(QTextCursor.SelectionType.Document)
        else:
            cursor.movePosition(QTextCursor.MoveOperation.End)
        self.text_item.setTextCursor(cursor)
        self.update()

    def end_edit(self, commit: bool = True) -> None:
        """Stop editing; ``commit`` reports a changed text, otherwise the old text returns."""
        if not self.editing:
            return
        self.editing = False
        text = self.text
        if self.text_item.hasFocus():
            self.text_item.clearFocus()
        self.text_item.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.text_item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        cursor = self.text_item.textCursor()
        cursor.clearSelection()
        self.text_item.setTextCursor(cursor)
        self.update()
        if not commit or text == self._before_edit:
            self.text_item.setPlainText(self._before_edit)
            return
        scene = self.scene()
        if scene is not None and hasattr(scene, "note_edited"):
            scene.note_edited.emit(self.annotation_id, text)

    def sceneEventFilter(self, watched: QGraphicsItem, event: QEvent) -> bool:
        if watched is not self.text_item or not self.editing:
            return False
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key, mods = event.key(), event.modifiers()
            if key == Qt.Key.Key_Escape:
                self.end_edit(commit=False)
                return True
            ctrl = mods & Qt.KeyboardModifier.ControlModifier
            if ctrl and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.end_edit(commit=True)
                return True
        elif (
            isinstance(event, QFocusEvent)
            and event.type() == QEvent.Type.FocusOut
            and event.reason() not in _KEEP_FOCUS  # a context menu or another window: go on
        ):
            self.end_edit(commit=True)
        return False

    # -- interaction ----------------------------------------------------------------------
    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: Any) -> Any:
        flag = QGraphicsItem.GraphicsItemChange
        if change == flag.ItemPositionChange and (on_grid := snapped(self, value)) is not None:
            return on_grid
        if change == flag.ItemSceneHasChanged and value is not None:
            self.apply_theme(theme_of(self))
        return super().itemChange(change, value)

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        self.begin_edit()
        event.accept()

    def __repr__(self) -> str:
        first = self.text.split("\n", 1)[0]
        short = first if len(first) <= 24 else first[:23] + "…"
        state = " editing" if self.editing else ""
        return f"<NoteItem {self.annotation_id} {short!r}{state}>"
