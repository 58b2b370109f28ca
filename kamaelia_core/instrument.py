"""The instrumentation tap: structured engine events into a bounded ring buffer.

The scheduler and the boxes call ``Tap.record`` at well-named moments (a component spawned, a
message delivered, a component crashed). Consumers (the workbench, the headless runner, the trace
recorder) ``drain`` the ring in batches. A full ring overwrites its oldest entries and counts
them in ``dropped``, so a flood of traffic costs bounded memory and never blocks the engine.
With no tap attached the engine pays one attribute test per event site.
"""

from __future__ import annotations

import itertools
import time
from collections import deque
from typing import Any, NamedTuple

from kamaelia_core import ipc as _ipc

VALUE_LIMIT = 80
"""Longest value text kept for a message (characters)."""

_CHEAP = (bytes, str, int, float, bool, type(None))
BY_REFERENCE = frozenset({int, float, bool, type(None), complex})
"""Exact message types an event keeps by reference with no further check (immutable, small)."""
monotonic = time.monotonic
"""The clock events are stamped with."""


class Event(NamedTuple):
    """One engine event.

    Attributes:
        seq: Sequence number, gap-free per tap (a gap in drained events means drops).
        t: ``time.monotonic()`` when it happened.
        kind: Past-tense name: spawned, linked, unlinked, delivered, discarded, paused, woke,
            finished, crashed, stopped.
        cid: Id of the component the event is about (the sender for deliveries).
        name: That component's name.
        box: The box involved on that side, or ``""``.
        sink_cid: For links and deliveries, the id of the receiving component, else 0.
        sink_name: Its name, or ``""``.
        sink_box: The receiving box, or ``""``.
        msg_type: The message's class name for deliveries, else ``""``.
        value: A truncated, safe repr of the message (a traceback for crashes).
        extra: Kind-specific details, or None.
    """

    seq: int
    t: float
    kind: str
    cid: int
    name: str
    box: str
    sink_cid: int
    sink_name: str
    sink_box: str
    msg_type: str
    value: str
    extra: dict[str, Any] | None


def safe_repr(value: Any, limit: int = VALUE_LIMIT) -> str:
    """Return a repr of ``value`` no longer than ``limit`` that never raises."""
    if isinstance(value, (bytes, str)) and len(value) > limit:
        text = repr(value[:limit])
    else:
        try:
            text = repr(value)
        except Exception as exc:
            return f"<{type(value).__name__}: repr failed: {type(exc).__name__}>"
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


class _Rendered(str):
    """A value already turned into its display text when it was recorded."""

    __slots__ = ()


def capture(message: Any) -> Any:
    """Keep immutable messages by reference (rendered at drain time); render the rest now."""
    if isinstance(message, _CHEAP):
        if isinstance(message, (bytes, str)) and len(message) > VALUE_LIMIT:
            return message[: VALUE_LIMIT + 1]
        return message
    if isinstance(message, _ipc.ipc):
        return message
    return _Rendered(safe_repr(message))


class Tap:
    """A bounded ring of engine events, attached to one scheduler.

    Events are kept as plain tuples in a ring that drops its oldest entries when full. Sequence
    numbers are contiguous, so ``emitted`` and ``dropped`` follow from the newest sequence
    number, the ring's length and how many events were drained: recording does no bookkeeping
    beyond taking the next number.

    Args:
        capacity: How many undrained events the ring holds before it drops the oldest.
    """

    def __init__(self, capacity: int = 65536) -> None:
        if capacity < 1:
            raise ValueError(f"a tap needs room for at least one event, not {capacity}")
        self.capacity = capacity
        self._ring: deque[tuple] = deque(maxlen=capacity)
        self.now = monotonic()
        """Time stamped on deliveries: the scheduler sets it at each slice and I/O poll, and
        every other event sets it too, so event times never go backwards."""
        self.append = self._ring.append
        """Append a raw event tuple (the boxes' inlined delivery recording uses it)."""
        self.next_seq = itertools.count(1).__next__
        """The next sequence number (the boxes' inlined delivery recording uses it)."""
        self._drained = 0
        self._last_drained_seq = 0
        self.delivered = _delivery_recorder(self.append, self.next_seq)

    @property
    def emitted(self) -> int:
        """How many events have been recorded so far."""
        ring = self._ring
        return ring[-1][0] if ring else self._last_drained_seq

    @property
    def dropped(self) -> int:
        """Events overwritten before anyone drained them."""
        return self.emitted - self._drained - len(self._ring)

    def __len__(self) -> int:
        return len(self._ring)

    def stamp(self) -> None:
        """Set ``now`` to the current time (the scheduler calls it per slice and per I/O wake)."""
        self.now = monotonic()

    def record(
        self,
        kind: str,
        comp: Any,
        box: str = "",
        sink: Any = None,
        sink_box: str = "",
        message: Any = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        """Record one event (called by the engine)."""
        self.now = now = monotonic()
        self.append(
            (
                self.next_seq(),
                now,
                kind,
                comp,
                box,
                sink,
                sink_box,
                None if message is None else message.__class__,
                capture(message),
                extra,
            )
        )

    def delivered(self, comp: Any, box: str, sink: Any, sink_box: str, message: Any) -> None:
        """Record a delivery (the hot path; replaced per instance by a closure over the ring)."""
        self.record("delivered", comp, box, sink, sink_box, message)

    def drain(self, max_events: int | None = None) -> list[Event]:
        """Remove and return the oldest events, at most ``max_events`` (all when None)."""
        ring = self._ring
        count = len(ring) if max_events is None else min(max_events, len(ring))
        if not count:
            return []
        popleft = ring.popleft
        events = [_to_event(popleft()) for _ in range(count)]
        self._drained += count
        self._last_drained_seq = events[-1].seq
        return events


def _delivery_recorder(append: Any, next_seq: Any) -> Any:
    """A ``delivered(comp, box, sink, sink_box, message)`` bound to one ring, with no lookups."""
    now = monotonic
    by_reference = BY_REFERENCE
    render = capture

    def delivered(comp: Any, box: str, sink: Any, sink_box: str, message: Any) -> None:
        cls = message.__class__
        append(
            (
                next_seq(),
                now(),
                "delivered",
                comp,
                box,
                sink,
                sink_box,
                cls,
                message if cls in by_reference else render(message),
                None,
            )
        )

    return delivered


def _to_event(raw: tuple) -> Event:
    seq, t, kind, comp, box, sink, sink_box, cls, value, extra = raw
    msg_type = "" if cls is None else cls.__name__
    if value is None:
        text = ""
    elif type(value) is _Rendered or (kind == "crashed" and isinstance(value, str)):
        text = str(value)
    else:
        text = safe_repr(value)
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
