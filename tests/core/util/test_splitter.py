"""PlugSplitter and Plug: consumers plug in and out of a shared source while it runs."""

from __future__ import annotations

import logging

from kamaelia_core.ipc import producerFinished, shutdownMicroprocess
from kamaelia_core.testing import run_until_idle
from kamaelia_core.util import Collector, DataSource
from kamaelia_core.util.splitter import Plug, PlugSplitter, addsink, removesink
from tests.core.helpers import Sink


def test_plugs_register_get_every_message_and_deregister_when_their_component_ends(sched):
    splitter = PlugSplitter()
    one, two = Collector(), Collector()
    plug_one, plug_two = Plug(splitter, one), Plug(splitter, two)
    for comp in (splitter, plug_one, plug_two):
        comp.activate(sched)
    run_until_idle(scheduler=sched)
    assert len(splitter.outboxsinks) == 2 and len(splitter.signalsinks) == 2
    splitter._deliver("shared")
    run_until_idle(scheduler=sched)
    assert one.collected == two.collected == ["shared"]
    plug_one._deliver(shutdownMicroprocess(), "control")
    run_until_idle(scheduler=sched)
    assert plug_one.state == "finished" and len(splitter.outboxsinks) == 1
    splitter._deliver("later")
    end = producerFinished()
    splitter._deliver(end, "control")
    run_until_idle(scheduler=sched)
    assert one.collected == ["shared"] and two.collected == ["shared", "later"]
    assert splitter.state == "finished" and plug_two.state == "finished"
    assert set(splitter.outboxes) == {"outbox", "signal"}


def test_a_source_component_is_split_and_its_end_ends_the_splitter(sched):
    splitter = PlugSplitter(DataSource(["a", "b"]))
    sink = Sink()
    splitter._deliver(addsink(sink, "inbox", "control"), "configuration")
    direct = Collector()
    direct.link((splitter, "outbox"), (direct, "inbox"))
    for comp in (sink, direct):
        comp.activate(sched)
    splitter.activate(sched)
    run_until_idle(scheduler=sched)
    assert sink.got == ["a", "b"] and direct.collected == ["a", "b"]
    assert isinstance(sink.ctl[0], producerFinished) and splitter.state == "finished"


def test_removesink_and_unknown_requests(sched, caplog):
    splitter, sink = PlugSplitter(), Sink()
    splitter._deliver(addsink(sink), "configuration")
    splitter._deliver(removesink(sink), "configuration")
    splitter._deliver("nonsense", "configuration")
    with caplog.at_level(logging.WARNING):
        run_until_idle(splitter, sink, scheduler=sched)
    assert splitter.outboxsinks == {} and "ignored 'nonsense'" in caplog.text


def test_a_slow_sink_is_bounded_and_with_disconnect_removed_and_told(sched):
    splitter = PlugSplitter(max_backlog=3, on_overflow="disconnect")
    slow = Sink()
    splitter._deliver(addsink(slow, "inbox", "control"), "configuration")
    splitter.activate(sched)
    run_until_idle(scheduler=sched)
    for n in range(10):
        splitter._deliver(n)
    run_until_idle(scheduler=sched)  # the slow sink is never activated: it never reads
    assert list(slow.inboxes["inbox"].storage) == [0, 1, 2]
    assert isinstance(slow.inboxes["control"].storage[0], shutdownMicroprocess)
    assert splitter.outboxsinks == {} and splitter.signalsinks == {}
