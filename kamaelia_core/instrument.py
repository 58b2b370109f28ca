"""The instrumentation tap: structured engine events into a bounded buffer.

The scheduler calls ``Tap.record`` at well-named moments (a component spawned, paused, crashed)
and the boxes append each delivery directly. Consumers (the workbench, the headless runner, the
trace recorder) ``drain`` the buffer in batches. A full buffer drops its oldest events and
counts them in ``dropped``, so a flood of traffic costs bounded memory and never blocks the
engine. With no tap attached the engine pays one attribute test per event site.

Draining decodes the buffer into ``kamaelia_core.events.Event`` records; ``Event``, ``describe``,
``message_refs``, ``safe_repr`` and ``VALUE_LIMIT`` are importable from here too.
"""

from __future__ import annotations

import socket as _socket
import time
from bisect import bisect_right
from collections import deque
from collections.abc import Iterable
from operator import itemgetter
from typing import Any

from kamaelia_core import ipc as _ipc
from kamaelia_core.events import (
    PARAMS_LIMIT,
    VALUE_LIMIT,
    Boxes,
    Event,
    describe,
    message_refs,
    safe_repr,
)

_CHEAP = (bytes, str, int, float, bool, type(None))
BY_REFERENCE = frozenset({int, float, bool, type(None), complex})
"""Exact message types an event keeps by reference with no further check (immutable, small)."""
monotonic = time.monotonic
"""The clock events are stamped with."""


class _Rendered:
    """A value turned into its display text when it was recorded (it might change later)."""

    __slots__ = ("cls", "text")

    def __init__(self, cls: type, text: str) -> None:
        self.cls = cls
        self.text = text


def capture(message: Any) -> Any:
    """Keep immutable messages by reference (rendered at drain time); render the rest now."""
    if isinstance(message, _CHEAP):
        if isinstance(message, (bytes, str)) and len(message) > VALUE_LIMIT:
            return message[: VALUE_LIMIT + 1]
        return message
    if isinstance(message, _ipc.ipc):
        return message
    if isinstance(message, _socket.socket):  # the Selector's readiness notes: see _text
        return message
    return _Rendered(message.__class__, safe_repr(message))


class _Segment:
    """A run of recorded events: two list items each, with the times they were recorded at."""

    __slots__ = ("first_seq", "items", "marks")

    def __init__(self, first_seq: int, items: list, marks: list[tuple[int, float]]) -> None:
        self.first_seq = first_seq
        self.items = items
        self.marks = marks

    @property
    def end_seq(self) -> int:
        """The sequence number after its last event."""
        return self.first_seq + len(self.items) // 2


