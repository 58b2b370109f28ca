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

import sys
import time
from collections import deque
from collections.abc import Iterable
from typing import Any

from kamaelia_core.events import (
    PARAMS_LIMIT,
    VALUE_LIMIT,
    Boxes,
    Event,
    describe,
    message_refs,
    safe_repr,
)
from kamaelia_core.ipc import ipc
from kamaelia_core.tap_counting import FOLD_EVERY, Tally, flush_counted, holds_ipc
from kamaelia_core.tap_records import (
    BY_REFERENCE,
    _cut,
    _decode,
    _Segment,
    capture,
    is_delivery,
)

monotonic = time.monotonic
"""The clock events are stamped with."""


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
        """The items of the newest segment."""
        self.sink: list[Any] = self.buf
        """Where the boxes append deliveries directly: ``buf``, or the counting list."""
        self.timing = True
        """Whether the scheduler notes the time at every slice (``tick``); off while counting."""
        self._delivery_budget: int | None = None
        self._count_at = sys.maxsize
        self._counting: list[Any] | None = None
        self._tally = Tally()
        self.mixed = False
        """Whether the counting list may hold an ipc message (set by the boxes when they
        record a message that is not kept as it is: most floods never do)."""
        self._marks: list[tuple[int, float]] = [(0, monotonic())]
        self._first_seq = 1
        self._older: deque[_Segment] = deque()
        self._older_events = 0
        self._next_read = 1
        self._dropped = 0
        self._nonzero: set[tuple[int, str]] = set()
        self._state_budget: int | None = None
        self._state_room = 0
        self._late_states: list[Any] = []

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
        if count >= self._count_at:  # the delivery budget is spent, or we are counting
            self._counting_tick()
            return
        self._stamp(count)

    def _stamp(self, count: int) -> None:
        """Note the time for the events recorded from item ``count`` of ``buf`` on."""
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
        if self._counting is not None:
            if kind == "discarded" and not isinstance(message, ipc):
                self._counting.append((comp, box, sink, sink_box))  # counted with deliveries
                self._counting.append(capture(message))
                return
            self._flush_counting()  # what was counted came first
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

    _state_every = state

    def limit_states(self, budget: int | None) -> None:
        """Record at most ``budget`` paused/woke events between two drains (None: all).

        Beyond it only each component's last state is kept (a component that changed state
        is marked, and the scheduler does not call the tap for it again), and recorded when
        the tap is drained if the component still runs: a flood of state flips costs next to
        nothing, for a viewer that condenses them anyway (``kamaelia_core.condense``).
        """
        self._state_budget = budget
        if budget is None:
            self._flush_states()
            # not ``__dict__.pop``: touching an instance's ``__dict__`` makes CPython (3.11)
            # keep its attributes in a real dict, and every ``tap.x`` read slower for good
            self.state = self._state_every  # type: ignore[method-assign]
        else:
            self._open_state_budget()

    # ``state`` is swapped per instance for the cheapest recorder the budget allows: method
    # assignments mypy cannot type
    def _open_state_budget(self) -> None:
        self._state_room = self._state_budget or 0
        if self._state_room > 0:
            self.state = self._state_limited  # type: ignore[method-assign]
        else:
            self.state = self._state_late  # type: ignore[method-assign]

    def _state_limited(self, comp: Any, kind: str, /) -> None:
        if self._state_room > 1:
            self._state_room -= 1
        else:  # the budget is spent: from now on only the last state of each component
            self.state = self._state_late  # type: ignore[method-assign]
        buf = self.buf
        buf.append(kind)
        buf.append(comp)

    def limit_deliveries(self, budget: int | None) -> None:
        """Record each delivery on its own only for the first ``budget`` events of a drain
        window (None: always); beyond them, count deliveries per route until the next drain.

        While counting, the boxes append deliveries to a plain list (``sink``) with no time
        noted per slice (``timing`` is off, so the scheduler skips ``tick``). The list is
        tallied per route at C speed every ``FOLD_EVERY`` items (memory stays bounded), and the
        tally becomes one ``counted`` event per route, ``extra = {"n": how many}`` with the
        last message (as ``kamaelia_core.condense`` makes them), when the tap is drained and
        before any other event is recorded. Every ipc delivery (newCSA, shutdownCSA,
        producerFinished...) is still recorded on its own, in order. Counts stay exact. For a
        viewer that condenses anyway (the monitor): a flood of plain traffic then costs little
        more than two list appends per delivery to watch.
        """
        if budget is not None and budget < 0:
            raise ValueError(f"a delivery budget is a count of events (>= 0), not {budget}")
        self._end_counting()
        self._delivery_budget = budget
        self._open_delivery_budget()

    def _open_delivery_budget(self) -> None:
        budget = self._delivery_budget
        self._count_at = sys.maxsize if budget is None else len(self.buf) + 2 * budget

    def _counting_tick(self) -> None:
        counting = self._counting
        if counting is None:  # the budget is spent: count from now on
            self._counting = self.sink = []
            self.timing = False
            self._count_at = 0  # every tick comes here while counting
            self._stamp(len(self.buf))
        else:
            if len(counting) > FOLD_EVERY:
                if self.mixed and holds_ipc(counting):  # it must go in order: out now
                    self._flush_counting()
                else:
                    self._tally.add(counting, 0, len(counting))
                    self._counting = self.sink = []
                    self.mixed = False
            self._stamp(len(self.buf))

    def _flush_counting(self) -> None:
        """Fold the counted deliveries into ``counted`` events (the counting goes on)."""
        counting = self._counting
        if counting is not None:
            self._counting = self.sink = []
            mixed, self.mixed = self.mixed, False
            self._stamp(len(self.buf))
            flush_counted(counting, self._tally, self.buf, mixed)
            self._bound()

    def _end_counting(self) -> None:
        """Flush what was counted and record deliveries one by one again."""
        if self._counting is not None:
            self._flush_counting()
            self._counting = None
            self.sink = self.buf
            self.timing = True
            self._count_at = sys.maxsize  # until the next window opens its budget

    def _state_late(self, comp: Any, kind: str, /) -> None:
        """Note that ``comp`` changed state; its state is recorded at the drain.

        The mark on the component makes the scheduler skip calling here again for it until
        then: a component that flips a thousand times a tick costs one call and an attribute
        test per flip.
        """
        comp._state_seen = True
        self._late_states.append(comp)

    def _flush_states(self) -> None:
        """Record the last states held back by ``limit_states``; open the next budget."""
        late = self._late_states
        if late:
            self.tick()
            buf = self.buf
            for comp in late:
                comp._state_seen = False
                if getattr(comp, "_state", "running") == "running":
                    buf.append("paused" if comp._asleep else "woke")
                    buf.append(comp)
            late.clear()
        self._open_state_budget()

    def release(self) -> None:
        """Let go of what the tap holds back (it is being detached): counted deliveries are
        folded into the buffer (a final drain still sees them) and components are unmarked."""
        self._end_counting()
        for comp in self._late_states:
            comp._state_seen = False
        self._late_states.clear()

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
            if self._counting is None:
                self.sink = self.buf
                if self._count_at != sys.maxsize:
                    self._count_at = 0  # a whole segment in one window: the budget is spent
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
        self._end_counting()
        if self._state_budget is not None:
            self._flush_states()
        undrained = len(self)  # applies the bound first
        wanted = undrained if max_events is None else min(max_events, undrained)
        events: list[Event] = []
        if wanted <= 0:
            self._open_delivery_budget()
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
            self.buf = self.sink = []
            self._marks = [(0, self._marks[-1][1])]
        self._open_delivery_budget()  # a new window: its own budget
        return events

    def _take_runs(self) -> list[tuple[_Segment, int, int]]:
        """Remove every undrained event; return them raw as ``(segment, start, count)`` runs.

        For ``kamaelia_core.condense``, which decodes only the events it keeps.
        """
        self._end_counting()
        if self._state_budget is not None:
            self._flush_states()
        undrained = len(self)  # applies the bound first
        runs: list[tuple[_Segment, int, int]] = []
        if undrained <= 0:
            self._open_delivery_budget()
            return runs
        for segment in (*self._older, _Segment(self._first_seq, self.buf, self._marks)):
            take = segment.end_seq - self._next_read
            if take > 0:
                runs.append((segment, self._next_read - segment.first_seq, take))
                self._next_read += take
        self._older.clear()
        self._older_events = 0
        self._first_seq = self._next_read
        self.buf = self.sink = []
        self._marks = [(0, self._marks[-1][1])]
        self._open_delivery_budget()
        return runs


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
