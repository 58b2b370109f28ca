"""A tap that counts deliveries past a budget: exact counts, ipc kept in order, bounded."""

from __future__ import annotations

from collections import Counter
from collections.abc import Generator
from typing import Any

import pytest

from kamaelia_core.component import Component
from kamaelia_core.condense import COUNTED, drain_condensed
from kamaelia_core.instrument import Event, Tap
from kamaelia_core.scheduler import Scheduler
from kamaelia_core.tap_counting import FOLD_EVERY
from tests.core.helpers import Emitter, Relay, Sink


class Ping(Component):
    """Sends ``rounds`` messages one at a time, each after the previous one came back."""

    def __init__(self, rounds: int, **argd: Any) -> None:
        super().__init__(**argd)
        self.rounds = rounds
        self.back = 0
        self.sent = 0

    def main(self) -> Generator[Any, None, None]:
        self.send(b"ping", "outbox")
        self.sent += 1
        while self.back < self.rounds:
            while self.dataReady("inbox"):
                self.recv("inbox")
                self.back += 1
                if self.back < self.rounds:
                    self.send(b"ping", "outbox")
                    self.sent += 1
            if self.back < self.rounds:
                self.pause()
            yield 1


class Shout(Component):
    """Sends ``count`` messages on an outbox nobody linked, then ends."""

    def __init__(self, count: int, **argd: Any) -> None:
        super().__init__(**argd)
        self.count = count

    def main(self) -> Generator[Any, None, None]:
        for index in range(self.count):
            self.send(index, "outbox")
            yield 1


def deliveries(events: list[Event]) -> Counter[tuple[str, str]]:
    """Deliveries per ``(sender box, receiver box)``, counted events by their ``n``."""
    total: Counter[tuple[str, str]] = Counter()
    for ev in events:
        route = (f"{ev.name}.{ev.box}", f"{ev.sink_name}.{ev.sink_box}")
        if ev.kind == "delivered":
            total[route] += 1
        elif ev.kind == COUNTED and not (ev.extra or {}).get("discarded"):
            total[route] += ev.extra["n"]  # type: ignore[index]
    return total


def ping_pong(sched: Scheduler, pairs: int, rounds: int) -> list[Ping]:
    pings = []
    for _ in range(pairs):
        ping, pong = Ping(rounds), Relay()
        ping.link((ping, "outbox"), (pong, "inbox"))
        ping.link((pong, "outbox"), (ping, "inbox"))
        pong.activate(sched)
        ping.activate(sched)
        pings.append(ping)
    return pings


def counting_tap(budget: int, capacity: int = 65536) -> Tap:
    tap = Tap(capacity)
    tap.limit_states(budget)
    tap.limit_deliveries(budget)
    return tap


@pytest.mark.parametrize("drain", ["plain", "condensed"])
def test_counting_keeps_every_delivery_counted_exactly(drain):
    sched = Scheduler()
    tap = sched.attach_tap(counting_tap(5))
    pings = ping_pong(sched, pairs=4, rounds=300)
    routes = [(f"{ping.name}.outbox", _pong_inbox(ping)) for ping in pings]
    events: list[Event] = []
    for _ in range(200):  # drains between bursts: several windows, each with its budget
        sched.step(max_slices=40)
        events += tap.drain() if drain == "plain" else drain_condensed(tap, 5)
        if all(p.back == p.rounds for p in pings):
            break
    sched.run_until_idle()
    events += tap.drain()
    assert all(p.back == 300 for p in pings)
    got = deliveries(events)
    for route in routes:
        assert got[route] == 300
    assert sum(got.values()) == 4 * 2 * 300
    assert sum(1 for ev in events if ev.kind == COUNTED) > 0  # it did count
    assert tap.dropped == 0


def _pong_inbox(ping: Ping) -> str:
    pong = ping.outboxes["outbox"].final().owner
    return f"{pong.name}.inbox"


def test_while_counting_no_time_is_noted_per_slice_and_a_drain_starts_afresh():
    sched = Scheduler()
    tap = sched.attach_tap(counting_tap(3))
    ping_pong(sched, pairs=1, rounds=100)
    tap.drain()  # the spawns and links spent the first window's budget
    assert tap.timing
    sched.step(max_slices=30)
    assert not tap.timing and tap.sink is not tap.buf  # past the budget: counting
    events = tap.drain()
    assert tap.timing and tap.sink is tap.buf  # the next window records one by one again
    assert [ev.kind for ev in events].count("delivered") <= 3
    assert any(ev.kind == COUNTED and ev.extra == {"n": ev.extra["n"]} for ev in events)


