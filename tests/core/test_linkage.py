"""Linkages: where a send lands, passthrough chains, one destination per box, size limits."""

from __future__ import annotations

import pytest

from kamaelia_core.component import Component
from kamaelia_core.errors import BadInbox, BoxAlreadyLinkedToDestination, noSpaceInBox
from kamaelia_core.linkage import Linkage
from kamaelia_core.scheduler import Scheduler
from kamaelia_core.testing import run_until_idle
from tests.core.helpers import Emitter, Sink, finished


def test_send_lands_in_linked_inbox_in_order():
    a, b = Component(), Component()
    a.link((a, "outbox"), (b, "inbox"))
    for i in range(3):
        a.send(i, "outbox")
    assert b.dataReady("inbox") == 3
    assert [b.recv("inbox") for _ in range(3)] == [0, 1, 2]


def test_unlinked_outbox_discards():
    a = Component()
    a.send("lost", "outbox")
    assert a.dataReady("inbox") == 0


def test_recv_on_empty_inbox_raises_index_error():
    with pytest.raises(IndexError):
        Component().recv("inbox")


def test_one_destination_per_box_but_fan_in_allowed():
    a, b, c = Component(), Component(), Component()
    a.link((a, "outbox"), (b, "inbox"))
    with pytest.raises(BoxAlreadyLinkedToDestination):
        a.link((a, "outbox"), (c, "inbox"))
    c.link((c, "outbox"), (b, "inbox"))
    a.send("from a")
    c.send("from c")
    assert [b.recv(), b.recv()] == ["from a", "from c"]


def test_unknown_box_names_are_rejected():
    a, b = Component(), Component()
    with pytest.raises(KeyError):
        a.link((a, "nosuchbox"), (b, "inbox"))
    with pytest.raises(KeyError):
        a.send("x", "nosuchbox")


@pytest.mark.core_only
def test_unknown_box_error_names_the_component_and_its_boxes():
    a, b = Component(), Component()
    with pytest.raises(BadInbox) as info:
        a.link((a, "outbox"), (b, "nosuchbox"))
    assert b.name in str(info.value) and "control, inbox" in str(info.value)


def test_passthrough_1_forwards_parent_inbox_into_child():
    parent, child = Component(), Component()
    parent.link((parent, "inbox"), (child, "inbox"), passthrough=1)
    parent._deliver("hello", "inbox")
    assert parent.dataReady("inbox") == 0
    assert child.recv("inbox") == "hello"


def test_passthrough_2_sends_child_outbox_out_through_parent():
    parent, child, outside = Component(), Component(), Component()
    parent.link((child, "outbox"), (parent, "outbox"), passthrough=2)
    parent.link((parent, "outbox"), (outside, "inbox"))
    child.send("out")
    assert outside.recv("inbox") == "out"


def test_multi_level_passthrough_chain_collapses_to_the_final_inbox():
    outer, mid, inner, source = Component(), Component(), Component(), Component()
    # link in an order that retargets sources already feeding the chain
    source.link((source, "outbox"), (outer, "inbox"))
    outer.link((outer, "inbox"), (mid, "inbox"), passthrough=1)
    mid.link((mid, "inbox"), (inner, "inbox"), passthrough=1)
    source.send(1)
    assert (outer.dataReady("inbox"), mid.dataReady("inbox"), inner.dataReady("inbox")) == (0, 0, 1)


@pytest.mark.core_only
def test_chains_are_resolved_once_at_link_time():
    outer, inner, source = Component(), Component(), Component()
    source.link((source, "outbox"), (outer, "inbox"))
    outer.link((outer, "inbox"), (inner, "inbox"), passthrough=1)
    assert source.outboxes["outbox"].target is inner.inboxes["inbox"]


def test_outbound_chain_through_two_parents():
    leaf, p1, p2, dest = Component(), Component(), Component(), Component()
    p1.link((leaf, "outbox"), (p1, "outbox"), passthrough=2)
    p2.link((p1, "outbox"), (p2, "outbox"), passthrough=2)
    p2.link((p2, "outbox"), (dest, "inbox"))
    leaf.send("up and out")
    assert dest.recv() == "up and out"


