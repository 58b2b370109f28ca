"""SimpleReader, PromptedFileReader and SimpleFileWriter."""

from __future__ import annotations

import pytest

from kamaelia_core.ipc import producerFinished, shutdownMicroprocess
from kamaelia_core.testing import collect_outbox, run_until_idle
from kamaelia_core.util import Collector
from kamaelia_core.util.files import PromptedFileReader, SimpleFileWriter, SimpleReader
from tests.core.helpers import Sink


def test_simple_reader_sends_every_line_and_waits_for_a_full_consumer(sched, tmp_path):
    path = tmp_path / "in.txt"
    path.write_text("".join(f"line {n}\n" for n in range(200)))
    reader, sink = SimpleReader(str(path)), Collector()
    sink.setInboxSize("inbox", 7)
    sink.link((reader, "outbox"), (sink, "inbox"))
    sink.link((reader, "signal"), (sink, "control"))
    run_until_idle(reader, sink, scheduler=sched)
    assert sink.collected == [f"line {n}\n" for n in range(200)]
    assert reader.state == "finished" and sink.state == "finished"
    binary = SimpleReader(str(path), mode="rb")
    binary.activate(sched)
    assert collect_outbox(binary)[0] == b"line 0\n"


@pytest.mark.expect_errors(match=r"SimpleReader#\d+ crashed")
def test_simple_reader_stops_on_shutdown_and_a_missing_file_is_a_crash(sched, tmp_path):
    path = tmp_path / "in.txt"
    path.write_text("a\nb\n")
    reader, stuck = SimpleReader(str(path)), Sink()
    stuck.setInboxSize("inbox", 1)
    stuck.link((reader, "outbox"), (stuck, "inbox"))
    reader.activate(sched)
    signal = collect_outbox(reader, "signal")
    reader._deliver(shutdownMicroprocess(), "control")
    reader.unpause()
    run_until_idle(scheduler=sched)
    assert isinstance(signal[0], shutdownMicroprocess) and len(signal) == 1
    missing = SimpleReader(str(tmp_path / "nope.txt"))
    run_until_idle(missing, scheduler=sched)
    assert isinstance(missing.crash, FileNotFoundError) and "nope.txt" in str(missing.crash)


def test_prompted_reader_reads_what_it_is_asked_for(sched, tmp_path):
    path = tmp_path / "data"
    path.write_bytes(b"one\ntwo\nthree\n")
    by_bytes, by_lines = PromptedFileReader(str(path)), PromptedFileReader(str(path), "lines")
    by_bytes.activate(sched)
    by_lines.activate(sched)
    out_bytes = collect_outbox(by_bytes, run=False)
    out_lines = collect_outbox(by_lines, run=False)
    signal = collect_outbox(by_lines, "signal", run=False)
    for request in (2, 5):
        by_bytes._deliver(request)
    for request in (2, 1, 1):
        by_lines._deliver(request)
    run_until_idle(scheduler=sched)
    assert out_bytes == [b"on", b"e\ntwo"] and out_lines == [b"one\ntwo\n", b"three\n"]
    assert isinstance(signal[0], producerFinished) and by_lines.state == "finished"
    with pytest.raises(ValueError, match="readmode"):
        PromptedFileReader(str(path), "words")


def test_simple_file_writer_writes_text_or_bytes_and_passes_the_end_on(sched, tmp_path):
    path = tmp_path / "out.bin"
    writer, outside = SimpleFileWriter(str(path)), Sink()
    outside.link((writer, "signal"), (outside, "control"))
    writer._deliver(b"bytes ")
    writer._deliver("text\n")
    end = producerFinished()
    writer._deliver(end, "control")
    run_until_idle(writer, outside, scheduler=sched)
    assert path.read_bytes() == b"bytes text\n" and outside.ctl == [end]
    text = tmp_path / "out.txt"
    writer = SimpleFileWriter(str(text), mode="w")
    writer._deliver(b"caf\xc3\xa9")
    writer._deliver(shutdownMicroprocess(), "control")
    run_until_idle(writer, scheduler=sched)
    assert text.read_text() == "café" and writer.written == 1
