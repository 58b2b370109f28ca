"""Recorder: every event to JSONL, and a Chrome trace with tracks, spans and flows."""

import json

import pytest

from tests.runtime.fakes import Double, Explode, Keep, Numbers, cid, fake_catalog
from workbench.model.graph import Graph
from workbench.runtime.recorder import (
    Recorder,
    read_events,
    to_chrome_trace,
    write_chrome_trace,
)
from workbench.runtime.session import Session


def small_session():
    g = Graph()
    a = g.add_node(cid(Numbers), name="nums", params={"count": 3})
    b = g.add_node(cid(Double), name="double")
    c = g.add_node(cid(Keep), name="keep")
    boom = g.add_node(cid(Explode), name="boom")
    for src, dst in ((a, b), (b, c)):
        g.add_link((src.id, "outbox"), (dst.id, "inbox"))
        g.add_link((src.id, "signal"), (dst.id, "control"))
    n2 = g.add_node(cid(Numbers), name="n2", params={"count": 1})
    g.add_link((n2.id, "outbox"), (boom.id, "inbox"))
    return Session(g, fake_catalog())


@pytest.mark.expect_errors(match=r"Explode#\d+ crashed")
def test_recording_round_trips_every_event(tmp_path):
    session = small_session()
    seen = []
    session.events.subscribe(seen.extend)
    path = tmp_path / "run.jsonl"
    with Recorder(session.events, path) as recorder:
        session.start()
        session.run_for(5.0)
        session.stop()
    events = list(read_events(path))
    assert recorder.count == len(seen) == len(events)
    assert events == seen
    assert any(e.kind == "crashed" for e in events)


@pytest.mark.expect_errors(match=r"Explode#\d+ crashed")
def test_chrome_trace_has_tracks_spans_flows_and_crash(tmp_path):
    session = small_session()
    path = tmp_path / "run.jsonl"
    with Recorder(session.events, path):
        session.start()
        session.run_for(5.0)
        session.stop()
    events = list(read_events(path))
    trace = to_chrome_trace(events)["traceEvents"]
    names = {e["args"]["name"] for e in trace if e["ph"] == "M"}
    assert any(n.startswith("Keep#") for n in names)
    deliveries = sum(1 for e in events if e.kind == "delivered")
    assert sum(1 for e in trace if e["ph"] == "s") == deliveries
    assert sum(1 for e in trace if e["ph"] == "f") == deliveries
    crash = [e for e in trace if e["ph"] == "X" and e.get("cat") == "crashed"]
    assert crash and "ValueError" in crash[0]["args"]["traceback"]
    out = tmp_path / "trace.json"
    assert write_chrome_trace(events, out) == len(trace)
    assert json.loads(out.read_text())["traceEvents"]


def test_bad_recording_line_is_named(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"note": "dropped", "count": 1}\n{not json\n')
    with pytest.raises(ValueError, match=r"bad.jsonl:2: not JSON"):
        list(read_events(path))
