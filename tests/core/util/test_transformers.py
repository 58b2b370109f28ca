"""PureTransformer: a function over each message, None dropped, shutdown passed on."""

from __future__ import annotations

from kamaelia_core.ipc import producerFinished, shutdownMicroprocess
from kamaelia_core.testing import collect_outbox, run_until_idle
from kamaelia_core.util.transformers import PureTransformer


def test_applies_the_function_and_drops_none(sched):
    t = PureTransformer(lambda x: None if x % 2 else x * 10)
    t.activate(sched)
    out = collect_outbox(t)
    for i in range(5):
        t._deliver(i)
    run_until_idle(scheduler=sched)
    assert out == [0, 20, 40]
    assert t.state == "waiting"


def test_waiting_messages_are_transformed_before_a_shutdown_is_passed_on(sched):
    t = PureTransformer(str.upper)
    t.activate(sched)
    out, sig = collect_outbox(t, run=False), collect_outbox(t, "signal", run=False)
    t._deliver("a")
    t._deliver(producerFinished(), "control")
    t._deliver("b")
    run_until_idle(scheduler=sched)
    assert out == ["A", "B"]
    assert isinstance(sig[0], producerFinished)
    assert t.state == "finished"


def test_shutdown_microprocess_also_ends_it(sched):
    t = PureTransformer(lambda x: x)
    t.activate(sched)
    sig = collect_outbox(t, "signal", run=False)
    t._deliver(shutdownMicroprocess(), "control")
    run_until_idle(scheduler=sched)
    assert isinstance(sig[0], shutdownMicroprocess)


def test_subclass_overrides_process_message_and_other_control_is_ignored(sched):
    class Doubler(PureTransformer):
        def processMessage(self, msg):
            return msg * 2

    d = Doubler()
    d.activate(sched)
    out = collect_outbox(d, run=False)
    d._deliver("not a shutdown", "control")
    d._deliver(4)
    run_until_idle(scheduler=sched)
    assert out == [8] and d.state == "waiting"
    assert "function=" in repr(d)
