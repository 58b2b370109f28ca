"""Fanout and the shared slow-consumer policy (Overflow)."""

from __future__ import annotations

import pytest

from kamaelia_core.component import Component
from kamaelia_core.fanout import Overflow
from kamaelia_core.ipc import producerFinished
from kamaelia_core.testing import run_until_idle
from kamaelia_core.util import Collector
from kamaelia_core.util.fanout import Fanout
from tests.core.helpers import Sink


def test_every_named_outbox_gets_a_copy_and_the_end_is_passed_on(sched):
    fan, left, right, outside = Fanout(["left", "right"]), Collector(), Collector(), Sink()
    fan.link((fan, "left"), (left, "inbox"))
    fan.link((fan, "right"), (right, "inbox"))
    fan.link((fan, "signal"), (outside, "control"))
    for comp in (fan, left, right, outside):
        comp.activate(sched)
    for n in range(3):
        fan._deliver(n)
    end = producerFinished()
    fan._deliver(end, "control")
    run_until_idle(scheduler=sched)
    assert left.collected == right.collected == [0, 1, 2]
    assert outside.ctl == [end] and fan.state == "finished"
    assert "left" in fan.outboxes and "left" not in Fanout.Outboxes


def test_a_full_consumer_loses_its_oldest_messages_instead_of_crashing_the_fanout(sched):
    fan, fast, slow = Fanout(["fast", "slow"]), Collector(), Component()
    slow.setInboxSize("inbox", 2)
    fan.link((fan, "fast"), (fast, "inbox"))
    fan.link((fan, "slow"), (slow, "inbox"))
    fan.activate(sched)
    fast.activate(sched)
    for n in range(5):
        fan._deliver(n)
    run_until_idle(scheduler=sched)
    assert fast.collected == [0, 1, 2, 3, 4]
    assert list(slow.inboxes["inbox"].storage) == [3, 4]
    assert fan.overflow.dropped == 3 and fan.state == "waiting"


def test_with_disconnect_an_overflowing_outbox_is_no_longer_sent_to(sched):
    fan, slow = Fanout(["slow"], max_backlog=2, on_overflow="disconnect"), Component()
    fan.link((fan, "slow"), (slow, "inbox"))
    fan.activate(sched)
    for n in range(5):
        fan._deliver(n)
    run_until_idle(scheduler=sched)
    assert list(slow.inboxes["inbox"].storage) == [0, 1] and fan.cut == {"slow"}


def test_a_burst_larger_than_the_bound_reaches_consumers_that_keep_up(sched):
    fan, sink = Fanout(["out"], max_backlog=4), Collector()
    fan.link((fan, "out"), (sink, "inbox"))
    fan.activate(sched)
    sink.activate(sched)
    for n in range(50):
        fan._deliver(n)
    run_until_idle(scheduler=sched)
    assert sink.collected == list(range(50)) and fan.overflow.dropped == 0
    assert fan.overflow.batch == 2


def test_an_unlinked_outbox_just_discards(sched):
    fan = Fanout(["nowhere"], max_backlog=1)
    assert fan.overflow.deliver("nowhere", "x") is True


def test_bad_arguments_are_refused():
    owner = Component()
    with pytest.raises(ValueError, match="on_overflow"):
        Overflow(owner, on_overflow="wait")
    with pytest.raises(ValueError, match="max_backlog"):
        Overflow(owner, max_backlog=0)
    with pytest.raises(ValueError, match="clashes"):
        Fanout(["signal"])
    assert "dropped=0" in repr(Overflow(owner, 3))
