"""Planning a comic strip: moments from seconds or @SEQ, panels evenly spaced or one per step."""

from __future__ import annotations

import pytest

from kamaelia_core.instrument import Event
from workbench.ui.comic_plan import (
    Bound,
    ComicError,
    Planner,
    check_layout,
    is_step,
    parse_bound,
    parse_range,
)


def ev(seq, t, kind="delivered", name="A#1", box="outbox", sink="B#2", sink_box="inbox",
       msg="str"):  # fmt: skip
    delivery = kind in ("delivered", "linked")
    return Event(seq, 100.0 + t, kind, seq, name, box if delivery else "",
                 2 if delivery else 0, sink if delivery else "", sink_box if delivery else "",
                 msg if kind == "delivered" else "", "'x'", None)  # fmt: skip


def busy_run():
    """Ten seconds: a spawn at 0, data every 0.5 s, a newCSA at 3, a crash at 6, an end at 10."""
    events = [ev(1, 0.0, "spawned", "ServerCore#1")]
    seq = 2
    for i in range(1, 20):
        events.append(ev(seq, i * 0.5, msg="bytes"))
        seq += 1
        if i == 6:
            new_csa = ev(seq, 3.0, name="TCPServer#3", box="protocolHandlerSignal",
                         sink="ServerCore#1", sink_box="_socketactivity", msg="newCSA")  # fmt: skip
            events.append(new_csa)
            seq += 1
        if i == 12:
            events.append(ev(seq, 6.0, "crashed", "Echo#7"))
            seq += 1
    events.append(ev(seq, 10.0, "stopped", "ServerCore#1"))
    return events


@pytest.mark.parametrize(
    ("text", "bound"),
    [
        ("2.5", Bound(seconds=2.5)),
        (" 3s ", Bound(seconds=3.0)),
        ("@120", Bound(seq=120)),
        (1, Bound(seconds=1.0)),
        ("", None),
        (None, None),
    ],
)
def test_a_moment_is_seconds_or_an_event_number(text, bound):
    assert parse_bound(text) == bound


def test_a_range_has_two_sides_either_may_be_empty():
    assert parse_range("1.5:@40") == (Bound(seconds=1.5), Bound(seq=40))
    assert parse_range(":3") == (None, Bound(seconds=3.0))
    assert parse_range(":") == (None, None)


@pytest.mark.parametrize(
    ("text", "message"),
    [("soon:3", "not 'soon'"), ("1-3", "a range is FROM:TO"), ("@x:4", "not '@x'")],
)
def test_bad_moments_and_ranges_are_refused_with_what_works(text, message):
    with pytest.raises(ComicError, match=message):
        parse_range(text)


@pytest.mark.parametrize(
    ("panels", "columns", "message"),
    [
        (0, 1, "2 to 12 panels, not 0"),
        (13, 3, "2 to 12 panels, not 13"),
        (True, 1, "whole number"),
        (4, 0, "columns must be 1 to 4"),
        (4, 5, "columns must be 1 to 4"),
    ],
)
def test_panel_and_column_counts_are_bounded(panels, columns, message):
    with pytest.raises(ComicError, match=message):
        check_layout(panels, columns)


def test_panels_are_evenly_spaced_from_start_to_end_when_there_are_many_steps():
    events = busy_run()
    planner = Planner(events)
    assert planner.duration == pytest.approx(10.0)
    moments = planner.plan(None, None, 2)  # 4 steps > 2 panels: evenly spaced
    assert [m.t for m in moments] == [0.0, pytest.approx(10.0)]
    assert [m.index for m in moments] == [1, len(events)]
    assert moments[0].what == "spawned" and moments[0].where == "ServerCore#1"
    # the last panel tells the crash (the most telling step since the panel before), and
    # how many steps happened since then
    assert moments[1].what == "crashed" and moments[1].token_kind == "crashed"
    assert moments[1].steps == 3


def test_a_lifecycle_message_is_told_before_a_component_coming_or_going():
    planner = Planner(busy_run())
    first, second = planner.plan(Bound(seconds=2.0), Bound(seconds=5.0), 2)
    assert second.what == "newCSA" and second.token_kind == "new"
    assert second.where == "TCPServer#3.protocolHandlerSignal → ServerCore#1._socketactivity"
    assert first.what == "bytes" and first.steps == 0  # no step before it: the last log row


def test_with_fewer_steps_than_panels_there_is_one_panel_per_step():
    events = busy_run()
    moments = Planner(events).plan(None, None, 6)
    steps = [e for e in events[1:] if is_step(e)]
    assert [m.event for m in moments] == steps  # newCSA, crashed, stopped
    assert [m.t for m in moments] == sorted(m.t for m in moments)
    assert [m.what for m in moments] == ["newCSA", "crashed", "stopped"]


def test_one_step_in_the_range_shows_the_start_and_that_step():
    moments = Planner(busy_run()).plan(Bound(seconds=2.0), Bound(seconds=4.0), 5)
    assert len(moments) == 2
    assert moments[0].t == 2.0 and moments[1].what == "newCSA"
    assert moments[1].t == pytest.approx(3.0)


def test_event_numbers_bound_a_range_exactly():
    events = busy_run()
    moments = Planner(events).plan(Bound(seq=9), Bound(seq=14), 3)  # data only: evenly spaced
    assert [m.index for m in moments] == [9, 11, 14]
    assert moments[0].event.seq == 9 and moments[-1].event.seq == 14
    assert moments[-1].t == pytest.approx(events[13].t - 100.0)


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (Bound(seconds=12.0), None, r"12 s is outside the recording \(0 to 10 s"),
        (None, Bound(seconds=-1.0), "outside the recording"),
        (Bound(seq=999), None, "event @999 is not in the recording"),
        (Bound(seconds=6.0), Bound(seconds=2.0), "empty or backwards"),
        (Bound(seconds=2.0), Bound(seconds=2.0), "empty or backwards"),
    ],
)
def test_a_range_outside_the_recording_is_refused(start, end, message):
    with pytest.raises(ComicError, match=message):
        Planner(busy_run()).plan(start, end, 4)


def test_a_recording_without_events_is_refused():
    with pytest.raises(ComicError, match="holds no events"):
        Planner([])
