"""The tap's buffer: bounded at slice boundaries, oldest dropped, seqs and times consistent."""

from __future__ import annotations

import itertools
import time
from collections.abc import Generator
from typing import Any

from kamaelia_core import instrument
from kamaelia_core.component import Component
from kamaelia_core.instrument import Tap
from kamaelia_core.testing import run_until_idle
from tests.core.helpers import Sink


class Flood(Component):
    """Sends ``per_slice`` numbered messages each slice, ``slices`` times."""

    def __init__(self, per_slice: int, slices: int, **argd: Any) -> None:
        super().__init__(**argd)
        self.per_slice, self.slices = per_slice, slices

    def main(self) -> Generator[Any, None, None]:
        counter = itertools.count()
        for _ in range(self.slices):
            for _ in range(self.per_slice):
                self.send(next(counter))
            yield 1


def flood(sched, tap: Tap, per_slice: int, slices: int) -> tuple[Flood, Sink]:
    source, sink = Flood(per_slice, slices), Sink()
    source.link((source, "outbox"), (sink, "inbox"))
    run_until_idle(source, sink, scheduler=sched)
    return source, sink


def deliveries(events):
    return [e for e in events if e.kind == "delivered"]


def test_many_slices_keep_at_most_capacity_and_the_newest(sched):
    tap = sched.attach_tap(Tap(capacity=40))
    _, sink = flood(sched, tap, per_slice=7, slices=100)
    assert len(sink.got) == 700
    assert 30 <= len(tap) <= 40  # a quarter of the capacity is dropped at a time
    assert tap.emitted == tap.dropped + len(tap)
    events = tap.drain()
    assert [e.seq for e in events] == list(range(tap.emitted - len(events) + 1, tap.emitted + 1))
    values = [int(e.value) for e in deliveries(events)]
    assert values == list(range(values[0], 700))  # the newest, in order, none missing
    assert len(tap) == 0 and tap.drain() == []


def test_memory_stays_bounded_while_nobody_drains(sched):
    tap = sched.attach_tap(Tap(capacity=64))
    flood(sched, tap, per_slice=5, slices=2_000)
    held = len(tap.buf) // 2 + sum(len(s.items) // 2 for s in tap._older)
    assert held <= 64 + 5 + 2  # the last slice's deliveries, its wake and pause, until a read
    assert len(tap) <= 64
    held = len(tap.buf) // 2 + sum(len(s.items) // 2 for s in tap._older)
    assert held <= 64
    assert tap.dropped > 9_000


def test_one_huge_slice_is_cut_back_to_capacity_at_the_next_boundary(sched):
    tap = sched.attach_tap(Tap(capacity=10))
    flood(sched, tap, per_slice=500, slices=1)
    assert len(tap) == 10
    events = tap.drain()
    assert [e.value for e in deliveries(events)][-3:] == ["497", "498", "499"]
    assert [e.seq for e in events] == list(range(events[0].seq, events[0].seq + 10))
    assert tap.emitted == tap.dropped + 10


def filled_tap(a: Component, b: Component) -> Tap:
    """A tap holding 300 slices of 3 deliveries and a pause each, recorded as the engine does."""
    tap = Tap(capacity=2_000)  # segments of 500 events: 1,200 recorded
    route = (a.outboxes["outbox"], b.inboxes["inbox"])
    for slice_no in range(300):
        tap.tick()
        for i in range(3):
            tap.buf.append(route)
            tap.buf.append(3 * slice_no + i)
        tap.record("paused", a)
    return tap


def test_partial_drains_across_segments_lose_nothing_and_keep_the_times(monkeypatch):
    ticks = itertools.count()
    monkeypatch.setattr(instrument, "monotonic", lambda: float(next(ticks)))
    a, b = Component(), Component()
    whole = filled_tap(a, b).drain()
    ticks = itertools.count()
    tap = filled_tap(a, b)
    pieces = []
    while len(tap):
        pieces += tap.drain(17)
    assert pieces == whole  # same events, seqs and times, however the drains cut them
    assert [int(e.value) for e in deliveries(whole)] == list(range(900))
    assert [e.seq for e in whole] == list(range(1, 1201)) and tap.dropped == 0
    assert [e.t for e in whole[:8]] == [1.0, 1.0, 1.0, 2.0, 3.0, 3.0, 3.0, 4.0]  # tick, pause, ...


def test_a_full_drain_gives_the_memory_back(sched):
    tap = sched.attach_tap(Tap())
    flood(sched, tap, per_slice=50, slices=10)
    assert len(tap.buf) > 0
    tap.drain()
    assert tap.buf == [] and not tap._older


def test_times_never_go_backwards_and_follow_the_slices(sched):
    tap = sched.attach_tap(Tap(capacity=10_000))
    before = time.monotonic()
    flood(sched, tap, per_slice=3, slices=50)
    after = time.monotonic()
    events = tap.drain()
    assert all(a.t <= b.t for a, b in itertools.pairwise(events))
    assert before <= events[0].t and events[-1].t <= after
    # a delivery made after an event with its own time (a wake, a pause) is not earlier
    kinds = {e.kind for e in events}
    assert {"delivered", "paused", "woke"} <= kinds


def test_deliveries_outside_slices_are_bounded_when_read():
    tap = Tap(capacity=8)
    a, b = Component(), Component()
    for i in range(100):
        tap.delivered(a, "outbox", b, "inbox", i)
    assert len(tap) == 8 and tap.dropped == 92 and tap.emitted == 100
    assert [e.value for e in tap.drain()] == [str(i) for i in range(92, 100)]
