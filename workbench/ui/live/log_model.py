"""Holds the message log's rows: every engine event the log shows, bounded, filtered, sampled.

Between the EventStream batches (fed by the LogDock) and the QTableView. Rows are kept in a
bounded deque (the newest ``max_rows``); a filter (free text, ``key:value`` terms, a category chip)
selects the rows shown. When the flood is too fast to read, plain data rows are sampled 1:N for
display only; lifecycle and control rows are always kept, and the exact totals are counted apart.
"""

from __future__ import annotations

import bisect
import csv
import fnmatch
import json
import math
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from kamaelia_core.instrument import Event
from workbench.ui.live import kinds

COLUMNS = ("#", "time", "source.box", "sink.box", "type", "value")
TYPE_COLUMN = 4
LOG_RATE = 600.0
"""Rows per second the log shows before it samples data rows."""
Describe = Callable[[Event], tuple[str, str, str]]
"""event -> (source label, sink label, connection label)."""
_Index = QModelIndex | QPersistentModelIndex


@dataclass(slots=True)
class LogRow:
    """One line of the log (plain data; exported as is)."""

    seq: int
    time: str
    source: str
    sink: str
    type: str
    category: str
    token: str
    value: str
    conn: str
    cid: int
    box: str
    sink_cid: int
    sink_box: str


def fmt_time(seconds: float) -> str:
    """ "00:02:16.204" for ``seconds`` since the start."""
    seconds = max(0.0, seconds)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{int(h):02d}:{int(m):02d}:{s:06.3f}"


def default_describe(ev: Event) -> tuple[str, str, str]:
    """Labels from the event alone: short component names with their boxes."""
    source = kinds.short_name(ev.name) + (f".{ev.box}" if ev.box else "")
    sink = kinds.short_name(ev.sink_name) + (f".{ev.sink_box}" if ev.sink_box else "")
    return source, sink if ev.sink_cid else "", ""


class LogFilter:
    """A parsed filter: free words and ``type:``, ``box:``, ``comp:``, ``conn:`` terms (globs)."""

    def __init__(self, text: str = "", category: str = "all") -> None:
        self.text = text
        self.category = category
        self.terms: list[tuple[str, str]] = []
        for word in text.lower().split():
            key, sep, value = word.partition(":")
            if sep and key in ("type", "box", "comp", "src", "sink", "conn", "value"):
                self.terms.append((key, value))
            else:
                self.terms.append(("any", word))

    def __bool__(self) -> bool:
        return bool(self.terms) or self.category != "all"

    def accepts(self, row: LogRow) -> bool:
        """True when ``row`` passes the chip and every term."""
        if self.category != "all" and row.category != self.category:
            return False
        for key, value in self.terms:
            if key == "type":
                fields = [row.type]
            elif key == "box":
                fields = [row.box, row.sink_box]
            elif key in ("comp", "src", "sink"):
                fields = {"src": [row.source], "sink": [row.sink]}.get(key, [row.source, row.sink])
            elif key == "conn":
                fields = [row.conn, row.value]
            elif key == "value":
                fields = [row.value]
            else:
                fields = [row.source, row.sink, row.type, row.value, row.conn]
            if not any(_match(value, f) for f in fields):
                return False
        return True


def _match(pattern: str, text: str) -> bool:
    text = text.lower()
    if any(c in pattern for c in "*?["):
        return fnmatch.fnmatchcase(text, pattern) or fnmatch.fnmatchcase(text, f"*{pattern}*")
    return pattern in text


