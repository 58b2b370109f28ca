"""The check vocabulary and the step walker, on plain Facts: no run, no window, no Qt."""

from __future__ import annotations

from collections import Counter

import pytest

from workbench.model.lesson_progress import LessonProgress
from workbench.model.lesson_steps import (
    CHECKS,
    Check,
    CheckError,
    Facts,
    Step,
    parse_check,
    who_key,
)

GRAPH = "/lessons/echo_server.kgraph.json"


def facts(**fields) -> Facts:
    out = Facts()
    for key, value in fields.items():
        current = getattr(out, key)
        setattr(out, key, Counter(value) if isinstance(current, Counter) else value)
    return out


# (check text, facts that satisfy it, facts that do not)
CASES = [
    ("graph-loaded", facts(document=GRAPH), facts(document="/other.kgraph.json")),
    ("node-added", facts(nodes_added={"*": 1}), facts()),
    ("node-added My components 2", facts(nodes_added={"my components": 2, "*": 2}),
     facts(nodes_added={"my components": 1, "*": 5})),
    ("link-added shout", facts(links_added={"shout": 1}), facts(links_added={"words": 3})),
    ("param-set upper.function", facts(params_set={"upper.function"}),
     facts(params_set={"upper.name"})),
    ("run-started", facts(run_state="paused"), facts(run_state="stopped")),
    ("run-paused", facts(run_state="paused"), facts(run_state="running")),
    ("run-stopped", facts(runs_started=1, run_state="stopped"),
     facts(runs_started=0, run_state="idle")),
    ("run-finished", facts(finished=True), facts(run_state="finished", finished=False)),
    ("listening", facts(listening=1), facts()),
    ("connections-accepted 3", facts(accepted=3), facts(accepted=2)),
    ("connections-live 2", facts(live_connections=2), facts(live_connections=1, accepted=5)),
    ("connection-closed", facts(closed=1), facts(accepted=4)),
    ("delivered newCSA 2", facts(delivered={"newCSA": 2}), facts(delivered={"newCSA": 1})),
    ("received results 3", facts(received={"results": 3}), facts(received={"results": 2})),
    ("paused-at newCSA", facts(run_state="paused", last_delivery="newCSA"),
     facts(run_state="running", last_delivery="newCSA")),
    ("breakpoint-set shutdownCSA", facts(breakpoints=["newCSA", "shutdownCSA"]),
     facts(breakpoints=["newCSA"])),
    ("breakpoint-set", facts(breakpoints=[""]), facts(breakpoints=[])),
    ("breakpoint-hit shutdownCSA", facts(hits={"shutdownCSA": 1}), facts(hits={"newCSA": 1})),
    ("breakpoint-hit", facts(hits={"bytes": 1}), facts()),
    ("crashed upper", facts(crashed={"upper": 1}), facts(crashed={"line": 1})),
    ("crashed", facts(crashed={"*": 1}), facts()),
    ("log-filter type:producerFinished", facts(log_filter="  TYPE:producerfinished box:x"),
     facts(log_filter="type:newCSA")),
    ("components-loaded", facts(components_loaded=1), facts(components_loaded=2,
                                                            components_error="x.py, line 3")),
    ("components-error", facts(components_error="x.py, line 3: SyntaxError"), facts()),
]  # fmt: skip


def test_every_check_of_the_vocabulary_is_tested():
    assert {text.split()[0] for text, _yes, _no in CASES} == set(CHECKS)


@pytest.mark.parametrize(("text", "yes", "no"), CASES, ids=[c[0] for c in CASES])
def test_each_check_holds_exactly_when_its_facts_say_so(text: str, yes: Facts, no: Facts):
    check = parse_check(text)
    assert check.holds(yes, GRAPH)
    assert not check.holds(no, GRAPH)
    assert check.describe() and check.source == text


