"""The timeline's data: one lifeline per component and every message between them, bounded.

Sits between a run's event stream (the in-process tap, a program in another process, a
recording: anything whose batches reach ``feed``) and the timeline dock. It keeps the newest
``max_messages`` deliveries in event order (and counts the ones it forgot), and one ``Lifeline``
per component that took part: when it appeared, was spawned and ended (finished, stopped or
crashed), and, for a ConnectedSocketAdapter, the ``newCSA`` and ``shutdownCSA`` that opened and
closed its connection. Positions are *serials*: the index of a message in the run's sequence of
deliveries; a lifeline event at serial ``s`` happened after message ``s - 1`` and before message
``s``. Which messages are shown, collapsed and where is decided by ``TimelineRows``.

It reads nothing but the events' fields (see docs/EVENTS.md) and, when given, the run's
LiveModel for what it already concluded about a component (placement, kind, partner).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from kamaelia_core.instrument import Event
from workbench.runtime.live_model import ENDINGS, LiveEntity, kind_of

MAX_MESSAGES = 100_000
"""Messages kept by default (the oldest are forgotten, and counted, beyond)."""
MAX_LIFELINES = 5_000
"""Lifelines kept at most (ended ones forgotten first)."""
GROUPS = {"design": 0, "server": 1, "service": 2, "other": 3, "connection": 4}
"""Column groups, left to right: design nodes, servers, services, the rest, connections."""


@dataclass(eq=False)
class Lifeline:
    """One component's column on the timeline.

    Attributes:
        cid: The component's id.
        name: Its name as the events give it ("ConnectedSocketAdapter#5").
        cls: Dotted class path ("" until its ``spawned`` event is seen).
        kind: As ``LiveEntity.kind`` ("connection", "handler", "server", "service"...).
        group: Column group (``GROUPS``).
        arrival: Order in which the timeline learnt of it (connections sort by it).
        partner: A connection's handler, or a handler's connection (cid), or None.
        peer: "host:port" of a connection's remote end ("" otherwise).
        design_id: The design node it was built from, or None.
        category: The class's palette category ("Internet"), or "".
        first: Serial at which it first appears (spawn, first message or newCSA naming it).
        last: Serial of the last message it sent or received (-1: none yet).
        spawned: Serial of its ``spawned`` event, or None (it was there before we looked).
        ended: Serial at which it finished, stopped or crashed, or None while it lives.
        state: "running", "finished" or "crashed".
        opened: A connection's first ``newCSA`` (serial), or None.
        closed: A connection's last ``shutdownCSA`` (serial), or None.
        spawned_t, ended_t: Event times of those moments (None when unknown).
        traceback: The crash traceback, or "".
    """

    cid: int
    name: str
    cls: str = ""
    kind: str = "plain"
    group: int = GROUPS["other"]
    arrival: int = 0
    partner: int | None = None
    peer: str = ""
    design_id: str | None = None
    category: str = ""
    first: int = 0
    last: int = -1
    spawned: int | None = None
    ended: int | None = None
    state: str = "running"
    opened: int | None = None
    closed: int | None = None
    spawned_t: float | None = None
    ended_t: float | None = None
    traceback: str = ""

    @property
    def class_name(self) -> str:
        """The bare class name ("ConnectedSocketAdapter"), or "" when unknown."""
        return self.cls.rsplit(".", 1)[-1]

    def order(self, lines: Mapping[int, Lifeline]) -> tuple[int, int, int]:
        """Sort key of its column: group, then arrival; a handler right after its connection."""
        if self.kind == "handler" and self.partner is not None:
            conn = lines.get(self.partner)
            if conn is not None:
                return (conn.group, conn.arrival, 1)
        return (self.group, self.arrival, 0)


def group_of(kind: str, placement: str, design: bool) -> int:
    """The column group of a component of ``kind`` (see ``GROUPS``)."""
    if kind in ("connection", "handler"):
        return GROUPS["connection"]
    if placement == "design" or design:
        return GROUPS["design"]
    if kind == "server":
        return GROUPS["server"]
    if kind == "service":
        return GROUPS["service"]
    return GROUPS["other"]


class TimelineModel:
    """Lifelines and the newest messages of one run, from its event batches.

    Args:
        entities: The run's LiveModel entities (read for placement and pairing; the LiveModel
            must have applied a batch before it reaches ``feed``, as a Session arranges), or
            None to rely on the events alone.
        max_messages: Messages kept; older ones are forgotten (``forgotten`` counts them).
    """

    def __init__(
        self, entities: Mapping[int, LiveEntity] | None = None, max_messages: int = MAX_MESSAGES
    ) -> None:
        if max_messages < 1:
            raise ValueError(f"a timeline keeps at least one message, not {max_messages}")
        self.entities: Mapping[int, LiveEntity] = entities if entities is not None else {}
        self.max_messages = max_messages
        self.messages: list[Event] = []
        """The kept deliveries (``delivered`` and ``counted`` events) in event order."""
        self.base = 0
        """Serial of ``messages[0]`` (= messages forgotten so far)."""
        self.lines: dict[int, Lifeline] = {}
        self.total = 0
        """Deliveries seen (a ``counted`` event adds its ``n``)."""
        self.version = 0
        """Bumped whenever the set, order or ends of the lifelines change."""
        self.t0: float | None = None
        """Time of the first event seen (the ruler counts from it)."""
        self._arrivals = 0
        self._pending_open: dict[int, int] = {}
        """CSA cid -> serial of a newCSA that named it before it was spawned."""

    def __repr__(self) -> str:
        return (
            f"<TimelineModel lifelines={len(self.lines)} kept={len(self.messages)} "
            f"forgotten={self.base}>"
        )

    @property
    def end(self) -> int:
        """Serial the next message will get."""
        return self.base + len(self.messages)

    @property
    def forgotten(self) -> int:
        """Messages let go of to stay within ``max_messages``."""
        return self.base

    def message(self, serial: int) -> Event | None:
        """The kept message with ``serial``, or None (forgotten or not yet seen)."""
        i = serial - self.base
        return self.messages[i] if 0 <= i < len(self.messages) else None

    def clear(self) -> None:
        """Forget everything (a new run)."""
        self.messages.clear()
        self.lines.clear()
        self._pending_open.clear()
        self.base = self.total = 0
        self.t0 = None
        self.version += 1

    # -- feeding ----------------------------------------------------------------------------
    def adopt(self, entities: Iterable[LiveEntity]) -> None:
        """Give a lifeline to each component a run already had when the timeline began watching
        (as the LiveModel knows them; their bars start at the top). Ended ones are left out."""
        for ent in sorted(entities, key=lambda e: e.cid):
            if ent.cid in self.lines or ent.ended_t is not None:
                continue
            line = self._new_line(ent.cid, ent.name, self.end)
            line.cls, line.kind, line.peer = ent.cls, ent.kind, ent.peer
            line.design_id = ent.design_id
            line.category = str(ent.details.get("category", "") or "")
            design = ent.placement == "undeclared" and ent.design_id is not None
            line.group = group_of(ent.kind, ent.placement, design)
            line.partner = ent.partner
            line.spawned, line.spawned_t = self.end, ent.spawned_t
        self.version += 1

    def feed(self, batch: Iterable[Event]) -> None:
        """Take one batch of events, in order (other kinds than those it draws are skipped)."""
        messages = self.messages
        lines = self.lines
        for ev in batch:
            kind = ev.kind
            if self.t0 is None:
                self.t0 = ev.t
            if kind == "delivered" or kind == "counted":
                serial = self.base + len(messages)
                for cid, name in ((ev.cid, ev.name), (ev.sink_cid, ev.sink_name)):
                    line = lines.get(cid)
                    if line is None:
                        line = self._new_line(cid, name, serial)
                    line.last = serial
                messages.append(ev)
                self.total += (ev.extra or {}).get("n", 1) if kind == "counted" else 1
                msg_type = ev.msg_type
                if msg_type == "newCSA" or msg_type == "shutdownCSA":
                    self._connection_mark(ev, serial)
            elif kind == "spawned":
                self._spawned(ev)
            elif kind in ENDINGS:
                self._ended(ev)
        if len(messages) > self.max_messages:
            self._forget()

    def _new_line(self, cid: int, name: str, serial: int) -> Lifeline:
        self._arrivals += 1
        line = Lifeline(cid, name, arrival=self._arrivals, first=serial)
        self.lines[cid] = line
        opened = self._pending_open.pop(cid, None)
        if opened is not None:
            line.opened = opened
            line.first = min(line.first, opened)
        self.version += 1
        if len(self.lines) > MAX_LIFELINES:
            self._drop_lines(len(self.lines) - MAX_LIFELINES)
        return line

    def _spawned(self, ev: Event) -> None:
        extra: dict[str, Any] = ev.extra or {}
        serial = self.end
        line = self.lines.get(ev.cid)
        if line is not None and line.ended is not None:
            del self.lines[ev.cid]  # an id seen again after it ended: a new life
            line = None
        if line is None:
            line = self._new_line(ev.cid, ev.name, serial)
        elif line.spawned is not None:
            return  # announced again (a tap attached twice)
        ent = self.entities.get(ev.cid)
        kind = ent.kind if ent is not None else kind_of(extra)
        placement = ent.placement if ent is not None else ""
        if ent is not None:  # drawn by a node of its own: a design node or a program's node
            design = placement == "undeclared" and ent.design_id is not None
        else:
            design = "design_id" in extra and "instance_of" not in extra
        line.name = ev.name
        line.cls = str(extra.get("cls", ""))
        line.category = str(extra.get("category", "") or "")
        line.kind = kind
        line.group = group_of(kind, placement, design)
        line.design_id = ent.design_id if ent is not None else extra.get("design_id")
        line.peer = str(extra.get("peer", "")) or (ent.peer if ent is not None else "")
        line.spawned = serial
        line.spawned_t = ev.t
        partner = extra.get("connection")
        if isinstance(partner, int):
            line.partner = partner
            conn = self.lines.get(partner)
            if conn is not None:
                conn.partner = ev.cid
                line.peer = line.peer or conn.peer
        self.version += 1

    def _ended(self, ev: Event) -> None:
        line = self.lines.get(ev.cid)
        if line is None or line.ended is not None:
            return
        line.ended = self.end
        line.ended_t = ev.t
        line.state = ENDINGS[ev.kind]
        if ev.kind == "crashed":
            line.traceback = (ev.extra or {}).get("traceback", "") or ev.value
        self.version += 1

    def _connection_mark(self, ev: Event, serial: int) -> None:
        """``newCSA``/``shutdownCSA`` name their CSA under ``object``: open or close its bar."""
        cid = (ev.extra or {}).get("object")
        if not isinstance(cid, int):
            return
        line = self.lines.get(cid)
        if ev.msg_type == "newCSA":
            if line is None:
                if len(self._pending_open) < MAX_LIFELINES:
                    self._pending_open.setdefault(cid, serial)
            elif line.opened is None:
                line.opened = serial
                line.first = min(line.first, serial)
        elif line is not None:
            line.closed = serial
        self.version += 1

    def _forget(self) -> None:
        """Drop the oldest eighth of the kept messages, and the lifelines that ended before."""
        drop = len(self.messages) - self.max_messages + self.max_messages // 8
        drop = min(drop, len(self.messages))
        del self.messages[:drop]
        self.base += drop
        base = self.base
        gone = [
            cid
            for cid, line in self.lines.items()
            if line.ended is not None and line.ended <= base and line.last < base
        ]
        for cid in gone:
            del self.lines[cid]
        self.version += 1

    def _drop_lines(self, count: int) -> None:
        ended = sorted(
            (line for line in self.lines.values() if line.ended is not None),
            key=lambda line: line.ended or 0,
        )
        for line in ended[:count]:
            del self.lines[line.cid]

    # -- queries ----------------------------------------------------------------------------
    def columns(self, only: set[int] | None = None) -> list[Lifeline]:
        """The lifelines left to right (those in ``only`` when given)."""
        lines = self.lines
        chosen = lines.values() if only is None else [lines[c] for c in only if c in lines]
        return sorted(chosen, key=lambda line: line.order(lines))

    def serial_of_seq(self, seq: int, exact: bool = True) -> int | None:
        """The serial of the kept message whose event ``seq`` is ``seq``, or None when it is not
        kept; with ``exact`` False, the first kept message from ``seq`` on (None past the end)."""
        messages = self.messages
        lo, hi = 0, len(messages)
        while lo < hi:
            mid = (lo + hi) // 2
            if messages[mid].seq < seq:
                lo = mid + 1
            else:
                hi = mid
        if lo < len(messages) and (messages[lo].seq == seq or not exact):
            return self.base + lo
        return None
