"""Lessons dock: guided tours of the component model that notice when each step is done.

Reads the lessons (``workbench.model.lessons``) and walks through the chosen one's steps: the
current step is highlighted with what it still waits for, done steps are ticked as the lesson
engine notices them (a ``FactCollector`` following the window's document, run and live model;
see ``workbench.runtime.lesson_facts``), "Show me" reveals a hint and points at the widget the
step names, Previous/Next move between steps, and progress is remembered per lesson in the
settings. ``install_lessons(window)`` adds the dock (hidden until asked for) and a Help > Lessons
action (F1). The dock opens as a tab beside the Inspector, with the whole right column to itself;
wherever the user moves it, it reopens there (the window's saved state keeps it).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from workbench.model.lesson_progress import LessonProgress
from workbench.model.lesson_steps import Facts
from workbench.model.lessons import Lesson, LessonError, load_lessons
from workbench.runtime.lesson_facts import FactCollector
from workbench.ui.panels.lesson_pointer import point_at
from workbench.ui.panels.lesson_steps_view import StepList, markdown_label, step_style
from workbench.ui.theme import DARK, Theme, named
from workbench.ui.toolbar import insert_action, menu_named

log = logging.getLogger(__name__)


MIN_WIDTH = 260
MIN_HEIGHT = 320
"""Enough for the header and a step or two (the dock is never a sliver)."""
SETTINGS_PREFIX = "lessons"


class LessonsDock(QDockWidget):
    """The chosen lesson's introduction and steps, its progress, and the buttons to move on.

    Args:
        lessons: The lessons to offer.
        settings: Where progress is remembered (None: not remembered).
        parent: The window.
    """

    open_requested = Signal(str)  #: path of the graph the user wants to open
    show_requested = Signal(str)  #: a step's ``show:`` target ("Show me")
    progress_changed = Signal(str)  #: the key of a lesson whose progress changed

    def __init__(
        self,
        lessons: list[Lesson],
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Lessons", parent)
        self.setObjectName("LessonsDock")
        self.lessons = lessons
        self.settings = settings
        self.theme: Theme = DARK
        self.facts: Facts | None = None
        self._progress: dict[str, LessonProgress] = {}
        self._unsubscribe: Callable[[], None] | None = None
        self.collector: FactCollector | None = None
        self._shown = False
        self._cards_for: Lesson | None = None
        self.chooser = named(QComboBox(), "lessonChooser")
        self.progress_bar = named(QProgressBar(), "lessonProgress")
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setFixedHeight(4)
        self.progress_text = named(QLabel(), "lessonProgressText")
        self.intro = markdown_label("", "lessonIntro")
        self.steps_label = named(QLabel("STEPS"), "sectionLabel")
        self.steps = StepList()
        self.steps.clicked.connect(self.go_to)
        self.steps.show_me.connect(self._on_show_me)
        self.outro = markdown_label("", "lessonIntro")
        self.banner = named(QLabel(), "lessonBanner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        self.next_lesson_button = named(QPushButton("Next lesson \u203a"), "primaryButton")
        self.next_lesson_button.clicked.connect(self.next_lesson)
        self.next_lesson_button.hide()
        page = named(QWidget(), "lessonPage")
        column = QVBoxLayout(page)
        column.setContentsMargins(2, 4, 8, 8)
        column.setSpacing(10)
        for widget in (self.intro, self.steps_label, self.steps, self.banner):
            column.addWidget(widget)
        column.addWidget(self.next_lesson_button, 0, Qt.AlignmentFlag.AlignRight)
        column.addWidget(self.outro)
        column.addStretch(1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(page)
        self.open_button = named(QPushButton("Load the lesson's graph"), "primaryButton")
        self.open_button.clicked.connect(self._open_current)
        self.prev_button = named(QPushButton("\u2039 Previous"), "lessonNav")
        self.prev_button.clicked.connect(self.previous_step)
        self.next_button = named(QPushButton("Next \u203a"), "lessonNav")
        self.next_button.clicked.connect(self.next_step)
        self.reset_button = named(QPushButton("Start over"), "flatButton")
        self.reset_button.setFlat(True)
        self.reset_button.clicked.connect(self.reset_progress)
        nav = QHBoxLayout()
        nav.addWidget(self.prev_button)
        nav.addWidget(self.next_button)
        nav.addStretch(1)
        nav.addWidget(self.reset_button)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        layout.addWidget(self.chooser)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.progress_text)
        layout.addWidget(self.scroll_area, 1)
        layout.addWidget(self.open_button)
        layout.addLayout(nav)
        self.setWidget(body)
        self.setMinimumSize(MIN_WIDTH, MIN_HEIGHT)
        for i, lesson in enumerate(lessons, 1):
            self.chooser.addItem(f"{i}. {lesson.title}")
        self.set_theme(DARK)
        if lessons:
            last = self._setting("last", "")
            keys = [lesson.key for lesson in lessons]
            self.chooser.setCurrentIndex(keys.index(last) if last in keys else 0)
            self.show_lesson(self.chooser.currentIndex())
        else:
            self.intro.setText("No lessons were found.")
            for control in (self.open_button, self.prev_button, self.next_button, self.chooser):
                control.setEnabled(False)
            self.steps_label.hide()
        self.chooser.currentIndexChanged.connect(self.show_lesson)

    # -- the lesson on show -------------------------------------------------------------------
    def current(self) -> Lesson | None:
        """The lesson on show, or None."""
        row = self.chooser.currentIndex()
        return self.lessons[row] if 0 <= row < len(self.lessons) else None

    def progress(self, lesson: Lesson | None = None) -> LessonProgress:
        """The progress of ``lesson`` (the one on show when None), restored from the settings.

        Raises:
            LookupError: No lesson is on show.
        """
        lesson = lesson or self.current()
        if lesson is None:
            raise LookupError("no lesson is on show")
        found = self._progress.get(lesson.key)
        if found is None:
            saved = self._load_state(lesson.key)
            graph = str(lesson.graph.resolve()) if lesson.graph is not None else None
            found = LessonProgress(lesson.steps, graph, saved.get("done", ()),
                                   saved.get("current", 0))  # fmt: skip
            self._progress[lesson.key] = found
        return found

    def show_lesson(self, row: int) -> None:
        """Show lesson ``row``: its text, its steps, and what is done."""
        if not 0 <= row < len(self.lessons):
            return
        lesson = self.lessons[row]
        self._cards_for = None  # text and cards are filled in once the dock is opened
        if self._shown:
            self._fill()
        self.open_button.setEnabled(lesson.graph is not None)
        self._store("last", lesson.key)
        self._evaluate()
        self._refresh()
        self.scroll_area.verticalScrollBar().setValue(0)

    def setVisible(self, visible: bool) -> None:
        """First opened: style the panel and build the step cards. A dock never opened holds
        neither: every window has one, and each widget and style sheet makes the application's
        theme switch restyle more."""
        if visible and not self._shown:
            self._shown = True
            self.set_theme(self.theme)
            self._fill()
            self._refresh()
        super().setVisible(visible)

    def _fill(self) -> None:
        """The lesson's text and step cards (rich text relaid out at every restyle of the
        application: only in a dock that has been opened)."""
        lesson = self.current()
        if lesson is None or self._cards_for is lesson:
            return
        self._cards_for = lesson
        self.intro.setText(lesson.intro)
        self.outro.setText(lesson.outro)
        self.outro.setVisible(bool(lesson.outro.strip()))
        self.steps_label.setVisible(bool(lesson.steps))
        self.steps.set_steps(list(lesson.steps))

    def _refresh(self) -> None:
        lesson = self.current()
        if lesson is None:
            return
        progress = self.progress(lesson)
        if self._cards_for is lesson:
            self.steps.update_from(progress, self.facts)
        total = len(progress.steps)
        self.progress_bar.setRange(0, max(1, total))
        self.progress_bar.setValue(len(progress.done))
        if not total:
            self.progress_text.setText("A lesson to read: it has no steps to check")
        elif progress.complete:
            self.progress_text.setText(f"Complete \u00b7 all {total} steps done")
        else:
            self.progress_text.setText(
                f"Step {progress.current + 1} of {total} \u00b7 {len(progress.done)} done"
            )
        self.banner.setVisible(progress.complete)
        self.next_lesson_button.setVisible(
            progress.complete and self.chooser.currentIndex() + 1 < len(self.lessons)
        )
        self.banner.setText(
            f"<b>\u2713 Lesson complete.</b> {self._next_title()}" if progress.complete else ""
        )
        facts = self.facts
        loaded = facts is not None and progress.graph is not None
        loaded = loaded and facts is not None and facts.document == progress.graph
        self.open_button.setText(f"{'Reload' if loaded else 'Load'} the lesson's graph")
        name = "lessonNav" if loaded else "primaryButton"  # done: no longer the thing to press
        if self.open_button.objectName() != name:
            self.open_button.setObjectName(name)
            self.open_button.style().unpolish(self.open_button)
            self.open_button.style().polish(self.open_button)
        self.prev_button.setEnabled(total > 0 and progress.current > 0)
        self.next_button.setEnabled(total > 0 and progress.current < total - 1)
        index = self.chooser.currentIndex()
        mark = " \u2713" if progress.complete else ""
        title = f"{index + 1}. {lesson.title}{mark}"
        if self.chooser.itemText(index) != title:
            self.chooser.setItemText(index, title)

    def _next_title(self) -> str:
        row = self.chooser.currentIndex() + 1
        if row < len(self.lessons):
            return f"Next: {self.lessons[row].title}."
        return "That was the last lesson."

    def next_lesson(self) -> None:
        """Show the next lesson (the "Next lesson" button of a complete one)."""
        row = self.chooser.currentIndex() + 1
        if row < len(self.lessons):
            self.chooser.setCurrentIndex(row)

    def current_card_visible(self) -> None:
        """Scroll so that the current step's card is in view."""
        cards = self.steps.cards
        lesson = self.current()
        if lesson is not None and cards and self._cards_for is lesson:
            self.scroll_area.ensureWidgetVisible(cards[self.progress(lesson).current], 0, 40)

    # -- moving through the steps ---------------------------------------------------------------
    def next_step(self) -> None:
        """Make the next step current (nothing is ticked)."""
        self._move(lambda p: p.next())

    def previous_step(self) -> None:
        """Make the previous step current."""
        self._move(lambda p: p.previous())

    def go_to(self, index: int) -> None:
        """Make step ``index`` current."""
        self._move(lambda p: p.go_to(index))

    def reset_progress(self) -> None:
        """Forget what was done in this lesson and start again."""
        self._move(lambda p: p.reset())

    def _move(self, change: Callable[[LessonProgress], None]) -> None:
        if self.current() is None:
            return
        change(self.progress())
        self._evaluate()
        self._save()
        self._refresh()
        self.current_card_visible()

    # -- the engine ---------------------------------------------------------------------------
    def follow(self, collector: FactCollector) -> None:
        """Tick steps from ``collector``'s facts from now on."""
        self.stop_following()
        self.collector = collector
        self.facts = collector.facts
        self._unsubscribe = collector.subscribe(self.on_facts)
        self.on_facts(collector.facts)

    def stop_following(self) -> None:
        """Stop ticking steps (the window shuts down)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def on_facts(self, facts: Facts) -> None:
        """What the app knows changed: tick what it satisfies and redraw."""
        self.facts = facts
        if self.current() is None:
            return
        ticked = self._evaluate()
        if ticked:
            self._save()
        self._refresh()
        if ticked:
            self.current_card_visible()

    def _evaluate(self) -> list[int]:
        lesson = self.current()
        if lesson is None or self.facts is None:
            return []
        ticked = self.progress(lesson).update(self.facts)
        if ticked:
            self.progress_changed.emit(lesson.key)
        return ticked

    # -- remembering progress -------------------------------------------------------------------
    def _setting(self, key: str, default: str) -> str:
        if self.settings is None:
            return default
        value = self.settings.value(f"{SETTINGS_PREFIX}/{key}", default)
        return value if isinstance(value, str) else default

    def _store(self, key: str, value: str) -> None:
        if self.settings is not None:
            self.settings.setValue(f"{SETTINGS_PREFIX}/{key}", value)

    def _load_state(self, key: str) -> dict[str, Any]:
        text = self._setting(f"{key}/progress", "")
        if not text:
            return {}
        try:
            state = json.loads(text)
        except json.JSONDecodeError:
            log.info("progress of lesson %s unreadable: %r", key, text)
            return {}
        if not isinstance(state, dict):
            return {}
        done = [i for i in state.get("done", []) if isinstance(i, int)]
        current = state.get("current", 0)
        return {"done": done, "current": current if isinstance(current, int) else 0}

    def _save(self) -> None:
        lesson = self.current()
        if lesson is not None:
            self._store(f"{lesson.key}/progress", json.dumps(self.progress(lesson).state()))

    # -- chrome -------------------------------------------------------------------------------
    def set_theme(self, theme: Theme) -> None:
        """Colour the cards and the banner for ``theme`` (once the dock has been shown)."""
        self.theme = theme
        if self._shown:
            self.widget().setStyleSheet(step_style(theme))

    def _on_show_me(self, index: int) -> None:
        lesson = self.current()
        if lesson is None:
            return
        hint = self.steps.card(index).hint
        if hint.isVisibleTo(self):  # once the card has grown around it
            QTimer.singleShot(0, lambda: self.scroll_area.ensureWidgetVisible(hint, 0, 12))
        if lesson.steps[index].show:
            self.show_requested.emit(lesson.steps[index].show)

    def _open_current(self) -> None:
        lesson = self.current()
        if lesson is not None and lesson.graph is not None:
            self.open_requested.emit(str(lesson.graph))


def follow_window(dock: LessonsDock, window: Any) -> FactCollector:
    """Feed ``dock`` the facts of ``window``: its document, runs, log filter, components."""
    collector = FactCollector(window.graph, window.catalog)
    # a lesson graph opens as a copy: the lesson follows where the document came from
    window.docs.path_changed.connect(lambda _path: collector.set_document(window.docs.source))
    collector.set_document(window.docs.source)
    window.run.state_changed.connect(
        lambda state: collector.set_run_state(state, window.run.session)
    )
    live = getattr(window, "live", None)
    if live is not None:
        live.log_dock.filter_edit.textChanged.connect(collector.set_log_filter)
    mine = getattr(window, "my_components", None)
    if mine is not None:
        mine.components.subscribe(
            lambda results: collector.set_components(
                mine.components.class_count(), next((r.error for r in results if not r.ok), "")
            )
        )
    dock.follow(collector)
    return collector


def install_lessons(window: Any) -> LessonsDock:
    """Add the lessons dock (hidden) and a Help > Lessons action to ``window``."""
    try:
        lessons = load_lessons()
    except (LessonError, OSError) as exc:
        log.warning("lessons unavailable: %s", exc)
        window.show_status(f"Lessons unavailable: {exc}", error=True)
        lessons = []
    dock = LessonsDock(lessons, getattr(window, "settings", None), window)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    inspector = getattr(window, "properties", None)
    if inspector is not None:
        window.tabifyDockWidget(inspector, dock)  # a tab of the right column, not a third of it
    dock.hide()
    dock.open_requested.connect(lambda path: window.open_file(path, copy=True))
    dock.show_requested.connect(lambda target: point_at(window, target))
    window.scene.theme_changed.connect(lambda: dock.set_theme(window.scene.theme))
    dock.set_theme(window.scene.theme)
    dock.collector = follow_window(dock, window)
    action: QAction = dock.toggleViewAction()
    action.setText("&Lessons")
    action.setShortcut("F1")
    action.triggered.connect(lambda checked: dock.raise_() if checked else None)  # in front
    menu = menu_named(window, "Help")
    if menu is not None:
        insert_action(menu, menu.actions()[0] if menu.actions() else None, action)
    return dock
