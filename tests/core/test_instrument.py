"""Instrumentation: event kinds, order and counts, the bounded ring, zero cost when detached."""

from __future__ import annotations

import itertools
from collections import Counter as Tally

import pytest

from kamaelia_core.component import Component
from kamaelia_core.instrument import VALUE_LIMIT, Tap, safe_repr
from kamaelia_core.ipc import producerFinished
from kamaelia_core.testing import run_until_idle
from tests.core.helpers import Emitter, Relay, Sink


def chain(*comps: Component) -> None:
    for a, b in itertools.pairwise(comps):
        a.link((a, "outbox"), (b, "inbox"))
        a.link((a, "signal"), (b, "control"))


def test_event_order_and_counts_for_a_small_system(sched):
    tap = sched.attach_tap(Tap())
    em, relay, sink = Emitter(["a", "b"]), Relay(), Sink()
    chain(em, relay, sink)  # linked before activation: announced when each maker activates
    run_until_idle(em, relay, sink, scheduler=sched)
    events = tap.drain()
    kinds = Tally(e.kind for e in events)
    assert kinds["spawned"] == 3
    assert kinds["linked"] == 4
    # a, b and producerFinished go em -> relay and relay -> sink
    assert kinds["delivered"] == 6
    assert kinds["finished"] == 3
    assert kinds["paused"] >= 1 and kinds["woke"] >= 1
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert all(a.t <= b.t for a, b in itertools.pairwise(events))
    first = next(e for e in events if e.kind == "delivered")
    assert (first.cid, first.box, first.sink_cid, first.sink_box) == (
        em.cid,
        "outbox",
        relay.cid,
        "inbox",
    )
    assert first.msg_type == "str" and first.value == "'a'"
    pf = [e for e in events if e.kind == "delivered" and e.msg_type == "producerFinished"]
    assert [(e.cid, e.sink_cid, e.box, e.sink_box) for e in pf] == [
        (em.cid, relay.cid, "signal", "control"),
        (relay.cid, sink.cid, "signal", "control"),
    ]
    # every component's story: spawned first, then finished, then the links it made go
    for comp in (em, relay, sink):
        mine = [e.kind for e in events if e.cid == comp.cid and e.kind != "delivered"]
        assert mine[0] == "spawned"
        assert [k for k in mine if k != "unlinked"][-1] == "finished"
    unlinked = [e for e in events if e.kind == "unlinked"]
    assert len(unlinked) == 4  # em's two links and relay's two, once each made them
    em_end = next(e.seq for e in events if e.kind == "finished" and e.cid == em.cid)
    assert all(e.seq > em_end for e in unlinked if e.cid == em.cid)
    spawned = [e for e in events if e.kind == "spawned"]
    assert spawned[0].extra["cls"].endswith("Emitter") and spawned[0].extra["parent"] is None


def test_delivery_to_a_resolved_passthrough_sink_names_the_final_inbox(sched):
    tap = sched.attach_tap(Tap())
    parent, child, src = Component(), Component(), Component()
    for comp in (parent, child, src):
        comp.activate(sched)
    src.link((src, "outbox"), (parent, "inbox"))
    parent.link((parent, "inbox"), (child, "inbox"), passthrough=1)
    src.send("x")
    delivered = [e for e in tap.drain() if e.kind == "delivered"]
    assert [(e.cid, e.box, e.sink_cid, e.sink_box) for e in delivered] == [
        (src.cid, "outbox", child.cid, "inbox")
    ]


def test_linked_unlinked_and_discarded(sched):
    tap = sched.attach_tap(Tap())
    a, b = Component(), Component()
    a.activate(sched)
    lk = a.link((a, "outbox"), (b, "inbox"))
    a.unlink(thelinkage=lk)
    a.send("nowhere")
    events = [e for e in tap.drain() if e.kind != "spawned"]
    assert [e.kind for e in events] == ["linked", "unlinked", "discarded"]
    assert events[0].extra == {"passthrough": 0}
    assert (events[0].cid, events[0].box, events[0].sink_cid, events[0].sink_box) == (
        a.cid,
        "outbox",
        b.cid,
        "inbox",
    )
    assert events[2].cid == a.cid and events[2].box == "outbox"


@pytest.mark.expect_errors(match=r"Boom#\d+ crashed")
def test_crash_and_stop_events(sched):
    class Boom(Component):
        def main(self):
            yield 1
            raise RuntimeError("kaboom")

    class Forever(Component):
        def main(self):
            while True:
                self.pause()
                yield 1

    tap = sched.attach_tap(Tap())
    boom, forever = Boom(), Forever()
    run_until_idle(boom, forever, scheduler=sched)
    forever.stop()
    run_until_idle(scheduler=sched)
    events = tap.drain()
    crashed = [e for e in events if e.kind == "crashed"]
    assert len(crashed) == 1 and crashed[0].cid == boom.cid
    assert "kaboom" in crashed[0].value and "Traceback" in crashed[0].extra["traceback"]
    assert [e.kind for e in events if e.cid == forever.cid][-1] == "stopped"


def test_attach_records_components_already_live(sched):
    a = Component()
    a.activate(sched)
    tap = sched.attach_tap(Tap())
    assert [(e.kind, e.cid) for e in tap.drain()] == [("spawned", a.cid)]


def test_ring_drops_oldest_and_counts_them(sched):
    tap = sched.attach_tap(Tap(capacity=10))
    a, b = Component(), Component()
    a.activate(sched)
    b.activate(sched)
    a.link((a, "outbox"), (b, "inbox"))
    for i in range(49):
        a.send(i)
    assert len(tap) == 10
    assert tap.emitted == 52  # two spawned, linked, 49 deliveries
    assert tap.dropped == 42
    events = tap.drain(4)
    assert [e.value for e in events] == ["39", "40", "41", "42"]
    assert [e.seq for e in events] == [43, 44, 45, 46]
    assert len(tap.drain()) == 6
    assert tap.dropped == 42 and tap.emitted == 52
    with pytest.raises(ValueError):
        Tap(capacity=0)


def test_no_events_when_detached(sched):
    tap = sched.attach_tap(Tap())
    sched.detach_tap()
    em, sink = Emitter([1, 2, 3]), Sink()
    chain(em, sink)
    run_until_idle(em, sink, scheduler=sched)
    assert sink.got == [1, 2, 3]
    assert tap.drain() == [] and tap.emitted == 0


def test_values_are_truncated_and_safe():
    class Nasty:
        def __repr__(self) -> str:
            raise RuntimeError("no repr for you")

    assert "repr failed" in safe_repr(Nasty())
    long = safe_repr("x" * 1000)
    assert len(long) <= VALUE_LIMIT
    tap = Tap()
    a, b = Component(), Component()
    tap.delivered(a, "outbox", b, "inbox", b"y" * 10_000)
    tap.delivered(a, "outbox", b, "inbox", producerFinished(a))
    big, pf = tap.drain()
    assert len(big.value) <= VALUE_LIMIT and big.msg_type == "bytes"
    assert pf.value.startswith("producerFinished(") and a.name in pf.value


def test_mutable_messages_are_rendered_when_recorded():
    tap = Tap()
    a, b = Component(), Component()
    msg = [1, 2]
    tap.delivered(a, "outbox", b, "inbox", msg)
    msg.append(3)
    (event,) = tap.drain()
    assert event.value == "[1, 2]" and event.msg_type == "list"
