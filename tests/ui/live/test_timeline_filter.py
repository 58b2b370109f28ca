"""The timeline's filter: the message log's syntax, matched as the log matches its rows."""

from __future__ import annotations

from tests.runtime.timeline_events import Events
from workbench.runtime.timeline import TimelineModel
from workbench.ui.live.timeline_filter import TimelineFilter

CSA, ECHO = (3, "ConnectedSocketAdapter#3"), (4, "Echo#4")
TCP, CORE = (2, "TCPServer#2"), (1, "ServerCore#1")


def messages():
    ev = Events()
    model = TimelineModel()
    batch = [
        ev.spawned(*CSA, peer="127.0.0.1:51234"),
        ev.sent(TCP, "protocolHandlerSignal", CORE, "_socketactivity", "newCSA", "newCSA(...)",
                extra={"object": 3}),
        ev.sent(CSA, "outbox", ECHO, "inbox", "bytes", "b'hello'"),
        ev.sent(ECHO, "signal", CSA, "control", "producerFinished", "producerFinished()"),
    ]  # fmt: skip
    model.feed(batch)
    return model, model.messages


def shown(model, text, category="all"):
    flt = TimelineFilter(text, category, model)
    return [m.msg_type for m in model.messages if flt.accepts(m)]


def test_terms_and_free_words_match_like_the_log():
    model, _ = messages()
    assert shown(model, "type:newCSA") == ["newCSA"]
    assert shown(model, "comp:CSA#3") == ["bytes", "producerFinished"]  # short names
    assert shown(model, "box:_socket*") == ["newCSA"]  # globs
    assert shown(model, "conn:51234") == ["bytes", "producerFinished"]  # the CSA's peer
    assert shown(model, "hello") == ["bytes"]
    assert shown(model, "src:echo#4.signal") == ["producerFinished"]


def test_the_category_chips_filter_too():
    model, _ = messages()
    assert shown(model, "", "lifecycle") == ["newCSA"]
    assert shown(model, "", "control") == ["producerFinished"]
    assert shown(model, "", "data") == ["bytes"]
    assert TimelineFilter("", "all", model).predicate() is None  # no filter: no predicate


def test_a_component_term_names_lifelines_even_without_messages():
    model, _ = messages()
    flt = TimelineFilter("comp:echo*", "all", model)
    echo = model.lines[4]
    assert flt.shows_lifeline(echo, "Echo#4") and not flt.shows_lifeline(model.lines[2], "TCP")
