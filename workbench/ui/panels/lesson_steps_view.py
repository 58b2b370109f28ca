"""The steps of a lesson as cards: ticked when done, the current one highlighted, with its hint.

Drawn by the Lessons dock from a ``LessonProgress`` and the latest ``Facts`` (what a counting check
still waits for: "1 of 3 connections open"). A click on a card makes that step current; "Show me"
reveals the hint and asks the dock to point at what the step names. Colours come from the theme
through one style sheet (``step_style``), so both themes read the same state properties.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from workbench.model.lesson_progress import LessonProgress
from workbench.model.lesson_steps import Facts, Step
from workbench.ui.theme import Theme, named

TICK = "\u2713"


def waiting_text(step: Step, facts: Facts | None) -> str:
    """What the current step waits for, with the counts so far ("2 of 3 connections open")."""
    parts = []
    for check in step.checks:
        measured = check.measure(facts) if facts is not None else None
        if facts is not None and check.holds(facts):
            continue
        if measured is not None and measured[0] > 0:
            parts.append(f"{measured[0]} of {check.describe()}")
        else:
            parts.append(check.describe())
    return "Waiting for " + " and ".join(parts) if parts else "Done"


def first_sentence(text: str, limit: int = 90) -> str:
    """The start of a step's text, for a done step's folded card ("Press Run."), as plain
    text (a cut could split a bold run)."""
    flat = " ".join(text.replace("**", "").split())
    for end in (". ", ": ", "; "):
        cut = flat.find(end)
        if 0 < cut < limit:
            return flat[:cut] + ("" if flat[cut - 1] in ".\u2026!?" else ".")
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + "\u2026"


def markdown_label(text: str, object_name: str = "") -> QLabel:
    """A word-wrapped label showing ``text`` as Markdown (bold, code, links)."""
    label = named(QLabel(), object_name)
    label.setTextFormat(Qt.TextFormat.MarkdownText)
    label.setWordWrap(True)
    label.setOpenExternalLinks(True)
    label.setText(text)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
    return label


class StepCard(QFrame):
    """One step: its number (or a tick), its text, and for the current one what it waits for,
    a "Show me" button and the hint."""

    clicked = Signal(int)  #: the step's index
    show_me = Signal(int)  #: "Show me" was pressed

    def __init__(self, index: int, step: Step, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lessonStep")
        self.index = index
        self.step = step
        self.state = ""
        self.badge = named(QLabel(str(index + 1)), "stepBadge")
        self.badge.setFixedSize(24, 24)
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text = markdown_label(step.text, "stepText")
        self.waiting = named(QLabel(), "stepWaiting")
        self.waiting.setWordWrap(True)
        self.show_button = named(QPushButton("Show me"), "showMe")
        self.show_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.show_button.setFlat(True)
        self.show_button.clicked.connect(self._on_show_me)
        self.show_button.setVisible(bool(step.hint or step.show))
        self.hint = markdown_label(step.hint or "", "stepHint")
        self.hint.hide()
        column = QVBoxLayout()
        column.setSpacing(4)
        column.setContentsMargins(0, 2, 0, 0)
        column.addWidget(self.text)
        column.addWidget(self.waiting)
        column.addWidget(self.show_button, 0, Qt.AlignmentFlag.AlignLeft)
        column.addWidget(self.hint)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 8, 10, 8)
        row.setSpacing(10)
        row.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(column, 1)

    def set_state(self, state: str, facts: Facts | None) -> None:
        """ "done", "current", "reviewing" (current, done already) or "todo"; the current one
        shows what it waits for (called with every change of the facts: cheap when the state
        stays)."""
        if state == "current":
            waiting = waiting_text(self.step, facts)
            if self.waiting.text() != waiting:
                self.waiting.setText(waiting)
        if state == self.state:
            return
        self.state = state
        current = state in ("current", "reviewing")
        self.waiting.setVisible(current)
        self.show_button.setVisible(current and bool(self.step.hint or self.step.show))
        if not current:
            self.hint.hide()
        if state == "reviewing":
            self.waiting.setText(f"{TICK} Done already")
        self.badge.setText(TICK if state in ("done", "reviewing") else str(self.index + 1))
        folded = state == "done"  # a done step shrinks to its first sentence
        self.text.setText(first_sentence(self.step.text) if folded else self.step.text)
        self.setToolTip(self.step.text if folded else "")
        for widget in (self, self.badge, self.text):
            widget.setProperty("state", state)
            widget.style().unpolish(widget)
            widget.style().polish(widget)

    def _on_show_me(self) -> None:
        if self.step.hint:
            self.hint.setVisible(not self.hint.isVisible())
        self.show_me.emit(self.index)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """A click makes this step current."""
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.index)
        super().mousePressEvent(event)


class StepList(QWidget):
    """The cards of one lesson's steps, top to bottom."""

    clicked = Signal(int)
    show_me = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cards: list[StepCard] = []
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.setSpacing(6)

    def set_steps(self, steps: list[Step]) -> None:
        """Replace the cards."""
        for card in self.cards:
            self.layout_.removeWidget(card)
            card.hide()
            card.deleteLater()
        self.cards = []
        for i, step in enumerate(steps):
            card = StepCard(i, step, self)
            card.clicked.connect(self.clicked)
            card.show_me.connect(self.show_me)
            self.layout_.addWidget(card)
            card.show()  # a widget added to a shown parent stays hidden until asked
            self.cards.append(card)

    def update_from(self, progress: LessonProgress, facts: Facts | None) -> None:
        """Tick, highlight and grey the cards as ``progress`` says."""
        for card in self.cards:
            done = card.index in progress.done
            if card.index == progress.current and not progress.complete:
                state = "reviewing" if done else "current"
            else:
                state = "done" if done else "todo"
            card.set_state(state, facts)

    def card(self, index: int) -> StepCard:
        """The card of step ``index``."""
        return self.cards[index]


