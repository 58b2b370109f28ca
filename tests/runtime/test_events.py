"""EventStream: batches in order, per-link counters, bounded memory, counted drops."""

import pytest

from kamaelia_core.component import Component
from kamaelia_core.instrument import Tap
from kamaelia_core.scheduler import Scheduler
from tests.runtime.fakes import Keep, Numbers
from workbench.runtime.events import EventStream


def wired(count, tap_capacity=65536):
    sched = Scheduler()
    tap = sched.attach_tap(Tap(tap_capacity))
    src, keep = Numbers(count), Keep()
    src.link((src, "outbox"), (keep, "inbox"))
    src.link((src, "signal"), (keep, "control"))
    src.activate(sched)
    keep.activate(sched)
    return sched, tap, src, keep


def test_watchers_get_every_event_in_order_and_links_are_counted():
    sched, tap, src, keep = wired(10)
    stream = EventStream(tap)
    seen = []
    stream.subscribe(seen.extend)
    sched.run_until_idle()
    stream.pump()
    assert [e.seq for e in seen] == list(range(1, len(seen) + 1))
    stats = stream.links[(src.cid, "outbox", keep.cid, "inbox")]
    assert stats.count == 10
    assert stats.last_value == "9"
    assert stream.components[keep.cid].state == "finished"
    assert stream.components[src.cid].sent == 11
    sched.close()


def test_full_tap_drops_are_counted_not_hidden():
    sched, tap, _src, _keep = wired(500, tap_capacity=64)
    stream = EventStream(tap)
    sched.run_until_idle()
    batch = stream.pump()
    assert len(batch) == 64
    assert stream.dropped > 0
    assert stream.dropped + len(batch) == tap.emitted
    sched.close()


def test_link_table_is_bounded():
    sched = Scheduler()
    tap = sched.attach_tap(Tap())
    stream = EventStream(tap, max_links=5)
    keep = Keep()
    keep.activate(sched)
    senders = [Component() for _ in range(20)]
    for sender in senders:
        sender.link((sender, "outbox"), (keep, "inbox"))
        sender.send("x")
        sender.unlink(keep)
    stream.pump()
    assert len(stream.links) == 5
    assert stream.forgotten_links == 15
    sched.close()


@pytest.mark.expect_errors(match=r"event watcher .*bad failed on")
def test_a_failing_watcher_is_detached_and_others_still_served():
    sched, tap, _, _ = wired(3)
    stream = EventStream(tap)
    good = []

    def bad(batch):
        raise RuntimeError("watcher bug")

    detached = []
    stream.subscribe(bad)
    stream.subscribe(good.extend)
    stream.on_watcher_detached(lambda watcher, exc: detached.append((watcher, str(exc))))
    sched.run_until_idle()
    stream.pump()
    assert good
    assert detached == [(bad, "watcher bug")]
    sched.close()
