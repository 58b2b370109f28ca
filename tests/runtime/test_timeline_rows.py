"""The timeline's rows: filtered, repeats collapsed, placed in time, tallied for density."""

from __future__ import annotations

import pytest

from tests.runtime.timeline_events import Events
from workbench.runtime.timeline import TimelineModel
from workbench.runtime.timeline_rows import BLOCKS, TimelineRows

SRC, DST, OTHER = (1, "Source#1"), (2, "Sink#2"), (3, "Other#3")


def kind(msg_type: str) -> str:
    return {"newCSA": "new", "shutdownCSA": "closing"}.get(msg_type, "data")


def fed(*batches) -> tuple[TimelineModel, TimelineRows]:
    model = TimelineModel()
    for batch in batches:
        model.feed(batch)
    rows = TimelineRows(model, classify=kind)
    rows.update()
    return model, rows


def test_identical_consecutive_messages_share_one_row():
    ev = Events()
    same = [ev.sent(SRC, "outbox", DST, "inbox", value="'tick'") for _ in range(5)]
    other = ev.sent(DST, "outbox", SRC, "inbox", value="'tock'")
    again = [ev.sent(SRC, "outbox", DST, "inbox", value="'tick'") for _ in range(2)]
    _model, rows = fed([*same, other, *again])
    assert rows.count == [5, 1, 2] and rows.serial == [0, 5, 6] and rows.last == [4, 5, 7]
    rows.configure(collapse=False)
    rows.update()
    assert rows.count == [1] * 8


def test_a_different_value_or_type_breaks_the_run():
    ev = Events()
    batch = [ev.sent(SRC, "outbox", DST, "inbox", value=v) for v in ("'a'", "'a'", "'b'")]
    batch.append(ev.sent(SRC, "outbox", DST, "inbox", msg_type="bytes", value="'b'"))
    _model, rows = fed(batch)
    assert rows.count == [2, 1, 1]


def test_filtering_hides_messages_and_collapses_what_becomes_consecutive():
    ev = Events()
    batch = []
    for i in range(4):
        batch.append(ev.sent(SRC, "outbox", DST, "inbox", msg_type="newCSA", value="'n'"))
        batch.append(ev.sent(DST, "outbox", OTHER, "inbox", value=f"'{i}'"))
    _model, rows = fed(batch)
    assert len(rows) == 8
    rows.configure(predicate=lambda e: e.msg_type == "newCSA")
    rows.update()
    assert rows.count == [4] and rows.involved == {1, 2}
    assert rows.row_of(2) == (0, True)  # the third newCSA is in the collapsed row
    assert rows.row_of(3) == (0, False)  # a hidden data message: the nearest row


def test_rows_are_in_event_order_and_gaps_in_time_add_space():
    ev = Events()
    first = [ev.sent(SRC, "outbox", DST, "inbox", value=str(i)) for i in range(3)]
    ev.t += 5.0
    later = ev.sent(SRC, "outbox", DST, "inbox", value="'late'")
    _model, rows = fed([*first, later])
    assert [e.seq for e in rows.first] == [e.seq for e in [*first, later]]
    steps = [b - a for a, b in zip(rows.pos, rows.pos[1:], strict=False)]
    assert steps[0] == steps[1] == pytest.approx(1.0) and steps[2] > 3.0
    rows.configure(spacing="time")
    rows.update()
    assert rows.pos[3] - rows.pos[2] == pytest.approx(5.0 / 0.01, rel=0.01)


def test_a_lifeline_event_is_placed_between_its_rows():
    ev = Events()
    batch = [ev.sent(SRC, "outbox", DST, "inbox", value=str(i)) for i in range(4)]
    _model, rows = fed(batch)
    assert rows.pos_at(2) == pytest.approx(1.5)
    assert rows.pos_at(99) == pytest.approx(3.5)


def test_the_update_budget_takes_a_backlog_in_steps():
    ev = Events()
    model = TimelineModel()
    model.feed([ev.sent(SRC, "outbox", DST, "inbox", value=str(i)) for i in range(250)])
    rows = TimelineRows(model)
    assert rows.update(100) and len(rows) == 100 and rows.behind == 150
    assert not rows.update(1000) and len(rows) == 250


def test_aggregate_counts_every_message_and_visits_a_bounded_number_of_entries():
    ev = Events()
    batch = []
    for i in range(20_000):
        src, dst = (SRC, DST) if i % 3 else (DST, OTHER)
        batch.append(ev.sent(src, "outbox", dst, "inbox", value=str(i)))
    _model, rows = fed(batch)
    out: dict = {}
    visits = rows.aggregate(7, 19_993, out)
    assert sum(out.values()) == 19_993 - 7
    assert set(out) == {(1, 2, "data"), (2, 3, "data")}
    assert visits <= 4 * BLOCKS[0] + (19_993 - 7) // BLOCKS[1] + 2


def test_forgotten_messages_take_their_rows_with_them():
    ev = Events()
    model = TimelineModel(max_messages=3000)
    rows = TimelineRows(model)
    for _ in range(10):
        model.feed([ev.sent(SRC, "outbox", DST, "inbox", value=str(i)) for i in range(1000)])
        rows.update()
    assert len(rows) <= 3000 + BLOCKS[-1]
    assert rows.offset % BLOCKS[-1] == 0 and rows.offset > 0
    out: dict = {}
    rows.aggregate(0, len(rows), out)
    assert sum(out.values()) == len(rows)  # the tallies were trimmed in step


def test_a_bad_spacing_is_refused():
    with pytest.raises(ValueError, match="spacing is one of order, time"):
        TimelineRows(TimelineModel(), spacing="log")
