"""Breakpoints stop the scheduler right after the slice that delivered a matching message."""

from __future__ import annotations

import pytest

from kamaelia_core import Component, ipc
from kamaelia_core.breakpoints import Breakpoint, BreakpointSet
from kamaelia_core.chassis.pipeline import Pipeline
from kamaelia_core.instrument import Tap
from kamaelia_core.scheduler import Scheduler


class Talker(Component):
    """Sends one message per slice, then producerFinished."""

    def __init__(self, messages, **argd):
        super().__init__(**argd)
        self.messages = list(messages)

    def main(self):
        for message in self.messages:
            self.send(message)
            yield 1
        self.send(ipc.producerFinished(self), "signal")


class Sink(Component):
    def __init__(self, **argd):
        super().__init__(**argd)
        self.got = []

    def main(self):
        while not self.dataReady("control"):
            while self.dataReady():
                self.got.append(self.recv())
            self.pause()
            yield 1


@pytest.fixture
def system():
    sched = Scheduler()
    sched.attach_tap(Tap())
    talker = Talker([b"hello", b"bye", "a much longer line of text", 42])
    sink = Sink()
    talker.link((talker, "outbox"), (sink, "inbox"))
    talker.link((talker, "signal"), (sink, "control"))
    hits = []
    breaks = BreakpointSet(sched, hits.append)
    sched.activate(talker)
    sched.activate(sink)
    yield sched, talker, sink, breaks, hits
    sched.close()


def test_no_breakpoint_costs_nothing_and_stops_nothing(system):
    sched, _talker, sink, _breaks, hits = system
    assert sched.after_slice is None
    sched.run_until_idle()
    assert len(sink.got) == 4 and hits == []


def test_a_type_breakpoint_stops_right_after_that_delivery(system):
    sched, talker, sink, breaks, hits = system
    bp = breaks.add(Breakpoint(msg_type="str", label="text"))
    sched.step(10)
    assert [h.breakpoint for h in hits] == [bp] and bp.hits == 1
    hit = hits[0].event
    assert hit.kind == "delivered" and hit.msg_type == "str" and hit.cid == talker.cid
    assert hit.sink_cid == sink.cid and "longer line" in hit.value
    assert len(sink.got) == 2  # the sink has not run since: the message waits in its inbox
    assert sink.inboxes["inbox"].storage[0] == "a much longer line of text"
    sched.run_until_idle()  # resume: nothing else matches
    assert len(hits) == 1 and len(sink.got) == 4


def test_value_conditions_links_and_one_shot(system):
    sched, talker, sink, breaks, hits = system
    breaks.add(Breakpoint(contains="bye"))
    sched.step(10)
    assert hits[-1].event.value == "b'bye'"
    breaks.clear()
    assert sched.after_slice is None
    breaks.add(Breakpoint(longer_than=10, once=True))
    sched.step(10)
    assert "longer" in hits[-1].event.value and len(breaks) == 0  # one-shot: gone
    breaks.add(Breakpoint(links=[(talker.cid, "signal", sink.cid, "control")]))
    sched.run_until_idle()
    assert hits[-1].event.msg_type == "producerFinished" and len(hits) == 3


def test_a_breakpoint_on_a_hop_inside_a_pipeline_matches_the_passthrough_delivery():
    sched = Scheduler()
    sched.attach_tap(Tap())
    inner = Sink()
    pipe = Pipeline(inner)
    source = Talker(["x"])
    outer = Sink()
    source.link((source, "outbox"), (pipe, "inbox"))
    pipe.link((pipe, "outbox"), (outer, "inbox"))
    hits = []
    breaks = BreakpointSet(sched, hits.append)
    breaks.add(Breakpoint(links=[(pipe.cid, "inbox", inner.cid, "inbox")]))  # the passthrough
    for comp in (source, pipe, outer):
        sched.activate(comp)
    sched.run_until_idle()
    sched.run_until_idle()
    sched.close()
    assert [h.event.value for h in hits] == ["'x'"]
    assert hits[0].event.sink_cid == inner.cid  # delivered straight into the inner inbox


def test_bad_breakpoints_are_refused():
    with pytest.raises(ValueError, match="longer_than"):
        Breakpoint(longer_than=-1)
    sched = Scheduler()
    try:
        with pytest.raises(RuntimeError, match="need a tap"):
            BreakpointSet(sched, lambda hit: None).add(Breakpoint())
    finally:
        sched.close()


@pytest.mark.expect_errors(match="its condition raised")
def test_a_condition_that_raises_never_stops_the_run(system):
    sched, _talker, sink, breaks, hits = system
    breaks.add(Breakpoint(condition=lambda value: value.nope))
    sched.run_until_idle()
    assert hits == [] and len(sink.got) == 4
