"""Condenses one drain of the tap for a viewer that cannot take every event (a socket, a UI).

A busy server makes hundreds of thousands of events a second; encoding each for another process
costs more than the server itself. What a viewer needs is every *lifecycle* event (spawned,
linked, unlinked, finished, stopped, crashed, box_added/removed, sampled, and every delivery of
an ipc message: newCSA, shutdownCSA, socketShutdown, producerFinished, newReader...), some
plain traffic to animate, and exact counts of the rest. So, per drain (one tick of a viewer):

* lifecycle events are all kept;
* the first ``budget`` plain deliveries (and discards) are kept; the rest become one synthetic
  ``counted`` event per route, ``cid.box -> sink_cid.sink_box``, carrying the last message's
  ``msg_type``/``value``/``t`` and ``extra = {"n": how many}`` (``"discarded": True`` for sends
  on an unlinked outbox), at the ``seq`` of the last one it counts;
* the first ``budget`` ``paused``/``woke`` events are kept; beyond that, only the last one of
  each component (its state at the end of the tick).

Counts stay exact: the deliveries kept plus the ``n`` of the ``counted`` events equal the
deliveries made. The output is in ``seq`` order (with gaps where events were condensed).

``Tap.drain`` + ``condense`` and ``drain_condensed`` give the same events; the second decodes
only what it keeps (about a fifth of a microsecond per condensed event instead of two).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from operator import attrgetter, itemgetter
from typing import Any

from kamaelia_core import ipc as _ipc
from kamaelia_core.instrument import Event, Tap
from kamaelia_core.tap_counting import COUNTED
from kamaelia_core.tap_records import _Segment, _to_event

TRAFFIC = frozenset({"delivered", "discarded"})
STATES = frozenset({"paused", "woke"})

_seq_of = attrgetter("seq")
_index_of = itemgetter(0)


def ipc_names() -> frozenset[str]:
    """Class names of every ipc message type defined so far (``newCSA``, ``shutdownCSA``...)."""
    names: set[str] = set()
    todo = [_ipc.ipc]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return frozenset(names)


def counted_event(last: Event, n: int) -> Event:
    """The ``counted`` event standing for ``n`` condensed events of ``last``'s route."""
    extra: dict[str, Any] = {"n": n}
    if last.kind == "discarded":
        extra["discarded"] = True
    return last._replace(kind=COUNTED, extra=extra)


def condense(events: Iterable[Event], budget: int) -> list[Event]:
    """Condense one drained batch by the rule of this module.

    An event is an ipc delivery when its ``msg_type`` names an ipc message class (the raw path,
    ``drain_condensed``, asks ``isinstance``; a data class named like an ipc one would differ).

    Args:
        events: One drain, in ``seq`` order.
        budget: How many plain deliveries and how many paused/woke events are kept as they are.
    """
    ipc_types = ipc_names()
    kept: list[Event] = []
    traffic_left = state_left = budget
    routes: dict[tuple, list[Any]] = {}
    last_state: dict[int, Event] = {}
    for ev in events:
        kind = ev.kind
        if kind in TRAFFIC:
            if ev.msg_type in ipc_types:
                kept.append(ev)
            elif traffic_left > 0:
                traffic_left -= 1
                kept.append(ev)
            else:
                key = (kind, ev.cid, ev.box, ev.sink_cid, ev.sink_box)
                entry = routes.get(key)
                if entry is None:
                    routes[key] = [1, ev]
                else:
                    entry[0] += 1
                    entry[1] = ev
        elif kind in STATES:
            if state_left > 0:
                state_left -= 1
                kept.append(ev)
            else:
                last_state[ev.cid] = ev
        else:
            kept.append(ev)
    if routes or last_state:
        kept.extend(counted_event(last, n) for n, last in routes.values())
        kept.extend(last_state.values())
        kept.sort(key=_seq_of)
    return kept


def drain_condensed(tap: Tap, budget: int) -> list[Event]:
    """Drain every undrained event of ``tap``, condensed as ``condense(tap.drain(), budget)``.

    Args:
        tap: The tap to drain (in its scheduler's thread: taps are not thread-safe).
        budget: As for ``condense``.
    """
    ipc_cls = _ipc.ipc
    traffic_left = state_left = budget
    kept: list[Event] = []
    routes: dict[Any, list[Any]] = {}
    last_state: dict[Any, tuple[_Segment, int]] = {}
    for segment, start, count in tap._take_runs():
        items = segment.items
        keep: list[int] = []
        for index in range(2 * start, 2 * (start + count), 2):
            head = items[index]
            if len(head) == 2:  # a delivery: (source box, terminal box)
                if isinstance(items[index + 1], ipc_cls):
                    keep.append(index)
                elif traffic_left > 0:
                    traffic_left -= 1
                    keep.append(index)
                else:
                    entry = routes.get(head)
                    if entry is None:
                        routes[head] = [1, segment, index]
                    else:
                        entry[0] += 1
                        entry[1] = segment
                        entry[2] = index
                continue
            is_state = head.__class__ is str  # paused or woke: the component is the value
            kind = head if is_state else head[0]
            if is_state or kind == "paused" or kind == "woke":  # (or recorded by ``record``)
                if state_left > 0:
                    state_left -= 1
                    keep.append(index)
                else:
                    last_state[items[index + 1] if is_state else head[1]] = (segment, index)
            elif kind == "discarded" and not isinstance(items[index + 1], ipc_cls):
                if traffic_left > 0:
                    traffic_left -= 1
                    keep.append(index)
                else:
                    key = (kind, head[1], head[2], head[3], head[4])
                    entry = routes.get(key)
                    if entry is None:
                        routes[key] = [1, segment, index]
                    else:
                        entry[0] += 1
                        entry[1] = segment
                        entry[2] = index
            else:
                keep.append(index)
        _decode_at(segment, keep, kept)
    if routes or last_state:
        merged: dict[tuple, list[Any]] = {}  # routes keyed by box objects -> by ids and names
        for n, segment, index in routes.values():
            last = _decode_one(segment, index)
            key = (last.kind, last.cid, last.box, last.sink_cid, last.sink_box)
            entry = merged.get(key)
            if entry is None:
                merged[key] = [n, last]
            else:
                entry[0] += n
                if last.seq > entry[1].seq:
                    entry[1] = last
        kept.extend(counted_event(last, n) for n, last in merged.values())
        kept.extend(_decode_one(segment, index) for segment, index in last_state.values())
        kept.sort(key=_seq_of)
    return kept


def _time_at(marks: list[tuple[int, float]], index: int) -> float:
    return marks[bisect_right(marks, index, key=_index_of) - 1][1]


def _decode_one(segment: _Segment, index: int) -> Event:
    items = segment.items
    seq = segment.first_seq + index // 2
    return _to_event(seq, _time_at(segment.marks, index), items[index], items[index + 1])


def _decode_at(segment: _Segment, indices: list[int], out: list[Event]) -> None:
    """Append the events at item ``indices`` (ascending) of ``segment`` to ``out``."""
    if not indices:
        return
    items, marks = segment.items, segment.marks
    mark_at = bisect_right(marks, indices[0], key=_index_of) - 1
    first_seq = segment.first_seq
    last_mark = len(marks) - 1
    for index in indices:
        while mark_at < last_mark and marks[mark_at + 1][0] <= index:
            mark_at += 1
        out.append(
            _to_event(first_seq + index // 2, marks[mark_at][1], items[index], items[index + 1])
        )


__all__ = ["COUNTED", "condense", "counted_event", "drain_condensed", "ipc_names"]