def test_arguments_are_read_by_the_usage_of_each_check():
    check = parse_check("delivered   newCSA   2")
    assert (check.name, check.type, check.count, check.source) == (
        "delivered", "newCSA", 2, "delivered newCSA 2")  # fmt: skip
    assert parse_check("node-added My  components").who == "My components"
    assert parse_check("connections-live").count == 1
    assert parse_check("log-filter conn: 5123").text == "conn: 5123"
    assert parse_check("param-set upper.function").text == "upper.function"
    assert CHECKS["delivered"].args == ["TYPE", "N?"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "one of: graph-loaded"),
        ("conection-closed", "did you mean 'connection-closed'"),
        ("xyzzy", "unknown check 'xyzzy'; (the checks: graph-loaded"),
        ("delivered", "needs a message type: 'delivered TYPE [N]'"),
        ("delivered 3", "needs a message type"),
        ("delivered new-CSA", "'new-CSA' is not a message type name"),
        ("delivered newCSA 0", "a count is 1 or more, not 0"),
        ("delivered newCSA twice", "unexpected 'twice'"),
        ("run-started now", "unexpected 'now' (it takes no arguments)"),
        ("received", "needs a component (class, node name or category)"),
        ("log-filter", "needs text"),
        ("param-set upper", "needs node.param"),
    ],
)
def test_bad_checks_say_what_is_wrong(text: str, message: str):
    with pytest.raises(CheckError) as info:
        parse_check(text)
    assert message in str(info.value)


def test_who_keys_ignore_case_and_spacing():
    assert who_key("  My   Components ") == "my components"
    assert parse_check("crashed PureTransformer").holds(facts(crashed={"puretransformer": 1}))


def test_counting_checks_say_how_far_they_are():
    check = parse_check("connections-accepted 3")
    assert check.measure(facts(accepted=1)) == (1, 3)
    assert check.measure(facts(accepted=3)) is None  # met
    assert parse_check("run-started").measure(facts()) is None  # not a count
    assert check.describe() == "3 connections accepted"
    assert parse_check("connection-closed").describe() == "1 connection closed"


def step(*checks: str, text: str = "do it") -> Step:
    return Step(text, tuple(parse_check(c) for c in checks))


def test_steps_tick_in_order_and_what_already_holds_ticks_at_once():
    progress = LessonProgress(
        [step("graph-loaded"), step("run-started", "listening"), step("connections-accepted")],
        GRAPH,
    )
    running = facts(document=GRAPH, run_state="running")
    assert progress.update(facts(run_state="running", listening=1)) == []  # not in order
    assert progress.update(running) == [0] and progress.current == 1  # needs both checks
    assert progress.update(facts(document=GRAPH, run_state="running", listening=1,
                                 accepted=1)) == [1, 2]  # fmt: skip
    assert progress.complete and progress.current == 2


def test_next_previous_and_reset_move_without_ticking():
    progress = LessonProgress([step("listening"), step("run-paused"), step("crashed")])
    progress.next()
    progress.next()
    progress.next()  # clamped
    assert progress.current == 2 and progress.done == set()
    assert progress.update(facts(crashed={"*": 1})) == [2]
    assert progress.current == 0  # back to the first step not done
    progress.go_to(2)
    assert progress.update(facts()) == []  # a done step is not checked again
    progress.previous()
    assert progress.current == 1
    progress.reset()
    assert (progress.done, progress.current, progress.complete) == (set(), 0, False)


def test_state_round_trips_and_bad_saved_state_is_clamped():
    steps = [step("listening"), step("run-paused")]
    progress = LessonProgress(steps, done=[0, 7, -1], current=9)
    assert progress.state() == {"done": [0], "current": 1}
    assert LessonProgress(steps, **progress.state()).state() == progress.state()
    empty = LessonProgress([])
    assert not empty.complete and empty.update(facts()) == [] and empty.current == 0


def test_a_new_run_forgets_the_last_runs_facts_but_not_the_designs():
    f = facts(accepted=3, delivered={"newCSA": 2}, nodes_added={"*": 1}, finished=True,
              breakpoints=["newCSA"], last_delivery="bytes")  # fmt: skip
    f.new_run()
    assert (f.accepted, f.delivered, f.finished, f.breakpoints, f.last_delivery) == (
        0, Counter(), False, [], "")  # fmt: skip
    assert f.nodes_added == Counter({"*": 1}) and f.runs_started == 1


def test_a_step_holds_when_all_its_checks_do():
    both = step("run-started", "listening")
    assert not both.holds(facts(run_state="running"))
    assert both.holds(facts(run_state="running", listening=1))
    assert isinstance(both.checks[0], Check)
