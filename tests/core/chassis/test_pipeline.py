"""Pipeline: chain wiring, passthrough of its own boxes, shutdown propagation, nesting."""

from __future__ import annotations

import pytest

from kamaelia_core.chassis.pipeline import Pipeline
from kamaelia_core.component import Component
from kamaelia_core.instrument import Tap
from kamaelia_core.ipc import producerFinished, shutdownMicroprocess
from kamaelia_core.testing import run_until_idle
from kamaelia_core.util.collector import Collector
from kamaelia_core.util.sources import DataSource
from kamaelia_core.util.transformers import PureTransformer
from tests.core.helpers import Relay, Sink


def test_messages_flow_through_every_stage_and_shutdown_ends_all(sched):
    sink = Collector()
    pipe = Pipeline(DataSource([1, 2, 3]), PureTransformer(lambda x: x * 10), Relay(), sink)
    pipe.activate(sched)
    sched.run_until_idle()
    assert sink.collected == [10, 20, 30]
    assert all(stage.state == "finished" for stage in pipe.components)
    assert pipe.state == "finished"
    assert sched.components == []


def test_own_inbox_and_outbox_pass_through_to_first_and_last_stage(sched):
    pipe = Pipeline(Relay(), Relay())
    outside = Sink()
    feeder = Component()
    feeder.link((feeder, "outbox"), (pipe, "inbox"))
    feeder.link((feeder, "signal"), (pipe, "control"))
    pipe.link((pipe, "outbox"), (outside, "inbox"))
    pipe.link((pipe, "signal"), (outside, "control"))
    pipe.activate(sched)
    outside.activate(sched)
    feeder.send("a")
    feeder.send("b")
    feeder.send(producerFinished(feeder), "signal")
    sched.run_until_idle()
    assert outside.got == ["a", "b"]
    assert isinstance(outside.ctl[-1], producerFinished)
    assert pipe.state == "finished"


def test_nested_pipeline_receives_messages_sent_before_its_first_slice(sched):
    sink = Collector()
    outer = Pipeline(DataSource([1, 2]), Pipeline(PureTransformer(str)), sink)
    outer.activate(sched)
    sched.run_until_idle()
    assert sink.collected == ["1", "2"]


def test_shutdown_microprocess_on_control_stops_the_chain(sched):
    first, last = Relay(), Sink()
    pipe = Pipeline(first, last)
    pipe.activate(sched)
    sched.run_until_idle()
    pipe._deliver(shutdownMicroprocess(), "control")
    sched.run_until_idle()
    assert isinstance(last.ctl[-1], shutdownMicroprocess)
    assert pipe.state == "finished"


def test_stopping_the_pipeline_stops_its_stages(sched):
    stages = [Relay(), Sink()]
    pipe = Pipeline(*stages)
    pipe.activate(sched)
    sched.run_until_idle()
    pipe.stop()
    sched.run_until_idle()
    assert [s.state for s in stages] == ["finished", "finished"]
    assert sched.components == []


def test_links_made_before_activation_are_announced_to_the_tap(sched):
    tap = sched.attach_tap(Tap())
    a, b = Relay(), Sink()
    pipe = Pipeline(a, b)
    pipe.activate(sched)
    sched.run_until_idle()
    linked = [(e.name, e.box, e.sink_name, e.sink_box) for e in tap.drain() if e.kind == "linked"]
    assert (a.name, "outbox", b.name, "inbox") in linked
    assert (a.name, "signal", b.name, "control") in linked
    assert (pipe.name, "inbox", a.name, "inbox") in linked
    assert len(linked) == len(set(linked)) == 6


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="at least one"):
        Pipeline()
    with pytest.raises(TypeError, match="stage 1 is not a component"):
        Pipeline(Relay(), "oops")


def test_circular_pipeline_links_the_last_stage_back_to_the_first(sched):
    from kamaelia_core.component import Component

    class Hop(Component):
        def main(self):
            while True:
                while self.dataReady():
                    n = self.recv()
                    if n >= 6:
                        self.send(producerFinished(self), "signal")
                    else:
                        self.send(n + 1)
                if self.pass_on_ending():
                    return
                self.pause()
                yield 1

    a, b = Hop(), Hop()
    ring = Pipeline(a, b, circular=True)
    outside = Collector()
    outside.link((ring, "outbox"), (outside, "inbox"))
    assert {(lk.sourcebox, lk.sink) for lk in ring.linkages if lk.source is b} == {
        ("outbox", a),
        ("signal", a),
    }
    assert "circular" in repr(ring)
    ring._deliver(0)
    run_until_idle(ring, outside, scheduler=sched)
    assert ring.state == "finished" and outside.collected == []
