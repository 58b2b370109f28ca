"""ConsoleEchoer and ConsoleReader: the terminal ends of a pipeline."""

from __future__ import annotations

import io

from kamaelia_core.ipc import producerFinished, shutdownMicroprocess
from kamaelia_core.scheduler import run_components
from kamaelia_core.testing import collect_outbox, run_until_idle
from kamaelia_core.util.collector import Collector
from kamaelia_core.util.console import ConsoleEchoer, ConsoleReader


def test_echoer_writes_to_its_stream_and_passes_shutdown_on(sched):
    stream = io.StringIO()
    e = ConsoleEchoer(stream=stream, tag="> ")
    e.activate(sched)
    sig = collect_outbox(e, "signal", run=False)
    e._deliver("hello\n")
    e._deliver(b"bytes\n")
    e._deliver(42)
    e._deliver(producerFinished(), "control")
    run_until_idle(scheduler=sched)
    assert stream.getvalue() == "> hello\n> bytes\n> 42"
    assert isinstance(sig[0], producerFinished) and e.state == "finished"


def test_echoer_defaults_to_stdout_at_write_time(sched, capsys):
    e = ConsoleEchoer(use_repr=True)
    e._deliver("x")
    run_until_idle(e, scheduler=sched)
    assert capsys.readouterr().out == "'x'"


def test_forwarder_and_forward_only(sched):
    stream = io.StringIO()
    loud = ConsoleEchoer(forwarder=True, stream=stream)
    quiet = ConsoleEchoer(forward_only=True, stream=stream)
    loud.activate(sched)
    quiet.activate(sched)
    out_loud, out_quiet = collect_outbox(loud, run=False), collect_outbox(quiet, run=False)
    loud._deliver("a")
    quiet._deliver("b")
    quiet._deliver(shutdownMicroprocess(), "control")
    run_until_idle(scheduler=sched)
    assert out_loud == ["a"] and out_quiet == ["b"]
    assert stream.getvalue() == "a"
    assert quiet.state == "finished"


def test_reader_sends_lines_then_producer_finished():
    reader = ConsoleReader(prompt="", eol="|", stream=io.StringIO("one\ntwo\r\nthree"))
    sink = Collector()
    reader.link((reader, "outbox"), (sink, "inbox"))
    reader.link((reader, "signal"), (sink, "control"))
    run_components([reader, sink])
    assert sink.collected == ["one|", "two|", "three|"]
    assert reader.state == "finished" and sink.state == "finished"


def test_reader_writes_its_prompt(capsys):
    reader = ConsoleReader(prompt="? ", stream=io.StringIO("x\n"))
    sched = run_until_idle(reader)
    try:
        assert capsys.readouterr().out == "? ? "
    finally:
        sched.close()
