"""Subscribers: each gets every message; one that lags too far is dropped, nothing raises."""

from __future__ import annotations

import logging

import pytest

from kamaelia_core.component import Component
from kamaelia_core.fanout import Subscribers, subscriberDropped, take_batch
from kamaelia_core.testing import run_until_idle
from tests.core.helpers import Sink

pytestmark = pytest.mark.core_only


class Deaf(Component):
    """Subscribed, alive, never reads its inbox."""

    def main(self):
        while True:
            self.pause()
            yield 1


@pytest.fixture
def room(sched):
    owner = Component()
    drops: list = []
    fan = Subscribers(owner, max_backlog=3, on_drop=lambda *d: drops.append(d), prefix="sub")
    run_until_idle(owner, scheduler=sched)
    return owner, fan, drops


def test_each_message_reaches_every_subscriber_but_the_skipped_one(sched, room):
    _owner, fan, drops = room
    a, b, c = Sink(), Sink(), Sink()
    run_until_idle(a, b, c, scheduler=sched)
    for key, sink in (("a", a), ("b", b), ("c", c)):
        fan.add(key, (sink, "inbox"))
    assert fan.send("hello", skip="b") == 2
    assert fan.send_to("b", "just you")
    run_until_idle(scheduler=sched)
    assert (a.got, b.got, c.got) == (["hello"], ["just you"], ["hello"])
    assert sorted(fan) == ["a", "b", "c"] and len(fan) == 3 and "a" in fan
    assert drops == [] and fan.dropped == 0


def test_a_subscriber_that_stops_reading_is_dropped_at_the_bound_with_a_farewell(
    sched, room, caplog
):
    owner, fan, drops = room
    reader, deaf = Sink(), Deaf()
    run_until_idle(reader, deaf, scheduler=sched)
    fan.add("reader", (reader, "inbox"))
    name = fan.add("deaf", (deaf, "inbox"))
    with caplog.at_level(logging.INFO, logger="kamaelia_core.fanout"):
        for i in range(10):
            fan.send(i)
            run_until_idle(scheduler=sched)
    assert reader.got == list(range(10))  # the others are served as before
    assert drops == [("deaf", "behind", 3)]
    assert "deaf" not in fan and name not in owner.outboxes and len(owner.linkages) == 1
    waiting = list(deaf.inboxes["inbox"].storage)
    assert waiting[:3] == [0, 1, 2] and len(waiting) == 4  # the bound, then the farewell
    farewell = waiting[-1]
    assert isinstance(farewell, subscriberDropped)
    assert (farewell.caller, farewell.why, farewell.backlog) == (owner, "behind", 3)
    assert len([r for r in caplog.records if "stopped sending" in r.getMessage()]) == 1


def test_a_full_size_limited_inbox_drops_the_subscriber_instead_of_raising(sched, room):
    _owner, fan, drops = room
    narrow = Deaf()
    narrow.setInboxSize("inbox", 2)
    run_until_idle(narrow, scheduler=sched)
    fan.add("narrow", (narrow, "inbox"))
    assert [fan.send(i) for i in range(4)] == [1, 1, 0, 0]
    assert drops == [("narrow", "full", 2)]
    assert list(narrow.inboxes["inbox"].storage) == [0, 1]  # no room for a farewell either


def test_a_subscriber_that_has_ended_is_dropped_without_a_farewell(sched, room):
    _owner, fan, drops = room
    gone = Sink()
    run_until_idle(gone, scheduler=sched)
    fan.add("gone", (gone, "inbox"))
    gone.stop()
    run_until_idle(scheduler=sched)
    assert fan.send("anyone?") == 0
    assert drops == [("gone", "ended", 0)]
    assert list(gone.inboxes["inbox"].storage) == []


def test_remove_unlinks_and_forgets(sched, room):
    owner, fan, drops = room
    sink = Sink()
    run_until_idle(sink, scheduler=sched)
    name = fan.add("s", (sink, "inbox"))
    assert fan.backlog("s") == 0
    fan.send("one")
    assert fan.backlog("s") == 1
    assert fan.remove("s") and not fan.remove("s")
    assert name not in owner.outboxes and not owner.linkages
    assert fan.send("two") == 0 and not fan.send_to("s", "three")
    assert drops == []  # removed, not dropped


def test_bad_arguments_are_clear_errors(sched, room):
    owner, fan, _drops = room
    sink = Sink()
    fan.add("s", (sink, "inbox"))
    with pytest.raises(KeyError, match="already subscribed"):
        fan.add("s", (sink, "inbox"))
    outboxes = set(owner.outboxes)
    with pytest.raises(Exception, match="no inbox 'nope'"):
        fan.add("t", (sink, "nope"))
    assert set(owner.outboxes) == outboxes  # nothing left behind
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="max_backlog must be a positive int"):
            Subscribers(owner, max_backlog=bad)
    assert repr(fan).startswith(f"<Subscribers of {owner.name} subscribers=1 max_backlog=3")


def test_take_batch_hands_over_at_most_the_limit_and_says_whether_more_wait():
    owner = Component()
    for n in range(5):
        owner._deliver(n)
    inbox, got = owner.inboxes["inbox"], []
    assert take_batch(inbox, 3, got.append) is True and got == [0, 1, 2]
    assert take_batch(inbox, 3, got.append) is False and got == [0, 1, 2, 3, 4]
    assert take_batch(inbox, 3, got.append) is False and got == [0, 1, 2, 3, 4]
