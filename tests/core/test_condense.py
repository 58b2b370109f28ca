"""Condensing a drain for a viewer: every lifecycle event kept, traffic counted exactly."""

from __future__ import annotations

import itertools
import random
from collections import Counter

import pytest

from kamaelia_core import instrument
from kamaelia_core.component import Component
from kamaelia_core.condense import COUNTED, condense, drain_condensed
from kamaelia_core.instrument import Event, Tap
from kamaelia_core.ipc import newCSA, producerFinished, shutdownCSA


class Fake(Component):
    """A component with a fixed id, so two taps fed the same script hold equal events."""

    def __init__(self, cid: int) -> None:
        super().__init__()
        self.cid = cid
        self.name = f"Fake#{cid}"


def script(tap: Tap, seed: int, steps: int = 3000) -> int:
    """Feed ``tap`` a random mix of events (as the engine records them); return deliveries."""
    rng = random.Random(seed)
    comps = [Fake(1000 + i) for i in range(6)]
    routes = [
        (a.outboxes[box], b.inboxes["inbox" if box == "outbox" else "control"])
        for a, b in itertools.permutations(comps, 2)
        for box in ("outbox", "signal")
    ][:12]
    delivered = 0
    for step in range(steps):
        roll = rng.random()
        if step % 50 == 0:
            tap.tick()
        if roll < 0.55:
            route = rng.choice(routes)
            tap.buf.append(route)
            tap.buf.append(instrument.capture(rng.choice([b"data", "text", step, 2.5])))
            delivered += 1
        elif roll < 0.6:
            route = rng.choice(routes)
            message = rng.choice(
                [producerFinished(), newCSA(comps[0], comps[1]), shutdownCSA(comps[0], comps[1])]
            )
            tap.delivered(route[0].owner, route[0].name, route[1].owner, route[1].name, message)
            delivered += 1
        elif roll < 0.85:
            tap.state(rng.choice(comps), rng.choice(["paused", "woke"]))
        elif roll < 0.9:
            tap.record("discarded", comps[2], "outbox", comps[2], "outbox", b"lost")
        elif roll < 0.95:
            a, b = rng.sample(comps, 2)
            tap.record("linked", a, "outbox", b, "inbox", extra={"passthrough": 0})
        else:
            tap.record("box_added", rng.choice(comps), f"box{step}", extra={"inbox": True})
    return delivered


@pytest.fixture
def fake_clock(monkeypatch):
    ticks = itertools.count()
    monkeypatch.setattr(instrument, "monotonic", lambda: float(next(ticks)))
    return ticks


def deliveries(events: list[Event]) -> int:
    return sum(
        1 if e.kind == "delivered" else e.extra["n"]
        for e in events
        if e.kind == "delivered" or (e.kind == COUNTED and not e.extra.get("discarded"))
    )


@pytest.mark.parametrize(("seed", "budget"), [(1, 0), (2, 5), (3, 64), (4, 10_000)])
def test_the_raw_path_gives_what_condensing_the_drained_events_gives(monkeypatch, seed, budget):
    monkeypatch.setattr(instrument, "monotonic", lambda: 0.0)  # the two taps see equal times
    condensed = Tap(capacity=1_000_000)
    script(condensed, seed)
    plain = Tap(capacity=1_000_000)
    script(plain, seed)
    assert drain_condensed(condensed, budget) == condense(plain.drain(), budget)


IPC = ("producerFinished", "newCSA", "shutdownCSA")