def step_style(theme: Theme) -> str:
    """The Lessons dock's style sheet for ``theme`` (cards, badges, hints, the banner)."""
    accent, done, muted = theme.accent.name(), theme.new.name(), theme.muted.name()
    card, border, text = theme.card.name(), theme.card_border.name(), theme.text.name()
    tint = f"rgba({theme.accent.red()}, {theme.accent.green()}, {theme.accent.blue()}, 28)"
    done_tint = f"rgba({theme.new.red()}, {theme.new.green()}, {theme.new.blue()}, 40)"
    return f"""
QFrame#lessonStep {{ background: transparent; border: 1px solid transparent; border-radius: 8px; }}
QFrame#lessonStep[state="current"] {{ background: {tint}; border: 1px solid {accent}; }}
QFrame#lessonStep[state="reviewing"] {{ border: 1px solid {accent}; }}
QFrame#lessonStep:hover {{ border-color: {border}; }}
QFrame#lessonStep[state="current"]:hover {{ border-color: {accent}; }}
QLabel#stepBadge {{ border-radius: 12px; font-weight: bold; border: 1px solid {border};
    color: {muted}; background: {card}; }}
QLabel#stepBadge[state="current"] {{ background: {accent}; color: #ffffff;
    border-color: {accent}; }}
QLabel#stepBadge[state="done"], QLabel#stepBadge[state="reviewing"] {{ background: {done_tint};
    color: {done}; border-color: {done}; }}
QLabel#stepText {{ color: {text}; }}
QLabel#stepText[state="todo"] {{ color: {muted}; }}
QLabel#stepText[state="done"] {{ color: {muted}; }}
QLabel#stepWaiting {{ color: {muted}; font-size: 8.5pt; }}
QLabel#stepHint {{ background: {card}; border: 1px solid {border}; border-radius: 6px;
    padding: 6px 8px; color: {text}; }}
QPushButton#showMe {{ color: {accent}; border: none; padding: 0; text-align: left;
    font-weight: bold; }}
QPushButton#showMe:hover {{ text-decoration: underline; }}
QLabel#lessonBanner {{ background: {done_tint}; border: 1px solid {done}; border-radius: 8px;
    padding: 8px 10px; color: {text}; }}
QLabel#lessonIntro {{ color: {text}; }}
QPushButton#primaryButton {{ background: {accent}; color: #ffffff; border: 1px solid {accent};
    border-radius: 6px; padding: 5px 12px; font-weight: bold; }}
QPushButton#primaryButton:disabled {{ background: {card}; color: {muted}; border-color: {border}; }}
QPushButton#lessonNav {{ background: {card}; border: 1px solid {border}; border-radius: 6px;
    padding: 4px 10px; color: {text}; }}
QPushButton#lessonNav:disabled {{ color: {muted}; }}
QPushButton#flatButton {{ border: none; color: {muted}; padding: 4px 6px; }}
QPushButton#flatButton:hover {{ color: {text}; }}
QLabel#lessonProgressText {{ color: {muted}; font-size: 8.5pt; }}
QProgressBar#lessonProgress {{ background: {border}; border: none; border-radius: 2px; }}
QProgressBar#lessonProgress::chunk {{ background: {done}; border-radius: 2px; }}
"""
