"""How the tap stores events and turns them back into ``Event`` records.

A recorded event is two items of a list: a *head* and a value (see
``kamaelia_core.instrument.Tap``). This module holds what both sides of that format share: how
a message is kept when it is recorded (``capture``), the segments events are stored in, and the
decoding of a run of items into ``Event`` records at drain time.
"""

from __future__ import annotations

import socket as _socket
from bisect import bisect_right
from operator import itemgetter
from typing import Any

from kamaelia_core import ipc as _ipc
from kamaelia_core.events import VALUE_LIMIT, Event, describe, message_refs, safe_repr

_CHEAP = (bytes, str, int, float, bool, type(None))
BY_REFERENCE = frozenset({int, float, bool, type(None), complex})
"""Exact message types an event keeps by reference with no further check (immutable, small)."""


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
