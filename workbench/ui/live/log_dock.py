"""The message log dock: every event of the watched run, filterable, pausable, exportable.

Fed by the session's EventStream (it subscribes to the batches the frame timer pumps), it shows
#, time, source.box, sink.box, a type chip in the token colour and the value. A click on a row
asks the live controller to select that link or node on the canvas (``row_activated``); selecting
on the canvas brings the latest matching row into view (``reveal``). When flooded it samples the
data rows it displays ("sampled 1:N") while the totals stay exact.
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Callable, Iterable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFontMetricsF, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kamaelia_core.instrument import Event
from workbench.runtime.events import EventStream
from workbench.ui.canvas.style import Fonts, paint_chip
from workbench.ui.live.filter_bar import add_filter_controls, check_box, chosen_category
from workbench.ui.live.log_model import TYPE_COLUMN, Describe, LogModel, LogRow
from workbench.ui.theme import DARK, Theme, mono_font, named

log = logging.getLogger(__name__)

FLUSH_MS = 125
"""The table takes the stream's batches at most this often (repainting it costs the scheduler)."""
WIDTHS = (64, 104, 250, 250, 130)


class TypeChipDelegate(QStyledItemDelegate):
    """Paints the type column as a pill in the token colour (as the canvas tokens)."""

    def __init__(self, dock: LogDock) -> None:
        super().__init__(dock)
        self.dock = dock

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        super().paint(painter, option, QModelIndex())  # selection/alternate background only
        row: LogRow = index.data(Qt.ItemDataRole.UserRole)
        if row is None:
            return
        theme = self.dock.theme
        color = theme.token_color(row.token) if row.token else theme.muted
        text = row.type
        font = Fonts.get("sub")
        width = QFontMetricsF(font).horizontalAdvance(text) + 14
        r = QRectF(option.rect)
        chip = QRectF(r.left() + 4, r.center().y() - 8, width, 16)
        solid = row.token in ("new", "closing", "eos")  # lifecycle: filled like the tokens
        text_color = QColor("#ffffff") if solid else color
        if row.token == "new":
            text_color = QColor("#0b1f10")
        paint_chip(painter, chip, text, font, color, 255 if solid else 60, text_color)


