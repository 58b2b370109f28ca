"""Seq: components one after another, each wired to the Seq's own boxes in turn."""

from __future__ import annotations

import pytest

from kamaelia_core.ipc import producerFinished, shutdownMicroprocess
from kamaelia_core.testing import collect_outbox, run_until_idle
from kamaelia_core.util import OneShot
from kamaelia_core.util.collector import Collector
from tests.core.helpers import Sink


def test_each_child_runs_in_turn_and_text_items_are_printed(sched, capsys):
    from kamaelia_core.chassis import Seq

    seq = Seq("first step", OneShot("a"), OneShot("b"))
    seq.activate(sched)
    out, sig = collect_outbox(seq, run=False), collect_outbox(seq, "signal", run=False)
    run_until_idle(scheduler=sched)
    assert out == ["a", "b"] and isinstance(sig[0], producerFinished)
    assert capsys.readouterr().out == "first step\n" and seq.state == "finished"


def test_the_inbox_reaches_the_running_child_even_between_children(sched):
    from kamaelia_core.chassis import Seq

    first, second = Collector(), Collector()
    seq = Seq(first, second)
    seq._deliver("early")  # before anything ran
    run_until_idle(seq, scheduler=sched)
    assert first.collected == ["early"]
    first._deliver(producerFinished(), "control")
    run_until_idle(scheduler=sched)
    seq._deliver("later")
    run_until_idle(scheduler=sched)
    assert second.collected == ["later"] and "Collector" in repr(seq)


def test_shutdown_microprocess_stops_the_child_and_the_seq(sched):
    from kamaelia_core.chassis import Seq

    child, outside = Sink(), Sink()
    seq = Seq(child, OneShot("never"))
    outside.link((seq, "signal"), (outside, "control"))
    run_until_idle(seq, outside, scheduler=sched)
    stop = shutdownMicroprocess()
    seq._deliver(stop, "control")
    run_until_idle(scheduler=sched)
    assert seq.state == "finished" and child.state == "finished" and outside.ctl == [stop]
    with pytest.raises(TypeError, match="neither a component nor a string"):
        Seq(42)
