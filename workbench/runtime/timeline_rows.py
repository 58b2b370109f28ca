"""The rows a timeline draws: its messages filtered, repeats collapsed, each placed in time.

Between the TimelineModel (every kept message, in event order) and the timeline view. A row is
one arrow: one message, or N identical consecutive shown messages on the same path (same sender
and receiver boxes, type and value) drawn once with "xN". Each row has a position ``pos`` in
abstract units that grows down the page: in "order" spacing every row takes one unit plus a gap
that grows with the logarithm of the time since the previous one (a sequence diagram that still
shows the pauses); in "time" spacing the position is proportional to time (0.01 s per unit).

Rows are taken from the model lazily (``update(budget)``), so a hidden timeline costs nothing and
a long backlog is taken over a few frames. To draw a dense stretch as counts without visiting
every row, rows are tallied into aligned blocks of 32 and 1,024 rows (sender, receiver, token kind
-> messages): ``aggregate`` covers any range with at most ~130 rows and blocks plus one block per
1,024 rows. Memory follows the model: rows whose messages were all forgotten are dropped.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable

from kamaelia_core.instrument import Event
from workbench.runtime.timeline import TimelineModel

ORDER = "order"
TIME = "time"
SPACINGS = (ORDER, TIME)
BLOCKS = (32, 1024)
"""Rows per tally block, finest first; the coarsest is also the trimming step."""
TIME_UNIT = 0.01
"""Seconds per unit in "time" spacing."""
TIME_EPS = 0.02
"""Units between two messages of the same instant in "time" spacing (they stay apart when
zoomed in far enough)."""
GAP_SCALE, GAP_TAU, GAP_MAX = 0.5, 0.02, 5.0
"""Order spacing: a gap of dt seconds adds GAP_SCALE * ln(1 + dt / GAP_TAU) units, at most
GAP_MAX (0.1 s ~ 0.9 unit, 1 s ~ 2 units, a minute ~ 4)."""

AggKey = tuple[int, int, str]
"""(sender cid, receiver cid, token kind) of a tally."""
Classify = Callable[[str], str]
"""Message type -> token kind ("new", "closing", "eos", "data")."""
Predicate = Callable[[Event], bool]


def count_of(ev: Event) -> int:
    """Messages one event stands for (a ``counted`` event stands for ``extra["n"]``)."""
    return (ev.extra or {}).get("n", 1) if ev.kind == "counted" else 1


class TimelineRows:
    """The shown rows of one TimelineModel.

    Args:
        model: The timeline model they are taken from.
        classify: Message type -> token kind, for the tallies' colours (all "data" when None).
        spacing: "order" or "time" (see the module docstring).
        collapse: Whether identical consecutive messages share one row.
        predicate: Which messages are shown (all when None).

    Attributes:
        first: Each row's first message; ``serial``/``last``: its first and last serial;
            ``count``: messages it stands for; ``pos``: its position (units, increasing).
        offset: Absolute index of row 0 (rows before it were dropped with their messages).
        involved: Components that sent or received a shown message.
        version: Bumped when the rows are rebuilt or trimmed (cached drawings are stale).
    """

    def __init__(
        self,
        model: TimelineModel,
        classify: Classify | None = None,
        spacing: str = ORDER,
        collapse: bool = True,
        predicate: Predicate | None = None,
    ) -> None:
        if spacing not in SPACINGS:
            raise ValueError(f"spacing is one of {', '.join(SPACINGS)}, not {spacing!r}")
        self.model = model
        self.classify: Classify = classify or (lambda _type: "data")
        self.spacing = spacing
        self.collapse = collapse
        self.predicate = predicate
        self.version = 0
        self._kinds: dict[str, str] = {}
        self.reset()

    def reset(self) -> None:
        """Forget every row; the next ``update`` takes the model's messages again."""
        self.first: list[Event] = []
        self.serial: list[int] = []
        self.last: list[int] = []
        self.count: list[int] = []
        self.pos: list[float] = []
        self.offset = 0
        self.done = self.model.base
        self.involved: set[int] = set()
        self.blocks: list[list[dict[AggKey, int]]] = [[] for _ in BLOCKS]
        self._last_key: tuple | None = None
        self._last_t: float | None = None
        self.version += 1

    def configure(
        self,
        predicate: Predicate | None = None,
        spacing: str | None = None,
        collapse: bool | None = None,
    ) -> None:
        """Change what is shown and how (the rows are rebuilt by the next updates)."""
        if spacing is not None and spacing not in SPACINGS:
            raise ValueError(f"spacing is one of {', '.join(SPACINGS)}, not {spacing!r}")
        self.predicate = predicate
        self.spacing = spacing or self.spacing
        self.collapse = self.collapse if collapse is None else collapse
        self.reset()

    def __len__(self) -> int:
        return len(self.pos)

    @property
    def behind(self) -> int:
        """Kept messages not taken yet."""
        return self.model.end - max(self.done, self.model.base)

    @property
    def shown(self) -> int:
        """Messages the rows stand for."""
        return sum(self.count)

    def kind(self, msg_type: str) -> str:
        """The token kind of ``msg_type`` (cached)."""
        kind = self._kinds.get(msg_type)
        if kind is None:
            kind = self._kinds[msg_type] = self.classify(msg_type)
        return kind

    # -- taking messages ----------------------------------------------------------------------
    def update(self, budget: int | None = None) -> bool:
        """Take up to ``budget`` new messages from the model (all when None); True when more
        remain to be taken."""
        model = self.model
        if model.base > self.done:  # forgotten before they were taken: a break in the rows
            self.done = model.base
            self._last_key = None
        end = model.end
        stop = end if budget is None else min(end, self.done + budget)
        messages, base = model.messages, model.base
        predicate, collapse = self.predicate, self.collapse
        count, last, pos = self.count, self.last, self.pos
        for serial in range(self.done, stop):
            ev = messages[serial - base]
            if predicate is not None and not predicate(ev):
                continue
            n = count_of(ev)
            key = (ev.cid, ev.box, ev.sink_cid, ev.sink_box, ev.msg_type, ev.value)
            if collapse and key == self._last_key:
                i = len(count) - 1
                count[i] += n
                last[i] = serial
                self._tally(self.offset + i, ev, n)
                self._last_t = ev.t
                continue
            self._last_key = key
            previous = self._last_t if self._last_t is not None else ev.t
            at = pos[-1] + self._step(ev.t - previous) if pos else 0.0
            self._last_t = ev.t
            self.first.append(ev)
            self.serial.append(serial)
            last.append(serial)
            count.append(n)
            pos.append(at)
            self.involved.add(ev.cid)
            self.involved.add(ev.sink_cid)
            self._tally(self.offset + len(pos) - 1, ev, n)
        self.done = stop
        self._trim()
        return stop < end

    def _step(self, dt: float) -> float:
        dt = max(0.0, dt)
        if self.spacing == TIME:
            return dt / TIME_UNIT + TIME_EPS
        return 1.0 + min(GAP_MAX, GAP_SCALE * math.log1p(dt / GAP_TAU))

    def _tally(self, index: int, ev: Event, n: int) -> None:
        key = (ev.cid, ev.sink_cid, self.kind(ev.msg_type))
        offset = self.offset
        for level, size in enumerate(BLOCKS):
            blocks = self.blocks[level]
            b = index // size - offset // size
            if b == len(blocks):
                blocks.append({})
            tally = blocks[b]
            tally[key] = tally.get(key, 0) + n

    def _trim(self) -> None:
        """Drop whole coarse blocks of rows whose messages the model forgot."""
        gone = bisect_left(self.last, self.model.base)
        step = BLOCKS[-1]
        drop = (gone // step) * step
        if not drop:
            return
        for rows in (self.first, self.serial, self.last, self.count, self.pos):
            del rows[:drop]
        for level, size in enumerate(BLOCKS):
            del self.blocks[level][: drop // size]
        self.offset += drop
        self.version += 1

    # -- queries ------------------------------------------------------------------------------
    def span(self, p0: float, p1: float) -> tuple[int, int]:
        """Local indices ``[i0, i1)`` of the rows with ``p0 <= pos < p1``."""
        return bisect_left(self.pos, p0), bisect_left(self.pos, p1)

    def pos_at(self, serial: int) -> float:
        """Where a lifeline event at ``serial`` goes: just before the first row from there."""
        pos = self.pos
        if not pos:
            return 0.0
        half = 0.5 if self.spacing == ORDER else TIME_EPS / 2
        i = bisect_left(self.serial, serial)
        if i >= len(pos):
            return pos[-1] + half
        return pos[i] - half

    def pos_of_message(self, serial: int) -> float:
        """Where message ``serial`` is drawn (its row), or where it would go when not shown."""
        i, exact = self.row_of(serial)
        return self.pos[i] if exact and i is not None else self.pos_at(serial)

    def row_of(self, serial: int) -> tuple[int | None, bool]:
        """The local index of the row showing message ``serial`` and whether it shows it
        (False: the nearest row, the message being filtered out, forgotten or not yet taken)."""
        if not self.pos:
            return None, False
        i = bisect_right(self.serial, serial) - 1
        if i >= 0 and serial <= self.last[i]:
            ev = self.model.message(serial)
            exact = serial == self.serial[i] or (
                ev is not None and (self.predicate is None or self.predicate(ev))
            )
            if exact:
                return i, True
        return max(0, min(i + 1, len(self.pos) - 1)), False

    def time_at(self, p: float) -> float | None:
        """Event time of the row at or just after position ``p`` (None without rows)."""
        if not self.pos:
            return None
        i = min(bisect_left(self.pos, p), len(self.pos) - 1)
        return self.first[i].t

    def key_of(self, i: int) -> AggKey:
        """The tally key of local row ``i``."""
        ev = self.first[i]
        return (ev.cid, ev.sink_cid, self.kind(ev.msg_type))

    def aggregate(self, i0: int, i1: int, out: dict[AggKey, int]) -> int:
        """Add the messages of local rows ``[i0, i1)`` to ``out`` by key; returns how many rows
        and blocks it visited (bounded: ~130 plus one per 1,024 rows)."""
        offset = self.offset
        i, end = i0 + offset, i1 + offset
        fine, coarse = BLOCKS
        blocks_fine, blocks_coarse = self.blocks
        visits = 0
        while i < end:
            if i % coarse == 0 and i + coarse <= end:
                tally = blocks_coarse[i // coarse - offset // coarse]
                i += coarse
            elif i % fine == 0 and i + fine <= end:
                tally = blocks_fine[i // fine - offset // fine]
                i += fine
            else:
                key = self.key_of(i - offset)
                out[key] = out.get(key, 0) + self.count[i - offset]
                i += 1
                visits += 1
                continue
            visits += 1
            for key, n in tally.items():
                out[key] = out.get(key, 0) + n
        return visits
