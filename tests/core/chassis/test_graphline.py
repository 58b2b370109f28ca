"""Graphline: named wiring, links to and from itself, control relay, end-of-run signal."""

from __future__ import annotations

import pytest

from kamaelia_core.chassis.graphline import Graphline
from kamaelia_core.component import Component
from kamaelia_core.errors import BadInbox, GraphlineLinkagesMissing
from kamaelia_core.ipc import producerFinished, shutdownMicroprocess
from kamaelia_core.util.sources import DataSource
from tests.core.helpers import Relay, Sink


def test_children_are_wired_as_the_linkages_say(sched):
    sink = Sink()
    graph = Graphline(
        linkages={
            ("src", "outbox"): ("relay", "inbox"),
            ("src", "signal"): ("relay", "control"),
            ("relay", "outbox"): ("sink", "inbox"),
            ("relay", "signal"): ("sink", "control"),
        },
        src=DataSource(["x", "y"]),
        relay=Relay(),
        sink=sink,
    )
    outside = Sink()
    graph.link((graph, "signal"), (outside, "control"))
    graph.activate(sched)
    outside.activate(sched)
    sched.run_until_idle()
    assert sink.got == ["x", "y"]
    assert graph.state == "finished"
    assert isinstance(outside.ctl[-1], producerFinished)


def test_self_links_are_passthroughs(sched):
    graph = Graphline(
        linkages={("self", "inbox"): ("r", "inbox"), ("r", "outbox"): ("self", "outbox")},
        r=Relay(),
    )
    outside = Sink()
    graph.link((graph, "outbox"), (outside, "inbox"))
    graph.activate(sched)
    outside.activate(sched)
    graph._deliver("hello")
    sched.run_until_idle()
    assert outside.got == ["hello"]


def test_control_is_relayed_to_children_nobody_feeds_and_echoed_on_signal(sched):
    a, b = Sink(), Sink()
    graph = Graphline(linkages={}, a=a, b=b)
    outside = Sink()
    graph.link((graph, "signal"), (outside, "control"))
    graph.activate(sched)
    outside.activate(sched)
    sched.run_until_idle()
    stop = shutdownMicroprocess()
    graph._deliver(stop, "control")
    sched.run_until_idle()
    assert a.ctl == [stop] and b.ctl == [stop]
    assert outside.ctl == [stop]


def test_box_names_added_for_one_graphline_do_not_leak_into_the_class():
    Graphline(linkages={}, a=Sink())
    assert not any(name.startswith("_control_to_") for name in Graphline.Outboxes)


def test_missing_linkages_and_unknown_boxes_are_clear_errors():
    with pytest.raises(GraphlineLinkagesMissing):
        Graphline(a=Component())
    with pytest.raises(TypeError):
        Graphline(a=Component())
    with pytest.raises(ValueError):
        Graphline(a=Component())
    with pytest.raises(BadInbox, match=r"a\.nosuch"):
        Graphline(linkages={("a", "nosuch"): ("b", "inbox")}, a=Component(), b=Component())


def test_own_boxes_the_linkages_name_are_made_for_this_graphline_only(sched):
    inner = Relay()
    graph = Graphline(
        R=inner,
        linkages={("self", "lines"): ("R", "inbox"), ("R", "outbox"): ("self", "copies")},
    )
    assert "lines" in graph.inboxes and "copies" in graph.outboxes
    assert "lines" not in Graphline.Inboxes and "copies" not in Graphline.Outboxes
    assert "lines" not in Graphline(linkages={}, R=Relay()).inboxes
    out = Sink()
    out.link((graph, "copies"), (out, "inbox"))
    graph._deliver("x", "lines")
    sched.activate(graph)
    sched.activate(out)
    sched.run_until_idle()
    assert out.got == ["x"]