class LogModel(QAbstractTableModel):
    """The rows of the message log.

    Attributes:
        total: events the log has been handed (exact, sampled or not).
        sample: the current display sampling (1 = every row).
        paused: while True, rows are counted but not added.
    """

    def __init__(self, max_rows: int = 50_000, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.max_rows = max_rows
        self.rows: deque[LogRow] = deque(maxlen=max_rows)
        self.shown: list[LogRow] = []
        self.filter = LogFilter()
        self.total = 0
        self.sample = 1
        self.paused = False
        self.missed_while_paused = 0
        self.t0: float | None = None
        self.describe: Describe = default_describe
        self._skip = 0
        self._rate_t = time.monotonic()
        self._rate_n = 0
        self._last_append = time.monotonic()

    # -- Qt model ---------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.shown)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section].upper()
        return None

    def data(self, index: _Index, role: int = 0) -> Any:
        if not index.isValid():
            return None
        row = self.shown[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (row.seq, row.time, row.source, row.sink and f"→  {row.sink}", row.type,
                    row.value)[col]  # fmt: skip
        if role == Qt.ItemDataRole.ToolTipRole and col == 5:
            return row.value
        if role == Qt.ItemDataRole.UserRole:
            return row
        return None

    # -- feeding ----------------------------------------------------------------------------
    def append_events(self, batch: Iterable[Event]) -> int:
        """Add the loggable events of ``batch``; returns how many rows were added."""
        rows = self.take(batch)
        self.add_rows(rows)
        return len(rows)

    def take(self, batch: Iterable[Event]) -> list[LogRow]:
        """Count the loggable events of ``batch`` and make the rows to show (sampled when
        flooded), without touching the table: :meth:`add_rows` adds them later, so a flood's
        events are let go of as they come instead of piling up between table refreshes."""
        new: list[LogRow] = []
        now = time.monotonic()
        if not isinstance(batch, list):
            batch = list(batch)
        burst = len(batch) / max(now - self._last_append, 1 / 60)
        self._last_append = now
        if burst > 2 * LOG_RATE:  # a flood starts: thin it now, not a second later
            self.sample = max(self.sample, math.ceil(burst / LOG_RATE))
        logged, sample, paused = kinds.LOGGED_KINDS, self.sample, self.paused
        special, control = kinds.SPECIAL_TYPES, kinds.CONTROL_BOXES
        total, skip, missed = 0, self._skip, 0
        for ev in batch:
            kind = ev.kind
            if kind not in logged:
                continue
            total += 1
            if paused:
                missed += 1
                continue
            if (
                sample > 1  # fast path for the flood: plain data rows, sampled
                and kind == "delivered"
                and ev.msg_type not in special
                and ev.sink_box not in control
                and ev.box not in control
            ):
                skip = (skip + 1) % sample
                if skip:
                    continue
                category = "data"
            else:
                category = kinds.category(ev)
            if self.t0 is None:
                self.t0 = ev.t
            new.append(self._row(ev, category))
        self.total += total
        self.missed_while_paused += missed
        self._skip = skip
        self._rate_n += len(new)
        if now - self._rate_t >= 1.0:
            rate = self._rate_n * self.sample / (now - self._rate_t)
            self.sample = max(1, math.ceil(rate / LOG_RATE)) if rate > LOG_RATE else 1
            self._rate_t, self._rate_n = now, 0
        return new

    def include(self, ev: Event) -> bool:
        """Make sure event ``ev`` has its row (one a breakpoint stopped at, sampled out of a
        busy log): insert it in seq order if missing. True when it was added."""
        shown = self.shown
        at = bisect.bisect_left(shown, ev.seq, key=lambda row: row.seq)
        if at < len(shown) and shown[at].seq == ev.seq:
            return False
        if self.t0 is None:
            self.t0 = ev.t
        row = self._row(ev, kinds.category(ev))
        self.rows.append(row)
        if self.filter and not self.filter.accepts(row):
            return True
        self.beginInsertRows(QModelIndex(), at, at)
        shown.insert(at, row)
        self.endInsertRows()
        return True

    def add_rows(self, rows: list[LogRow]) -> None:
        """Add rows made by :meth:`take` to the table (those passing the filter are shown)."""
        self._add(rows)

    def _row(self, ev: Event, category: str) -> LogRow:
        source, sink, conn = self.describe(ev)
        value = ev.value
        if ev.kind == "spawned":
            value = kinds.class_label((ev.extra or {}).get("cls", ""))
        elif ev.kind == "crashed":
            lines = [line for line in ev.value.strip().splitlines() if line.strip()]
            value = lines[-1] if lines else "crashed"
        when = fmt_time(ev.t - (self.t0 or ev.t))
        token = kinds.token_kind(ev.msg_type) if ev.kind == "delivered" else ""
        return LogRow(ev.seq, when, source, sink, kinds.type_label(ev), category, token, value,
                      conn, ev.cid, ev.box, ev.sink_cid, ev.sink_box)  # fmt: skip

    def _add(self, new: list[LogRow]) -> None:
        if not new:
            return
        self.rows.extend(new)
        passing = [r for r in new if self.filter.accepts(r)] if self.filter else new
        if not passing:
            return
        overflow = len(self.shown) + len(passing) - self.max_rows
        if overflow > 0:
            drop = min(overflow, len(self.shown))
            if drop:
                self.beginRemoveRows(QModelIndex(), 0, drop - 1)
                del self.shown[:drop]
                self.endRemoveRows()
            passing = passing[-self.max_rows :]
        first = len(self.shown)
        self.beginInsertRows(QModelIndex(), first, first + len(passing) - 1)
        self.shown.extend(passing)
        self.endInsertRows()

    def set_filter(self, text: str, category: str | None = None) -> None:
        """Show only rows matching ``text`` and the ``category`` chip."""
        self.beginResetModel()
        self.filter = LogFilter(text, category or self.filter.category)
        self.shown = (
            [r for r in self.rows if self.filter.accepts(r)] if self.filter else list(self.rows)
        )
        self.endResetModel()

    def clear(self) -> None:
        """Forget every row and count."""
        self.beginResetModel()
        self.rows.clear()
        self.shown.clear()
        self.total = self.missed_while_paused = 0
        self.t0 = None
        self.endResetModel()

    def recent_into(self, cid: int, box: str, count: int, scan: int = 5000) -> list[LogRow]:
        """The last ``count`` deliveries logged into ``cid``'s inbox ``box`` (oldest first),
        looking back at most ``scan`` rows (a sampled flood may have left some out)."""
        found: list[LogRow] = []
        rows = self.rows
        for i in range(len(rows) - 1, max(-1, len(rows) - 1 - scan), -1):
            row = rows[i]
            if row.sink_cid == cid and row.sink_box == box and row.category != "lifecycle":
                found.append(row)
                if len(found) >= count:
                    break
        found.reverse()
        return found

    def row_at(self, index: int) -> LogRow:
        """The shown row at ``index``."""
        return self.shown[index]

    def export(self, path: str, fmt: str = "csv") -> int:
        """Write the shown rows to ``path`` as "csv" or "jsonl"; returns how many."""
        return write_rows(path, list(self.shown), fmt)


def write_rows(path: str, rows: list[LogRow], fmt: str = "csv") -> int:
    """Write ``rows`` to ``path`` as "csv" or "jsonl" (every field); returns how many."""
    with open(path, "w", encoding="utf-8", newline="") as out:
        if fmt == "jsonl":
            for row in rows:
                out.write(json.dumps(asdict(row), ensure_ascii=False) + "\n")
        else:
            writer = csv.writer(out)
            writer.writerow(["seq", "time", "source", "sink", "type", "category", "value"])
            for r in rows:
                writer.writerow([r.seq, r.time, r.source, r.sink, r.type, r.category, r.value])
    return len(rows)
