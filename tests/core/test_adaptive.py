"""Adaptive components: boxes added and deleted at run time, tracked resources, tap events."""

from __future__ import annotations

import pytest

from kamaelia_core.adaptive import AdaptiveCommsComponent, AdaptiveComponent
from kamaelia_core.component import Component
from kamaelia_core.instrument import Tap
from kamaelia_core.testing import run_until_idle
from tests.core.helpers import Sink


def test_alias():
    assert AdaptiveCommsComponent is AdaptiveComponent


def test_add_box_returns_the_real_name_with_a_suffix_on_clash():
    c = AdaptiveComponent()
    assert c.addInbox("fresh") == "fresh"
    again = c.addInbox("fresh")
    assert again != "fresh" and again.startswith("fresh")
    assert {"fresh", again} <= set(c.inboxes)
    out = c.addOutbox("outbox")
    assert out != "outbox" and out in c.outboxes


def test_added_boxes_carry_messages():
    c, sink = AdaptiveComponent(), Component()
    out = c.addOutbox("toSink")
    c.link((c, out), (sink, "inbox"))
    c.send("hi", out)
    assert sink.recv() == "hi"
    inbox = c.addInbox("fromOutside")
    sink.link((sink, "outbox"), (c, inbox))
    sink.send("back")
    assert c.recv(inbox) == "back"


@pytest.mark.core_only
def test_delete_boxes_cuts_their_links():
    c, other = AdaptiveComponent(), Component()
    out = c.addOutbox("toOther")
    c.link((c, out), (other, "inbox"))
    inbox = c.addInbox("fromOther")
    other.link((other, "outbox"), (c, inbox))  # made by the other component
    c.deleteOutbox(out)
    c.deleteInbox(inbox)
    assert out not in c.outboxes and inbox not in c.inboxes
    assert c.linkages == [] and other.linkages == []
    other.send("nowhere")
    assert other.outboxes["outbox"].target is other.outboxes["outbox"]
    with pytest.raises(KeyError):
        c.deleteInbox("no such box")


@pytest.mark.core_only
def test_deleting_a_passthrough_box_retargets_the_chain():
    parent, child, outside = AdaptiveComponent(), Component(), Component()
    out = parent.addOutbox("childOut")
    parent.link((child, "outbox"), (parent, out), passthrough=2)
    parent.link((parent, out), (outside, "inbox"))
    child.send(1)
    parent.deleteOutbox(out)
    child.send(2)
    assert outside.recv() == 1 and outside.dataReady() == 0


def test_tracked_resources():
    c = AdaptiveComponent()
    inbox = c.addInbox("conn")
    out = c.addOutbox("conn")
    conn = object()
    c.trackResource(conn, inbox)
    assert c.retrieveTrackedResource(inbox) is conn
    c.trackResourceInformation(conn, [inbox], [out], {"peer": "127.0.0.1"})
    assert c.retrieveTrackedResourceInformation(conn) == ([inbox], [out], {"peer": "127.0.0.1"})
    c.ceaseTrackingResource(conn)
    with pytest.raises(KeyError):
        c.retrieveTrackedResourceInformation(conn)
    with pytest.raises(KeyError):
        c.trackResource(conn, "missing")
    with pytest.raises(KeyError):
        c.trackResourceInformation(conn, ["missing"], [], None)


@pytest.mark.core_only
def test_box_events_reach_the_tap(sched):
    class Grower(AdaptiveComponent):
        def main(self):
            name = self.addOutbox("extra")
            yield 1
            self.deleteOutbox(name)

    tap = sched.attach_tap(Tap())
    g = Grower()
    run_until_idle(g, scheduler=sched)
    events = [(e.kind, e.box, e.extra) for e in tap.drain() if e.kind.startswith("box_")]
    assert events == [
        ("box_added", "extra", {"inbox": False}),
        ("box_removed", "extra", {"inbox": False}),
    ]


def test_runs_like_a_component(sched):
    class Adapter(AdaptiveComponent):
        def main(self):
            name = self.addOutbox("out")
            self.link((self, name), (self.sink, "inbox"))
            self.send("made at run time", name)
            yield 1

    sink = Sink()
    run_until_idle(Adapter(sink=sink), sink, scheduler=sched)
    assert sink.got == ["made at run time"]