def test_unlink_retargets_back_and_keeps_delivered_messages():
    parent, child, source = Component(), Component(), Component()
    source.link((source, "outbox"), (parent, "inbox"))
    through = parent.link((parent, "inbox"), (child, "inbox"), passthrough=1)
    source.send("before")
    parent.unlink(thelinkage=through)
    source.send("after")
    assert child.recv() == "before"
    assert parent.recv() == "after"
    assert child.dataReady() == 0


def test_unlink_middle_of_chain_retargets_upstream_sources():
    a, b, c, d = Component(), Component(), Component(), Component()
    a.link((a, "outbox"), (b, "inbox"))
    mid = b.link((b, "inbox"), (c, "inbox"), passthrough=1)
    c.link((c, "inbox"), (d, "inbox"), passthrough=1)
    a.send(1)
    b.unlink(thelinkage=mid)
    a.send(2)
    assert d.recv() == 1
    assert b.recv() == 2


def test_unlink_by_component_removes_only_links_it_made():
    a, b, c = Component(), Component(), Component()
    a.link((a, "outbox"), (b, "inbox"))
    a.link((a, "signal"), (b, "control"))
    c.link((c, "outbox"), (b, "inbox"))
    a.unlink(thecomponent=b)
    a.send("gone")
    c.send("kept")
    assert [b.recv()] == ["kept"]
    assert b.dataReady() == 0


def test_linkage_pairs():
    a, b = Component(), Component()
    lk = a.link((a, "signal"), (b, "control"))
    assert isinstance(lk, Linkage)
    assert lk.sourcePair() == (a, "signal")
    assert lk.sinkPair() == (b, "control")
    assert lk.getSinkbox() is b.inboxes["control"]


def test_size_limited_inbox_raises_no_space_in_box():
    a, b = Component(), Component()
    a.link((a, "outbox"), (b, "inbox"))
    b.setInboxSize("inbox", 2)
    a.send(1)
    a.send(2)
    with pytest.raises(noSpaceInBox):
        a.send(3)
    b.recv()
    a.send(3)
    assert [b.recv(), b.recv()] == [2, 3]


@pytest.mark.core_only
def test_no_space_in_box_says_which_box_and_its_limit():
    a, b = Component(), Component()
    a.link((a, "outbox"), (b, "inbox"))
    b.setInboxSize("inbox", 1)
    a.send(1)
    with pytest.raises(noSpaceInBox) as info:
        a.send(2)
    assert "no space in box" in str(info.value) and b.name in str(info.value)
    assert (info.value.size, info.value.limit) == (1, 1)


def test_synchronous_link_limits_the_sink():
    a, b = Component(), Component()
    a.link((a, "outbox"), (b, "inbox"), synchronous=True)
    a.send(1)
    with pytest.raises(noSpaceInBox):
        a.send(2)


class _Pusher(Component):
    """Sends 0..n-1 as fast as it can, pausing whenever the destination is full."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.n = n
        self.blocked = 0

    def main(self):
        i = 0
        while i < self.n:
            try:
                while i < self.n:
                    self.send(i)
                    i += 1
            except noSpaceInBox:
                self.blocked += 1
                self.pause()
            yield 1


def test_full_box_producer_is_woken_by_the_consumers_pop():
    sched = Scheduler()
    try:
        pusher, sink = _Pusher(50), Sink()
        pusher.link((pusher, "outbox"), (sink, "inbox"))
        sink.setInboxSize("inbox", 3)
        run_until_idle(pusher, sink, scheduler=sched)
        assert sink.got == list(range(50))
        assert pusher.blocked > 0
        assert finished(pusher)
    finally:
        sched.close()


def test_pipeline_of_links_delivers_fifo(sched):
    em, sink = Emitter(list(range(10))), Sink()
    em.link((em, "outbox"), (sink, "inbox"))
    em.link((em, "signal"), (sink, "control"))
    run_until_idle(em, sink, scheduler=sched)
    assert sink.got == list(range(10))
    assert finished(sink)