def test_ipc_deliveries_stay_events_of_their_own_in_order():
    sched = Scheduler()
    tap = sched.attach_tap(counting_tap(2))
    source, sink = Emitter(list(range(50))), Sink()
    source.link((source, "outbox"), (sink, "inbox"))
    source.link((source, "signal"), (sink, "control"))
    sink.activate(sched)
    source.activate(sched)
    tap.drain()
    sched.run_until_idle()
    events = [ev for ev in tap.drain() if ev.kind in ("delivered", COUNTED)]
    assert sink.got == list(range(50))
    finished = [ev for ev in events if ev.msg_type == "producerFinished"]
    assert len(finished) == 1 and finished[0].kind == "delivered"
    assert finished[0].extra is not None  # carries its refs, as any ipc delivery
    before = events[: events.index(finished[0])]
    assert sum(1 if ev.kind == "delivered" else ev.extra["n"] for ev in before) == 50
    counted = [ev for ev in before if ev.kind == COUNTED]
    assert counted and counted[-1].value == "49"  # the last message a count stands for
    assert [ev.seq for ev in events] == sorted(ev.seq for ev in events)


def test_sends_on_an_unlinked_outbox_are_counted_as_discarded():
    sched = Scheduler()
    tap = sched.attach_tap(counting_tap(1))
    Shout(40).activate(sched)
    tap.drain()
    sched.run_until_idle()
    events = tap.drain()
    discarded = sum(1 for ev in events if ev.kind == "discarded")
    counted = sum(
        ev.extra["n"] for ev in events if ev.kind == COUNTED and ev.extra.get("discarded")
    )
    assert discarded + counted == 40 and counted > 0


def test_a_lifecycle_event_comes_after_the_deliveries_counted_before_it():
    sched = Scheduler()
    tap = sched.attach_tap(counting_tap(0))
    source, sink = Emitter([1, 2, 3]), Sink()
    source.link((source, "outbox"), (sink, "inbox"))
    sink.activate(sched)
    source.activate(sched)
    tap.drain()
    sched.step(max_slices=6)
    late = Sink()
    source.link((source, "signal"), (late, "control"))  # recorded while counting
    events = tap.drain()
    kinds = [ev.kind for ev in events if ev.kind in (COUNTED, "linked")]
    assert kinds.index("linked") > kinds.index(COUNTED)


def test_a_long_undrained_flood_is_tallied_in_bounded_memory_and_counted_exactly():
    sched = Scheduler()
    tap = sched.attach_tap(counting_tap(1, capacity=16))
    pings = ping_pong(sched, pairs=2, rounds=3000)
    routes = [(f"{ping.name}.outbox", _pong_inbox(ping)) for ping in pings]
    tap.drain()
    longest = tallied = 0
    for _ in range(1000):
        sched.step(max_slices=50)  # never drained meanwhile
        assert tap._counting is not None
        longest = max(longest, len(tap._counting))
        tallied = max(tallied, sum(tap._tally.counts.values()))
        assert len(tap._tally.counts) <= 4  # one entry per route
        if all(p.back == p.rounds for p in pings):
            break
    assert all(p.back == 3000 for p in pings)
    assert longest <= FOLD_EVERY + 2 * 50 * 2  # tallied per step: one step's deliveries more
    assert tallied > FOLD_EVERY // 2  # folded before the drain, more than once
    events = tap.drain()
    assert tap.dropped == 0  # a tally is a few events, whatever the flood
    got = deliveries(events)
    for route in routes:
        assert got[route] == 3000
    assert sum(got.values()) == 2 * 2 * 3000


def test_detaching_folds_what_was_counted_and_unmarks_components():
    sched = Scheduler()
    tap = sched.attach_tap(counting_tap(1))
    pings = ping_pong(sched, pairs=1, rounds=50)
    sched.step(max_slices=20)
    assert tap._counting and pings[0]._state_seen
    sched.detach_tap()
    assert not tap._counting and tap.timing and not pings[0]._state_seen
    ping = pings[0]
    relayed = ping.back + len(ping.inboxes["inbox"].storage)
    assert sum(deliveries(tap.drain()).values()) == ping.sent + relayed


def test_a_budget_is_a_count():
    with pytest.raises(ValueError, match="a delivery budget is a count of events"):
        Tap().limit_deliveries(-1)


def test_limit_deliveries_none_records_every_delivery_again():
    sched = Scheduler()
    tap = sched.attach_tap(counting_tap(1))
    ping_pong(sched, pairs=1, rounds=30)
    sched.step(max_slices=10)
    tap.limit_deliveries(None)
    assert tap.timing and tap.sink is tap.buf
    tap.drain()
    sched.run_until_idle()
    assert all(ev.kind != COUNTED for ev in tap.drain())