class Tap:
    """A bounded buffer of engine events, attached to one scheduler.

    Every event is two items appended to a list: a *head* and a value. A delivery's head is the
    ``(source box, terminal box)`` route its sender already holds, so recording one costs two
    appends and no allocation (the value is the message itself when immutable and small, else a
    rendering of it). A ``paused``/``woke`` event's head is its kind (a string) and its value the
    component: no allocation either (these come several times per request of a busy server).
    Other events have a tuple head (kind, component, boxes, message class, details). Times are
    not stored per event: the scheduler calls ``tick`` at each slice and I/O wake and the tap
    notes the time once for the events that follow (``record`` notes its own), so a delivery
    carries the time of the slice that made it. Sequence numbers are implicit (the
    position in the buffer), gap-free per tap.

    Events fill segments of about a quarter of ``capacity``; when a full segment would make the
    buffer hold more than ``capacity`` undrained events, the oldest segment is dropped whole and
    counted in ``dropped``. The bound is applied at every ``tick``, ``record`` and read, so within
    one slice the buffer can exceed ``capacity`` by what that slice delivered: messages that sit
    in inboxes anyway, two references each.

    Args:
        capacity: How many undrained events the buffer holds (at slice boundaries).
    """

    def __init__(self, capacity: int = 65536) -> None:
        if capacity < 1:
            raise ValueError(f"a tap needs room for at least one event, not {capacity}")
        self.capacity = capacity
        self._segment_items = 2 * max(1, capacity // 4)
        self.buf: list[Any] = []
        """The items of the newest segment (the boxes append deliveries to it directly)."""
        self._marks: list[tuple[int, float]] = [(0, monotonic())]
        self._first_seq = 1
        self._older: deque[_Segment] = deque()
        self._older_events = 0
        self._next_read = 1
        self._dropped = 0
        self._nonzero: set[tuple[int, str]] = set()
        self._state_budget: int | None = None
        self._state_room = 0
        self._late_states: dict[Any, str] = {}

    @property
    def emitted(self) -> int:
        """How many events have been recorded so far."""
        return self._first_seq + len(self.buf) // 2 - 1

    @property
    def next_seq(self) -> int:
        """The sequence number the next ``drain`` starts at."""
        self._bound()
        return self._next_read

    @property
    def dropped(self) -> int:
        """Events discarded before anyone drained them."""
        self._bound()
        return self._dropped

    def __len__(self) -> int:
        self._bound()
        return self.emitted + 1 - self._next_read

    def tick(self) -> None:
        """Note the time for the events that follow and keep the buffer bounded (per slice)."""
        buf = self.buf
        count = len(buf)
        if count >= self._segment_items:
            self._bound()
            buf = self.buf
            count = len(buf)
        marks = self._marks
        if marks[-1][0] == count:
            marks[-1] = (count, monotonic())
        else:
            marks.append((count, monotonic()))

    def record(
        self,
        kind: str,
        comp: Any,
        box: str = "",
        sink: Any = None,
        sink_box: str = "",
        message: Any = None,
        extra: dict[str, Any] | Boxes | None = None,
    ) -> None:
        """Record one event (called by the engine).

        ``extra`` holds the kind's details; for ``spawned`` it is the component's
        ``(inboxes, outboxes)`` names as they are now (the other details are read at drain time,
        see ``describe``).
        """
        self.tick()
        buf = self.buf
        cls = None if message is None else message.__class__
        buf.append((kind, comp, box, sink, sink_box, cls, extra))
        buf.append(capture(message))

    def state(self, comp: Any, kind: str, /) -> None:
        """Record a ``paused`` or ``woke`` event at the time in force (called by the scheduler).

        Cheaper than ``record``, with no allocation: these come several times per request of a
        busy server, always inside a slice or an I/O wake whose time the scheduler has just
        noted (as deliveries).
        """
        buf = self.buf
        buf.append(kind)
        buf.append(comp)

    def limit_states(self, budget: int | None) -> None:
        """Record at most ``budget`` paused/woke events between two drains (None: all).

        Beyond it only each component's last state is kept (a C-level dict store: no Python
        call), and recorded when the tap is drained if the component still runs: a flood of
        state flips costs next to nothing, for a viewer that condenses them anyway
        (``kamaelia_core.condense``).
        """
        self._state_budget = budget
        if budget is None:
            self.__dict__.pop("state", None)
        else:
            self._open_state_budget()

    # ``state`` is swapped per instance for the cheapest recorder the budget allows (a C-level
    # dict store once it is spent): method assignments mypy cannot type
    def _open_state_budget(self) -> None:
        self._state_room = self._state_budget or 0
        if self._state_room > 0:
            self.state = self._state_limited  # type: ignore[method-assign]
        else:
            self.state = self._late_states.__setitem__  # type: ignore[method-assign]

    def _state_limited(self, comp: Any, kind: str, /) -> None:
        if self._state_room > 1:
            self._state_room -= 1
        else:  # the budget is spent: from now on only the last state of each component
            self.state = self._late_states.__setitem__  # type: ignore[method-assign]
        buf = self.buf
        buf.append(kind)
        buf.append(comp)

    def _flush_states(self) -> None:
        """Record the last states held back by ``limit_states``; open the next budget."""
        late = self._late_states
        if late:
            self.tick()
            buf = self.buf
            for comp, kind in late.items():
                if getattr(comp, "_state", "running") == "running":
                    buf.append(kind)
                    buf.append(comp)
            late.clear()
        self._open_state_budget()

    def sample(self, components: Iterable[Any]) -> None:
        """Record a ``sampled`` event: how many messages wait in the inboxes of ``components``.

        ``extra["depths"]`` lists ``[cid, box, waiting, size limit or None]`` for every inbox
        holding messages, and ``[cid, box, 0, None]`` for each inbox that held some at the
        previous sample and is empty now, so a viewer keeps exact badges from samples alone.
        ``extra["live"]`` is how many components were sampled. The scheduler's owner calls it
        now and then (about once a second): it costs a look at every inbox.
        """
        depths: list[list[Any]] = []
        nonzero: set[tuple[int, str]] = set()
        count = 0
        for comp in components:
            count += 1
            cid = comp.cid
            for name, box in comp.inboxes.items():
                waiting = len(box.storage)
                if waiting:
                    depths.append([cid, name, waiting, box.size])
                    nonzero.add((cid, name))
        for cid, name in self._nonzero - nonzero:
            depths.append([cid, name, 0, None])
        self._nonzero = nonzero
        self.record("sampled", None, extra={"depths": depths, "live": count})

    def delivered(self, comp: Any, box: str, sink: Any, sink_box: str, message: Any) -> None:
        """Record a delivery made outside the boxes (the boxes append theirs directly)."""
        self.record("delivered", comp, box, sink, sink_box, message)

    def _bound(self) -> None:
        """Close a full newest segment and drop the oldest ones beyond ``capacity``."""
        buf = self.buf
        if len(buf) >= self._segment_items:
            last_time = self._marks[-1][1]
            segment = _Segment(self._first_seq, buf, self._marks)
            self._older.append(segment)
            self._older_events += len(buf) // 2
            self._first_seq = segment.end_seq
            self.buf = []
            self._marks = [(0, last_time)]
        excess = self._older_events + len(self.buf) // 2 - self.capacity
        older = self._older
        while excess > 0 and older:
            oldest = older[0]
            count = len(oldest.items) // 2
            if count <= excess:
                older.popleft()
                self._older_events -= count
                self._forget(oldest.first_seq, oldest.end_seq)
            else:  # one oversized slice: cut the segment
                _cut(oldest, excess)
                self._older_events -= excess
                self._forget(oldest.first_seq - excess, oldest.first_seq)
            excess = self._older_events + len(self.buf) // 2 - self.capacity

    def _forget(self, first_seq: int, end_seq: int) -> None:
        """Count the undrained events among ``[first_seq, end_seq)`` as dropped."""
        if end_seq > self._next_read:
            self._dropped += end_seq - max(first_seq, self._next_read)
            self._next_read = end_seq

    def _segments(self) -> tuple[_Segment, ...]:
        return (*self._older, _Segment(self._first_seq, self.buf, self._marks))

    def raw_since(self, seq: int) -> list[tuple[int, Any, Any]]:
        """``(seq, head, value)`` of the events recorded from ``seq`` on that the buffer still
        holds, undecoded (a delivery's head is its ``(source box, terminal box)`` route).

        For watchers that look at every event as it happens (breakpoints), cheaply: nothing
        is decoded or drained.
        """
        out: list[tuple[int, Any, Any]] = []
        for segment in self._segments():
            if segment.end_seq <= seq:
                continue
            start = max(seq, segment.first_seq) - segment.first_seq
            items, first = segment.items, segment.first_seq
            for index in range(2 * start, len(items), 2):
                out.append((first + index // 2, items[index], items[index + 1]))
        return out

    def event_at(self, seq: int) -> Event | None:
        """The event ``seq`` decoded, if the buffer still holds it (drained or not)."""
        for segment in self._segments():
            if segment.first_seq <= seq < segment.end_seq:
                found: list[Event] = []
                _decode(segment, seq - segment.first_seq, 1, found)
                return found[0]
        return None

    def drain(self, max_events: int | None = None) -> list[Event]:
        """Remove and return the oldest events, at most ``max_events`` (all when None)."""
        if self._state_budget is not None:
            self._flush_states()
        undrained = len(self)  # applies the bound first
        wanted = undrained if max_events is None else min(max_events, undrained)
        events: list[Event] = []
        if wanted <= 0:
            return events
        older = self._older
        for segment in (*older, _Segment(self._first_seq, self.buf, self._marks)):
            if len(events) >= wanted:
                break
            start = self._next_read - segment.first_seq
            take = min(segment.end_seq - self._next_read, wanted - len(events))
            if take > 0:
                _decode(segment, start, take, events)
                self._next_read += take
        while older and older[0].end_seq <= self._next_read:
            self._older_events -= len(older.popleft().items) // 2
        if not older and self._next_read == self.emitted + 1 and self.buf:
            # all drained: start the newest segment afresh (memory goes back at once)
            self._first_seq = self._next_read
            self.buf = []
            self._marks = [(0, self._marks[-1][1])]
        return events

    def _take_runs(self) -> list[tuple[_Segment, int, int]]:
        """Remove every undrained event; return them raw as ``(segment, start, count)`` runs.

        For ``kamaelia_core.condense``, which decodes only the events it keeps.
        """
        if self._state_budget is not None:
            self._flush_states()
        undrained = len(self)  # applies the bound first
        runs: list[tuple[_Segment, int, int]] = []
        if undrained <= 0:
            return runs
        for segment in (*self._older, _Segment(self._first_seq, self.buf, self._marks)):
            take = segment.end_seq - self._next_read
            if take > 0:
                runs.append((segment, self._next_read - segment.first_seq, take))
                self._next_read += take
        self._older.clear()
        self._older_events = 0
        self._first_seq = self._next_read
        self.buf = []
        self._marks = [(0, self._marks[-1][1])]
        return runs


def _cut(segment: _Segment, count: int) -> None:
    """Remove the oldest ``count`` events of ``segment``."""
    cut = 2 * count
    del segment.items[:cut]
    marks = segment.marks
    last_before = [t for index, t in marks if index <= cut][-1]  # marks[0] is at index 0
    segment.marks = [(0, last_before)] + [(index - cut, t) for index, t in marks if index > cut]
    segment.first_seq += count


_index_of = itemgetter(0)


def _decode(segment: _Segment, start: int, count: int, out: list[Event]) -> None:
    """Append events ``start .. start + count`` of ``segment`` to ``out``."""
    items, marks = segment.items, segment.marks
    mark_at = bisect_right(marks, 2 * start, key=_index_of) - 1  # the mark in force at start
    seq = segment.first_seq + start
    for index in range(2 * start, 2 * (start + count), 2):
        while mark_at + 1 < len(marks) and marks[mark_at + 1][0] <= index:
            mark_at += 1
        out.append(_to_event(seq, marks[mark_at][1], items[index], items[index + 1]))
        seq += 1


def is_delivery(head: Any) -> bool:
    """Whether a raw buffer head (``Tap.raw_since``) is a delivery's ``(source, terminal)``."""
    return head.__class__ is tuple and len(head) == 2


def _to_event(seq: int, t: float, head: Any, value: Any) -> Event:
    # ``head`` is a raw buffer item: a kind (str), a delivery's route or a tuple of fields
    if head.__class__ is str:  # paused or woke: the component rides in the value
        return Event(seq, t, head, value.cid, value.name, "", 0, "", "", "", "", None)
    if len(head) == 2:
        source, target = head
        comp, box, sink, sink_box = source.owner, source.name, target.owner, target.name
        kind, cls = "delivered", value.__class__
        extra = message_refs(value) if isinstance(value, _ipc.ipc) else None
    else:
        kind, comp, box, sink, sink_box, cls, extra = head
        if kind == "spawned":  # the parent rides in the sink slot, the boxes in extra
            extra = describe(comp, sink, extra)
            sink = None
        elif kind == "discarded" and isinstance(value, _ipc.ipc):
            extra = message_refs(value)
    if value is None:
        text = ""
    elif value.__class__ is _Rendered:
        text = value.text
    elif kind == "crashed" and isinstance(value, str):
        text = value
    elif isinstance(value, _socket.socket):  # its repr makes system calls (~14 us)
        text = f"<socket fd={value.fileno()}>"
    else:
        text = safe_repr(value)
    if cls is _Rendered:
        cls = value.cls
    msg_type = "" if cls is None else cls.__name__
    return Event(
        seq,
        t,
        kind,
        getattr(comp, "cid", 0),
        getattr(comp, "name", ""),
        box,
        getattr(sink, "cid", 0),
        getattr(sink, "name", ""),
        sink_box,
        msg_type,
        text,
        extra,
    )


__all__ = [
    "BY_REFERENCE",
    "PARAMS_LIMIT",
    "VALUE_LIMIT",
    "Boxes",
    "Event",
    "Tap",
    "capture",
    "describe",
    "is_delivery",
    "message_refs",
    "safe_repr",
]
