"""The selection hub: one selection handed from the view it was made in to every other one."""

from __future__ import annotations

from types import SimpleNamespace

from workbench.ui.live.selection import SelectionHub


def test_a_selection_reaches_every_member_but_its_origin(qtbot):
    hub = SelectionHub()
    seen: list[tuple[str, object]] = []
    for name in ("canvas", "log", "timeline"):
        hub.join(name, on_event=lambda ev, n=name: seen.append((n, ev.seq)),
                 on_components=lambda cids, n=name: seen.append((n, cids)))  # fmt: skip
    with qtbot.waitSignal(hub.event_selected) as signal:
        hub.select_event(SimpleNamespace(seq=7), "log")
    assert sorted(seen) == [("canvas", 7), ("timeline", 7)] and signal.args[1] == "log"
    seen.clear()
    hub.select_components({3, 4}, "canvas")
    assert sorted(seen, key=str) == [("log", {3, 4}), ("timeline", {3, 4})]
    assert hub.components == {3, 4} and hub.event.seq == 7


def test_a_member_that_selects_in_answer_starts_no_second_round():
    hub = SelectionHub()
    calls: list[str] = []

    def echo_back(ev):
        calls.append("timeline")
        hub.select_event(ev, "timeline")  # as a view whose own selection signal fires

    hub.join("timeline", on_event=echo_back)
    hub.join("log", on_event=lambda _ev: calls.append("log"))
    hub.select_event(SimpleNamespace(seq=1), "canvas")
    assert calls == ["timeline", "log"]


def test_leaving_stops_the_calls_and_a_newer_member_of_the_same_name_stays():
    hub = SelectionHub()
    calls: list[str] = []
    leave_old = hub.join("canvas", on_event=lambda _ev: calls.append("old"))
    hub.join("canvas", on_event=lambda _ev: calls.append("new"))  # the next run's canvas
    leave_old()
    hub.select_event(SimpleNamespace(seq=1), "log")
    assert calls == ["new"]
    hub.leave("canvas")
    hub.select_event(SimpleNamespace(seq=2), "log")
    assert calls == ["new"]