class LogDock(QDockWidget):
    """The "Message log" dock.

    Attributes:
        model: the LogModel behind the table.
        table: the QTableView.
    """

    row_activated = Signal(object)  #: LogRow clicked (when "Show on canvas" is on)

    def __init__(self, parent: QWidget | None = None, max_rows: int = 50_000) -> None:
        """Build the filter bar and the table (detached: call :meth:`attach`)."""
        super().__init__("Message log", parent)
        self.setObjectName("MessageLogDock")
        self.theme: Theme = DARK
        self.model = LogModel(max_rows, self)
        self._unsubscribe: Callable[[], None] | None = None
        self._revealing = False
        self._queued: list[LogRow] = []
        """Rows taken from the stream's batches, not yet in the table."""
        self._stream: EventStream | None = None
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(FLUSH_MS)
        self._flush_timer.timeout.connect(self.flush)
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(8, 6, 8, 4)
        layout.setSpacing(6)
        layout.addLayout(self._build_bar())
        self.table = QTableView(body)
        self.table.setModel(self.model)
        self.table.setObjectName("messageLog")
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.setFont(mono_font(8.5))
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setStretchLastSection(True)
        for col, width in enumerate(WIDTHS):
            self.table.setColumnWidth(col, width)
        self.table.setItemDelegateForColumn(TYPE_COLUMN, TypeChipDelegate(self))
        self.table.clicked.connect(self._on_clicked)
        layout.addWidget(self.table)
        self.setWidget(body)
        self._update_count()

    def _build_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        placeholder = "Filter (e.g. type:newCSA box:Echo* conn:51234 hello)"
        self.filter_edit, self.chips = add_filter_controls(
            bar, self, placeholder, self._apply_filter
        )
        self.follow = check_box("Follow", checked=True)
        self.pause_box = check_box("Pause")
        self.pause_box.toggled.connect(self.set_paused)
        self.show_on_canvas = check_box("Show on canvas", checked=True)
        for widget in (self.follow, self.pause_box, self.show_on_canvas):
            bar.addWidget(widget)
        export = QToolButton(popupMode=QToolButton.ToolButtonPopupMode.InstantPopup)
        export.setText("Export")
        menu = QMenu(export)
        menu.addAction("CSV…", lambda: self.export_dialog("csv"))
        menu.addAction("JSON lines…", lambda: self.export_dialog("jsonl"))
        export.setMenu(menu)
        export.setObjectName("exportButton")
        self.export_menu = menu
        """The Export menu (the window adds the previous run's rows to it)."""
        bar.addWidget(export)
        bar.addStretch(1)
        self.run_label = named(QLabel(), "runLabel")
        """Whose run the rows are (set by the window: ``workbench.ui.panels.run_log``)."""
        bar.addWidget(self.run_label)
        self.count_label = named(QLabel(), "mutedLabel")
        self.count_label.setFont(mono_font(8.5))
        bar.addWidget(self.count_label)
        return bar

    # -- feeding ----------------------------------------------------------------------------
    def attach(self, stream: EventStream, describe: Describe | None = None) -> None:
        """Log every batch ``stream`` (an EventStream) hands out from now on."""
        self.detach()
        if describe is not None:
            self.model.describe = describe
        self._stream = stream
        self._unsubscribe = stream.subscribe(self._queue)

    def detach(self) -> None:
        """Stop logging (rows stay until :meth:`clear`; queued events are added first)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self.flush()

    def _queue(self, batch: Iterable[Event]) -> None:
        self._queued.extend(self.model.take(batch))  # counted and sampled now, shown later
        if not self._flush_timer.isActive():
            flooded = self.model.sample > 1  # a table nobody can read anyway: refresh less
            self._flush_timer.start(FLUSH_MS * 2 if flooded else FLUSH_MS)

    def flush(self) -> None:
        """Add the rows queued from the stream now."""
        self._flush_timer.stop()
        rows, self._queued = self._queued, []
        self.model.add_rows(rows)
        self._shown(len(rows))

    def append(self, batch: Iterable[Event]) -> None:
        """Add a batch of events now."""
        self.flush()
        self._shown(self.model.append_events(batch))

    def _shown(self, added: int) -> None:
        if added and self.follow.isChecked() and not self.model.paused:
            self.table.scrollToBottom()
        self._update_count()

    def clear(self) -> None:
        """Empty the log."""
        self._queued.clear()
        self.model.clear()
        self._update_count()

    def set_theme(self, theme: Theme) -> None:
        """Paint the type chips with ``theme``'s token colours."""
        self.theme = theme
        pal = self.table.palette()
        accent, base = theme.accent, theme.base
        mix = QColor(
            round(accent.red() * 0.35 + base.red() * 0.65),
            round(accent.green() * 0.35 + base.green() * 0.65),
            round(accent.blue() * 0.35 + base.blue() * 0.65),
        )  # the selected row: a calm tint of the accent, as the link it shows on the canvas
        pal.setColor(pal.ColorRole.Highlight, mix)
        pal.setColor(pal.ColorRole.HighlightedText, theme.text)
        self.table.setPalette(pal)
        self.table.viewport().update()

    def set_paused(self, paused: bool) -> None:
        """Stop (or resume) adding rows; events are still counted."""
        self.model.paused = paused
        if self.pause_box.isChecked() != paused:
            self.pause_box.setChecked(paused)
        if not paused:
            self.model.missed_while_paused = 0
        self._update_count()

    def _update_count(self) -> None:
        m = self.model
        text = f"{m.total:,} msgs"
        if m.sample > 1:
            text = f"sampled 1:{m.sample} · {text}"
        if m.paused:
            text = f"paused · {m.missed_while_paused:,} new · {text}"
        dropped = getattr(self._stream, "dropped", 0)
        if dropped:
            text += f" · {dropped:,} lost (tap full)"
        self.count_label.setText(text)

    # -- filter -----------------------------------------------------------------------------
    def category(self) -> str:
        """The checked chip's category ("all", "data", "lifecycle", "control")."""
        return chosen_category(self.chips)

    def set_category(self, category: str) -> None:
        """Check the chip of ``category``."""
        for button in self.chips.buttons():
            if button.property("category") == category:
                button.setChecked(True)
        self._apply_filter()

    def _apply_filter(self, *_args: object) -> None:
        self.model.set_filter(self.filter_edit.text(), self.category())
        if self.follow.isChecked():
            self.table.scrollToBottom()

    # -- selection ----------------------------------------------------------------------------
    def _on_clicked(self, index: QModelIndex) -> None:
        if self._revealing or not index.isValid() or not self.show_on_canvas.isChecked():
            return
        self.row_activated.emit(self.model.row_at(index.row()))

    def select_seq(self, seq: int) -> bool:
        """Select and show the row of event ``seq`` (a message picked elsewhere); when that row
        is not shown (filtered, sampled, forgotten), the next one. True for the row itself."""
        self.flush()
        shown = self.model.shown
        i = bisect.bisect_left(shown, seq, key=lambda row: row.seq)
        if i >= len(shown):
            return False
        self._select_row(i)
        return shown[i].seq == seq

    def reveal(self, cids: set[int]) -> bool:
        """Select the newest shown row about any of ``cids`` (a canvas selection)."""
        if not cids:
            return False
        shown = self.model.shown
        for i in range(len(shown) - 1, max(-1, len(shown) - 20_001), -1):
            row = shown[i]
            if row.cid in cids or row.sink_cid in cids:
                self._select_row(i)
                return True
        return False

    def _select_row(self, i: int) -> None:
        """Select and show shown row ``i`` for the others (stops following the newest)."""
        self._revealing = True  # a selection made here is not the user's: no row_activated
        try:
            self.follow.setChecked(False)
            self.table.selectRow(i)
            self.table.scrollTo(self.model.index(i, 0))
        finally:
            self._revealing = False

    # -- export -----------------------------------------------------------------------------
    def export(self, path: str, fmt: str = "csv") -> int:
        """Write the shown rows to ``path`` ("csv" or "jsonl"); returns how many."""
        return self.model.export(path, fmt)

    def export_dialog(self, fmt: str) -> None:
        """Ask where to save, then export."""
        suffix = "CSV (*.csv)" if fmt == "csv" else "JSON lines (*.jsonl)"
        path, _ = QFileDialog.getSaveFileName(self, "Export message log", f"messages.{fmt}", suffix)
        if path:
            try:
                count = self.export(path, fmt)
            except OSError as exc:
                log.warning("cannot export the message log to %s: %s", path, exc)
                self.count_label.setText(f"export failed: {exc.strerror or exc}")
                return
            self.count_label.setText(f"exported {count:,} rows")
