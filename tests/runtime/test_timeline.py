"""The timeline model: lifelines and messages of a run from its events alone."""

from __future__ import annotations

import pytest

from tests.runtime.test_live_model import echo_session, program_graph
from tests.runtime.timeline_events import Events
from workbench.runtime.live_model import LiveModel
from workbench.runtime.timeline import GROUPS, TimelineModel

pytestmark = pytest.mark.timeout(30)

SRC, DST = (1, "Source#1"), (2, "Sink#2")


def test_an_echo_run_gives_lifelines_in_column_order_and_csa_bars():
    events, _middle = echo_session(3)
    live = LiveModel(undeclared=program_graph)  # each component gets a node, as for a program
    live.apply(events)
    timeline = TimelineModel(live.entities)
    timeline.feed(events)
    columns = timeline.columns()
    names = [line.class_name for line in columns]
    assert names[:3] == ["ServerCore", "TCPServer", "Selector"]
    assert [line.group for line in columns[:3]] == [GROUPS["design"], GROUPS["server"],
                                                    GROUPS["service"]]  # fmt: skip
    after = columns[3:]
    pairs = [(a.class_name, b.class_name) for a, b in zip(after[::2], after[1::2], strict=True)]
    assert pairs == [("ConnectedSocketAdapter", "Echo")] * 3  # each handler beside its CSA
    csas = [line for line in columns if line.kind == "connection"]
    assert [c.arrival for c in csas] == sorted(c.arrival for c in csas)  # order of arrival
    for csa in csas:
        handler = timeline.lines[csa.partner]
        assert handler.partner == csa.cid and handler.peer == csa.peer != ""
        opened = timeline.message(csa.opened)
        closed = timeline.message(csa.closed)
        assert opened.msg_type == "newCSA" and opened.extra["object"] == csa.cid
        assert closed.msg_type == "shutdownCSA" and closed.extra["object"] == csa.cid
        assert csa.first <= csa.opened < csa.spawned < csa.closed  # newCSA precedes the spawn
        assert csa.ended is not None and csa.state == "finished"
    delivered = [e for e in events if e.kind == "delivered"]
    assert [m.seq for m in timeline.messages] == [e.seq for e in delivered]  # event order
    assert timeline.total == len(delivered)


def test_a_crash_ends_the_lifeline_in_the_crashed_state():
    ev = Events()
    timeline = TimelineModel()
    timeline.feed([ev.spawned(*SRC), ev.spawned(*DST), ev.sent(SRC, "outbox", DST, "inbox")])
    timeline.feed([ev.ended(*DST, kind="crashed", traceback="Traceback...\nValueError: boom")])
    sink = timeline.lines[2]
    assert sink.state == "crashed" and sink.ended == 1 and "boom" in sink.traceback
    assert timeline.lines[1].ended is None


def test_messages_from_components_never_spawned_get_lifelines_too():
    ev = Events()
    timeline = TimelineModel()
    timeline.feed([ev.sent(SRC, "outbox", DST, "inbox")])
    assert set(timeline.lines) == {1, 2} and timeline.lines[1].spawned is None
    timeline.feed([ev.spawned(*SRC, peer="127.0.0.1:5")])
    assert timeline.lines[1].kind == "connection" and timeline.lines[1].spawned == 1


def test_memory_is_bounded_and_what_was_forgotten_is_counted():
    ev = Events()
    timeline = TimelineModel(max_messages=1000)
    timeline.feed([ev.spawned(*SRC), ev.spawned(*DST)])
    for _ in range(5):
        timeline.feed([ev.sent(SRC, "outbox", DST, "inbox", value=f"{i}") for i in range(1000)])
    assert len(timeline.messages) <= 1000
    assert timeline.forgotten + len(timeline.messages) == 5000 == timeline.total
    assert timeline.messages[-1].value == "999"
    assert timeline.message(timeline.forgotten - 1) is None


def test_ended_lifelines_are_forgotten_with_their_messages():
    ev = Events()
    timeline = TimelineModel(max_messages=100)
    gone = (3, "Gone#3")
    timeline.feed([ev.spawned(*gone), ev.sent(gone, "outbox", DST, "inbox"), ev.ended(*gone)])
    timeline.feed([ev.sent(SRC, "outbox", DST, "inbox", value=str(i)) for i in range(200)])
    assert 3 not in timeline.lines and {1, 2} <= set(timeline.lines)


def test_a_counted_event_stands_for_many():
    ev = Events()
    timeline = TimelineModel()
    timeline.feed([ev.sent(SRC, "outbox", DST, "inbox", kind="counted", extra={"n": 40})])
    assert timeline.total == 40 and len(timeline.messages) == 1


def test_serial_of_seq_finds_kept_messages():
    ev = Events()
    timeline = TimelineModel()
    batch = [ev.spawned(*SRC), *(ev.sent(SRC, "outbox", DST, "inbox") for _ in range(3))]
    timeline.feed(batch)
    assert timeline.serial_of_seq(batch[2].seq) == 1
    assert timeline.serial_of_seq(batch[0].seq) is None  # a spawn is no message
    assert timeline.serial_of_seq(batch[0].seq, exact=False) == 0


def test_a_bad_bound_is_refused():
    with pytest.raises(ValueError, match="at least one message"):
        TimelineModel(max_messages=0)


def test_components_running_before_the_timeline_looked_are_adopted():
    events, middle = echo_session(2)
    live = LiveModel()
    live.apply(events[:middle])
    timeline = TimelineModel(live.entities)
    timeline.adopt(live.entities.values())
    timeline.feed(events[middle:])
    tcp = next(line for line in timeline.lines.values() if line.class_name == "TCPServer")
    assert tcp.kind == "server" and tcp.spawned == 0 and tcp.category == "Internet"
    csas = [line for line in timeline.columns() if line.kind == "connection"]
    assert len(csas) == 2 and all(timeline.lines[c.partner].partner == c.cid for c in csas)