@pytest.mark.parametrize("budget", [0, 3, 40])
def test_counts_stay_exact_and_every_lifecycle_event_is_kept(monkeypatch, budget):
    monkeypatch.setattr(instrument, "monotonic", lambda: 0.0)
    tap = Tap(capacity=1_000_000)
    made = script(tap, 7)
    copy = Tap(capacity=1_000_000)
    script(copy, 7)
    everything = copy.drain()
    out = drain_condensed(tap, budget)
    assert deliveries(out) == made == sum(1 for e in everything if e.kind == "delivered")
    kept = {e.seq: e for e in out}
    lifecycle = [e for e in everything if e.kind in ("linked", "box_added")]
    ipc_sent = [e for e in everything if e.kind == "delivered" and e.msg_type in IPC]
    assert lifecycle and ipc_sent
    assert all(kept.get(e.seq) == e for e in lifecycle + ipc_sent)
    plain = [
        e for e in everything if e.kind in ("delivered", "discarded") and e.msg_type not in IPC
    ]
    plain_kept = [e for e in out if e.kind in ("delivered", "discarded") and e.msg_type not in IPC]
    assert plain_kept == plain[:budget]  # the first ones, as they were
    discards = sum(1 for e in everything if e.kind == "discarded")
    counted = [e for e in out if e.kind == COUNTED]
    assert (
        sum(1 for e in plain_kept if e.kind == "discarded")
        + sum(e.extra["n"] for e in counted if e.extra.get("discarded"))
        == discards
    )
    assert len(
        {(e.cid, e.box, e.sink_cid, e.sink_box, e.extra.get("discarded")) for e in counted}
    ) == len(counted)
    assert [e.seq for e in out] == sorted({e.seq for e in out})


def test_a_counted_event_carries_its_route_and_the_last_message(fake_clock):
    a, b = Fake(1), Fake(2)
    tap = Tap()
    route = (a.outboxes["outbox"], b.inboxes["inbox"])
    for i in range(10):
        tap.tick()
        tap.buf.append(route)
        tap.buf.append(i)
    out = drain_condensed(tap, 3)
    assert [e.kind for e in out] == ["delivered"] * 3 + [COUNTED]
    counted = out[-1]
    assert (counted.cid, counted.box, counted.sink_cid, counted.sink_box) == (
        1,
        "outbox",
        2,
        "inbox",
    )
    assert (counted.msg_type, counted.value, counted.extra) == ("int", "9", {"n": 7})
    assert counted.seq == 10 and counted.t == out[2].t + 7


def test_states_beyond_the_budget_keep_only_each_components_last(fake_clock):
    a, b = Fake(1), Fake(2)
    tap = Tap()
    for _ in range(5):
        tap.state(a, "woke")
        tap.state(a, "paused")
        tap.state(b, "woke")
    out = drain_condensed(tap, 2)
    assert [(e.kind, e.cid) for e in out] == [
        ("woke", 1),
        ("paused", 1),
        ("paused", 1),
        ("woke", 2),
    ]


def flip(tap: Tap, comp: Component, kind: str) -> None:
    """Change ``comp``'s state as the scheduler does: it skips the tap for a marked component."""
    comp._asleep = kind == "paused"
    if not comp._state_seen:
        tap.state(comp, kind)


def test_a_tap_limiting_states_records_the_last_state_when_drained(fake_clock):
    a, b = Fake(1), Fake(2)
    a._state = b._state = "running"
    tap = Tap()
    tap.limit_states(2)
    for _ in range(100):
        flip(tap, a, "woke")
        flip(tap, a, "paused")
        flip(tap, b, "woke")
    assert len(tap) == 2  # the rest is held back: each component once, marked
    assert a._state_seen and b._state_seen
    out = drain_condensed(tap, 2)
    assert [(e.kind, e.cid) for e in out] == [
        ("woke", 1),
        ("paused", 1),
        ("woke", 2),
        ("paused", 1),
    ]
    assert not a._state_seen and not b._state_seen  # the next window sees their flips again
    b._state = "finished"  # an ended component's held-back state is not reported after its end
    flip(tap, a, "woke")
    flip(tap, b, "woke")
    flip(tap, b, "paused")
    assert Counter(e.cid for e in tap.drain()) == Counter({1: 1, 2: 1})
    tap.limit_states(None)
    flip(tap, b, "woke")
    flip(tap, b, "paused")
    flip(tap, b, "woke")
    assert [e.kind for e in tap.drain()] == ["woke", "paused", "woke"]


def test_condense_leaves_a_quiet_batch_alone(fake_clock):
    a, b = Fake(1), Fake(2)
    tap = Tap()
    tap.record("linked", a, "outbox", b, "inbox", extra={"passthrough": 0})
    tap.delivered(a, "outbox", b, "inbox", "hello")
    tap.state(b, "woke")
    events = tap.drain()
    assert condense(events, 10) == events
