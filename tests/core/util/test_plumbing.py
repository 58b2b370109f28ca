"""PassThrough and NullSink."""

from __future__ import annotations

from kamaelia_core.ipc import producerFinished, shutdown, shutdownMicroprocess
from kamaelia_core.testing import run_until_idle
from kamaelia_core.util import Collector
from kamaelia_core.util.plumbing import NullSink, PassThrough
from kamaelia_core.util.sources import DataSource
from tests.core.helpers import Sink


def test_pass_through_passes_both_boxes_on_and_ends_on_a_shutdown_on_message(sched):
    stage, sink = PassThrough(shutdownOn=[shutdownMicroprocess]), Sink()
    sink.link((stage, "outbox"), (sink, "inbox"))
    relay = Collector()
    relay.link((stage, "signal"), (relay, "inbox"))
    stage._deliver("data")
    stage._deliver(producerFinished(), "control")  # not a shutdownOn type here
    run_until_idle(stage, sink, relay, scheduler=sched)
    assert sink.got == ["data"] and stage.state == "waiting"
    stage._deliver(shutdownMicroprocess(), "control")
    run_until_idle(scheduler=sched)
    assert stage.state == "finished"
    assert [type(m) for m in relay.collected] == [producerFinished, shutdownMicroprocess]


def test_null_sink_takes_everything_and_wakes_a_blocked_sender(sched):
    source, sink = DataSource(range(10)), NullSink()
    sink.setInboxSize("inbox", 2)
    source.link((source, "outbox"), (sink, "inbox"))
    source.link((source, "signal"), (sink, "control"))
    run_until_idle(source, sink, scheduler=sched)
    assert sink.swallowed == 10 and sink.state == "finished" and source.state == "finished"
    other = NullSink()
    other._deliver(shutdown(), "control")
    run_until_idle(other, scheduler=sched)
    assert other.state == "finished"
