"""The "Timeline" dock: a sequence diagram of the watched run, beside the message log.

Fed by the run's event stream (it subscribes to the batches the window's frame pump hands out,
after the run's LiveModel has applied them), whatever the run is: a graph in this process, a
program in another, a recording. Every batch goes into the Qt-free TimelineModel at once (cheap);
the rows are taken, and the view repainted, at most once per frame and only while the dock is
shown. The bar holds the log's filter box and chips, "Collapse repeats", "Follow", the spacing
(by order or to scale in time), "Fit" and the counts (messages, lifelines, forgotten).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kamaelia_core.instrument import Event
from workbench.runtime.timeline import MAX_MESSAGES, Lifeline, TimelineModel
from workbench.runtime.timeline_rows import ORDER, TIME, TimelineRows
from workbench.ui.live import kinds
from workbench.ui.live.filter_bar import add_filter_controls, check_box, chosen_category
from workbench.ui.live.log_model import Describe
from workbench.ui.live.timeline_filter import TimelineFilter
from workbench.ui.live.timeline_view import TimelineView, TitleFor, default_title
from workbench.ui.theme import Theme, mono_font, named

log = logging.getLogger(__name__)

FRAME_MS = 33
"""The dock takes new rows and repaints at most this often."""
SPACING_CHOICES = (("By order", ORDER), ("To scale", TIME))


class TimelineDock(QDockWidget):
    """The timeline dock.

    Attributes:
        model: The TimelineModel of the watched run.
        rows: What the view shows of it (filter, collapse, spacing).
        view: The TimelineView.
    """

    message_selected = Signal(object)  #: an Event the user clicked in the timeline
    lifeline_selected = Signal(object)  #: set of cids whose lifeline header the user clicked

    def __init__(self, parent: QWidget | None = None, max_messages: int = MAX_MESSAGES) -> None:
        super().__init__("Timeline", parent)
        self.setObjectName("TimelineDock")
        self.model = TimelineModel(max_messages=max_messages)
        self.rows = TimelineRows(self.model, classify=kinds.token_kind)
        self.describe: Describe | None = None
        self._titles: TitleFor = default_title
        self._unsubscribe: Callable[[], None] | None = None
        self._recenter = False
        self._timer = QTimer(self, singleShot=True, interval=FRAME_MS)
        self._timer.timeout.connect(self.refresh)
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(8, 6, 8, 4)
        layout.setSpacing(6)
        layout.addLayout(self._build_bar())
        self.view = TimelineView(body)
        self.view.title_for = self._title
        self.view.set_rows(self.rows)
        self.view.message_clicked.connect(self.message_selected)
        self.view.lifeline_clicked.connect(lambda cid: self.lifeline_selected.emit({cid}))
        self.view.follow_changed.connect(self._on_follow_changed)
        layout.addWidget(self.view)
        self.setWidget(body)
        self.visibilityChanged.connect(self._on_visibility)
        self._update_count()

    def _on_visibility(self, shown: bool) -> None:
        if shown:
            self.refresh()

    def _build_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        placeholder = "Filter (e.g. type:newCSA comp:Echo* conn:51234)"
        self.filter_edit, self.chips = add_filter_controls(
            bar, self, placeholder, self._apply_filter
        )
        tip = "Draw identical consecutive messages on one path as one arrow"
        self.collapse_box = check_box("Collapse repeats", checked=True, tip=tip)
        self.collapse_box.toggled.connect(self._apply_filter)
        self.follow_box = check_box("Follow", checked=True, tip="Keep the newest message in view")
        self.follow_box.toggled.connect(lambda on: self.view.set_follow(on))
        bar.addWidget(self.collapse_box)
        bar.addWidget(self.follow_box)
        self.spacing_box = QComboBox()
        for label, key in SPACING_CHOICES:
            self.spacing_box.addItem(label, key)
        self.spacing_box.setToolTip(
            "By order: one row per message, pauses shortened; to scale: distance is time"
        )
        self.spacing_box.currentIndexChanged.connect(self._on_spacing)
        bar.addWidget(self.spacing_box)
        fit = QToolButton()
        fit.setText("Fit")
        fit.setToolTip("Show every kept message (Ctrl+wheel zooms in time, Shift+wheel scrolls "
                       "sideways)")  # fmt: skip
        fit.clicked.connect(self.fit)
        bar.addWidget(fit)
        bar.addStretch(1)
        self.count_label = named(QLabel(), "mutedLabel")
        self.count_label.setFont(mono_font(8.5))
        bar.addWidget(self.count_label)
        return bar

    # -- feeding ----------------------------------------------------------------------------
    def attach(self, run: Any, describe: Describe | None = None) -> None:
        """Follow ``run`` (``stream`` or ``events``: an EventStream; ``model``: its LiveModel)
        from now on, starting afresh."""
        self.detach()
        self.clear()
        live = getattr(run, "model", None)
        self.model.entities = live.entities if live is not None else {}
        self.model.adopt(self.model.entities.values())  # what ran before we looked
        self.describe = describe
        self._apply_filter()
        stream = getattr(run, "stream", None) or run.events
        self._unsubscribe = stream.subscribe(self.feed)

    def detach(self) -> None:
        """Stop following (what was drawn stays until :meth:`clear`)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self.refresh()

    def feed(self, batch: Iterable[Event]) -> None:
        """Take one batch of events (the stream's watcher)."""
        self.model.feed(batch)
        if not self._timer.isActive():
            self._timer.start(FRAME_MS)

    def refresh(self) -> None:
        """Take what came in into the rows and repaint (only while shown)."""
        self._timer.stop()
        if not self.view.isVisible():
            self._update_count()
            return
        more = self.view.refresh()
        if more:
            self._timer.start(0)
        elif self._recenter:
            self._recenter = False
            if self.view.selected is not None:
                self.view.select_serial(self.view.selected)
        self._update_count()

    def clear(self) -> None:
        """Forget the run shown."""
        self.model.clear()
        self.rows.reset()
        self.view.set_rows(self.rows)
        self._update_count()

    def set_theme(self, theme: Theme) -> None:
        """Paint with ``theme``."""
        self.view.set_theme(theme)

    def set_titles(self, titles: TitleFor | None) -> None:
        """How lifeline headers are titled (the live controller names design nodes)."""
        self._titles = titles or default_title
        self.view.titles_version += 1
        self.view.viewport().update()

    def _title(self, line: Lifeline) -> tuple[str, str]:
        return self._titles(line)

    # -- filter and display -----------------------------------------------------------------
    def category(self) -> str:
        """The checked chip's category."""
        return chosen_category(self.chips)

    def set_filter(self, text: str, category: str | None = None) -> None:
        """Show only the messages matching ``text`` (and ``category``), as the log filters."""
        if category is not None:
            for button in self.chips.buttons():
                button.setChecked(button.property("category") == category)
        if self.filter_edit.text() != text:
            self.filter_edit.setText(text)  # applies it
        else:
            self._apply_filter()

    def _apply_filter(self, *_args: object) -> None:
        flt = TimelineFilter(self.filter_edit.text(), self.category(), self.model, self.describe)
        self.rows.configure(flt.predicate(), collapse=self.collapse_box.isChecked())
        if flt:
            self.view.show_lifeline = lambda line: flt.shows_lifeline(line, self._title(line)[0])
        else:
            self.view.show_lifeline = None
        self._recenter = self.view.selected is not None and not self.view.follow
        self.view.band_cache.clear()
        self.refresh()

    def _on_spacing(self, _index: int) -> None:
        self.rows.configure(self.rows.predicate, spacing=self.spacing_box.currentData())
        self.view.reset_zoom()
        self._recenter = self.view.selected is not None and not self.view.follow
        self.refresh()

    def fit(self) -> None:
        """Zoom out (or in) to show every kept message."""
        self.rows.update()
        self.view.refresh()
        self.view.set_follow(False)
        self.view.fit()
        self.view.set_follow(True)

    def _on_follow_changed(self, on: bool) -> None:
        if self.follow_box.isChecked() != on:
            self.follow_box.setChecked(on)

    def _update_count(self) -> None:
        m = self.model
        text = f"{m.total:,} msgs · {len(self.view.columns())} lifelines"
        if m.forgotten:
            text += f" · {m.forgotten:,} forgotten"
        behind = self.rows.behind
        if behind and self.view.isVisible():
            text += f" · taking {behind:,}…"
        self.count_label.setText(text)

    # -- selection ----------------------------------------------------------------------------
    def select_seq(self, seq: int) -> bool:
        """Select the message with event ``seq`` (a log row) and scroll to it; True when the
        timeline draws that message (False: the nearest one, or nothing)."""
        self.rows.update()
        self.view.refresh()
        serial = self.model.serial_of_seq(seq, exact=False)
        if serial is None:
            return False
        found = self.view.select_serial(serial)
        ev = self.model.message(serial)
        return found and ev is not None and ev.seq == seq

    def highlight(self, cids: set[int]) -> None:
        """Highlight the lifelines of ``cids`` (a canvas selection)."""
        self.view.highlight(cids)
