"""Replaying a recording: the same events, the same picture, on the replay's own clock."""

from __future__ import annotations

import json

import pytest

from kamaelia_core.testing import ManualClock
from tests.runtime.test_live_model import echo_session, program_graph
from workbench.runtime.live_model import LiveModel
from workbench.runtime.recorder import RecordingError, event_to_json
from workbench.runtime.replay import Replay

pytestmark = pytest.mark.timeout(30)


def write_recording(path, events, graph=None, title="echo"):
    header = {"format": "kamaelia-recording", "version": 1, "title": title, "graph": graph}
    lines = [json.dumps(header)] + [json.dumps(event_to_json(ev)) for ev in events]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def replay_of(path, events) -> tuple[Replay, ManualClock]:
    """A replay of ``events``, recorded to ``path``, on a manual clock (programs drawn)."""
    write_recording(path, events)
    clock = ManualClock()
    replay = Replay(path, clock=clock)
    replay.model.placer.undeclared = program_graph
    return replay, clock


@pytest.fixture(scope="module")
def recorded():
    events, _ = echo_session(3)
    live = LiveModel(undeclared=program_graph)
    live.apply(events)
    return events, live.picture()


def test_a_replay_plays_on_its_clock_and_ends_with_the_live_picture(tmp_path, recorded):
    events, picture = recorded
    replay, clock = replay_of(tmp_path / "r.jsonl", events)
    assert replay.title == "echo" and replay.graph_data is None
    assert replay.duration == pytest.approx(events[-1].t - events[0].t)
    replay.start()
    first = replay.pump()
    assert first == sum(1 for ev in events if ev.t == events[0].t)  # only what is due
    replay.set_speed(10.0)
    clock.advance(replay.duration / 20)  # half of it, at 10x
    replay.pump(None)
    shown = replay.events_shown
    assert 0 < shown < len(events)
    assert replay.position == pytest.approx(replay.duration / 2, rel=0.01, abs=1e-3)
    clock.advance(replay.duration)  # past the end
    while replay.pump():
        pass
    assert replay.finished and replay.state == "finished"
    assert replay.model.picture() == picture


def test_pause_step_and_seek(tmp_path, recorded):
    events, picture = recorded
    replay, clock = replay_of(tmp_path / "r.jsonl", events)
    replay.start()
    replay.pause()
    at_start = replay.pump()  # what was recorded at the very start is due at once
    clock.advance(100.0)
    assert replay.pump() == 0  # paused: the clock holds
    assert replay.step() == 1 and replay.step() == 1
    assert replay.events_shown == at_start + 2
    assert replay.seek(replay.duration) is False  # forwards: the same run goes on
    while replay.pump():
        pass
    assert replay.events_shown == len(events)
    assert replay.model.picture() == picture
    old_model = replay.model
    assert replay.seek(0.0) is True  # backwards: a fresh run (views attach again)
    assert replay.model is not old_model and replay.events_shown == 0


def test_bad_recordings_are_refused_clearly(tmp_path):
    (tmp_path / "not.jsonl").write_text("hello\n", encoding="utf-8")
    with pytest.raises(RecordingError, match=r"not.jsonl:1: not a recording"):
        Replay(tmp_path / "not.jsonl")
    newer = {"format": "kamaelia-recording", "version": 99}
    (tmp_path / "new.jsonl").write_text(json.dumps(newer) + "\n", encoding="utf-8")
    with pytest.raises(RecordingError, match="newer than this workbench reads"):
        Replay(tmp_path / "new.jsonl")
    (tmp_path / "cut.jsonl").write_text(
        json.dumps({"format": "kamaelia-recording", "version": 1}) + '\n{"seq": 1\n',
        encoding="utf-8",
    )
    with pytest.raises(RecordingError, match=r"cut.jsonl:2: not JSON"):
        Replay(tmp_path / "cut.jsonl")
    with pytest.raises(FileNotFoundError):
        Replay(tmp_path / "missing.jsonl")
