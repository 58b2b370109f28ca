"""Lesson steps: what a lesson asks the user to do, and the facts that say it has been done.

Sits between the lesson files and the lesson engine. ``workbench.model.lessons`` reads a lesson's
"## Steps" section into :class:`Step` records whose checks come from a small closed vocabulary
(:data:`CHECKS`); the engine (``workbench.runtime.lesson_facts``) keeps one :class:`Facts` record
true to the window's document, run and live model; ``workbench.model.lesson_progress`` walks
the steps in order, ticking the current one when all its checks hold. A check is a predicate
over ``Facts`` alone: no window, no run and no Qt are needed to test one. docs/LESSONS.md is
the reference.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "CHECKS",
    "SHOW_TARGETS",
    "Check",
    "CheckError",
    "CheckKind",
    "Facts",
    "Step",
    "parse_check",
]

_TYPE = re.compile(r"^[A-Za-z_][\w.]*$")
_PARAM = re.compile(r"^[^.\s]+\.[^.\s]+$")

SHOW_TARGETS = {
    "run": "the Run button",
    "pause": "the Pause button",
    "step": "the Step button",
    "stop": "the Stop button",
    "traffic": "the Traffic button",
    "speed": "the speed slider",
    "log-filter": "the message log's filter",
    "palette": "the palette",
    "inspector": "the Inspector",
    "canvas": "the canvas",
    "components": "the My components editor",
}
"""What a step's ``show:`` line may point at ("Show me" flashes it)."""


class CheckError(ValueError):
    """A check line that is not in the vocabulary or has bad arguments; the message says why."""


def who_key(text: str) -> str:
    """How component names are compared: lower case, single spaces ("My  Components" ->
    "my components")."""
    return " ".join(text.lower().split())


@dataclass
class Facts:
    """What the app knows now, as the checks read it (kept up to date by the lesson engine).

    Counters keyed by component are keyed by :func:`who_key` of the class name, the design
    node's name and the palette category of each component, so ``crashed upper``, ``crashed
    PureTransformer`` and ``received My components`` all work.

    Attributes:
        document: The open document's resolved path, or None (untitled).
        run_state: "idle", "running", "paused", "stopped" or "finished".
        runs_started: Runs started since the engine began following.
        finished: The current (or last) run ended by itself.
        listening: Servers of the run listening.
        accepted, live_connections, closed: Connections of the run (the live model's counts).
        delivered: Deliveries of the run by message type.
        received: Messages that arrived in an ``inbox``, by component key.
        last_delivery: Message type of the last delivery the views show ("" before any).
        breakpoints: Message types of the run's breakpoints ("" for one on any message).
        hits: Breakpoint hits of the run by the message type that hit.
        crashed: Crashes of the run by component key.
        nodes_added: Nodes added to the design, by component key (since following).
        links_added: Links added to the design, by the component keys of either end.
        params_set: "node.param" (lower case) of parameters the user changed.
        log_filter: The message log's filter text.
        components_loads: Times the user's components were (re)loaded.
        components_loaded: Classes the last load brought in (0 when it failed).
        components_error: What went wrong in the last load ("" when it went well).
    """

    document: str | None = None
    run_state: str = "idle"
    runs_started: int = 0
    finished: bool = False
    listening: int = 0
    accepted: int = 0
    live_connections: int = 0
    closed: int = 0
    delivered: Counter[str] = field(default_factory=Counter)
    received: Counter[str] = field(default_factory=Counter)
    last_delivery: str = ""
    breakpoints: list[str] = field(default_factory=list)
    hits: Counter[str] = field(default_factory=Counter)
    crashed: Counter[str] = field(default_factory=Counter)
    nodes_added: Counter[str] = field(default_factory=Counter)
    links_added: Counter[str] = field(default_factory=Counter)
    params_set: set[str] = field(default_factory=set)
    log_filter: str = ""
    components_loads: int = 0
    components_loaded: int = 0
    components_error: str = ""

    def new_run(self) -> None:
        """Forget what the previous run did (a new one starts)."""
        self.runs_started += 1
        self.finished = False
        self.listening = self.accepted = self.live_connections = self.closed = 0
        self.delivered.clear()
        self.received.clear()
        self.hits.clear()
        self.crashed.clear()
        self.breakpoints = []
        self.last_delivery = ""


@dataclass(frozen=True)
class Check:
    """One check of a step, as written (``delivered newCSA 2``) and parsed.

    Attributes:
        name: The vocabulary word ("delivered").
        kind: Its definition.
        type: A message type argument ("newCSA"), or "".
        who: A component argument (a class name, a design node's name or a palette category,
            compared with :func:`who_key`), or "".
        text: A text argument (``log-filter``), or "".
        count: How many are needed (1 unless given).
        source: The text after ``check:``.
    """

    name: str
    kind: CheckKind
    type: str = ""
    who: str = ""
    text: str = ""
    count: int = 1
    source: str = ""

    def holds(self, facts: Facts, graph: str | None = None) -> bool:
        """Whether ``facts`` satisfy this check (``graph``: the lesson's graph path)."""
        return self.kind.test(facts, self, graph)

    def measure(self, facts: Facts) -> tuple[int, int] | None:
        """(have, need) for a counting check that is not met yet, else None."""
        if self.kind.measure is None:
            return None
        have = self.kind.measure(facts, self)
        return (have, self.count) if have < self.count else None

    def describe(self) -> str:
        """What the check waits for, for people ("3 connections accepted")."""
        return self.kind.describe(self)


@dataclass(frozen=True)
class CheckKind:
    """One word of the check vocabulary.

    Attributes:
        name: The word ("connections-accepted").
        usage: Its arguments as the docs write them ("[N]", "TYPE [N]", "[WHO]", "TEXT").
        summary: When it holds, in a sentence (docs/LESSONS.md lists these).
        test: ``(facts, check, lesson graph) -> bool``.
        describe: ``check -> str``, what it waits for.
        measure: ``(facts, check) -> int``, the count a counting check compares with ``count``.
    """

    name: str
    usage: str
    summary: str
    test: Callable[[Facts, Check, str | None], bool]
    describe: Callable[[Check], str]
    measure: Callable[[Facts, Check], int] | None = None

    @property
    def args(self) -> list[str]:
        """Argument slots: "TYPE", "WHO", "TEXT", "NODE.PARAM", "N" ("?" suffix: optional)."""
        out = []
        for word in self.usage.split():
            optional = word.startswith("[")
            out.append(word.strip("[]") + ("?" if optional else ""))
        return out


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _matching(counter: Counter[str], who: str) -> int:
    return counter[who_key(who)] if who else counter["*"]


def _kinds() -> dict[str, CheckKind]:
    kinds = [
        CheckKind(
            "graph-loaded",
            "",
            "the open document is the lesson's graph",
            lambda f, c, g: g is not None and f.document == g,
            lambda c: "the lesson's graph open",
        ),
        CheckKind(
            "node-added",
            "[WHO] [N]",
            "N nodes (of that class, name or palette category) were added to the design",
            lambda f, c, g: _matching(f.nodes_added, c.who) >= c.count,
            lambda c: (
                f"{_plural(c.count, 'node', 'nodes')} added" + (f" ({c.who})" if c.who else "")
            ),
            lambda f, c: _matching(f.nodes_added, c.who),
        ),
        CheckKind(
            "link-added",
            "[WHO] [N]",
            "N links (to or from such a component) were added to the design",
            lambda f, c, g: _matching(f.links_added, c.who) >= c.count,
            lambda c: (
                f"{_plural(c.count, 'link', 'links')} added"
                + (f" to or from {c.who}" if c.who else "")
            ),
            lambda f, c: _matching(f.links_added, c.who),
        ),
        CheckKind(
            "param-set",
            "NODE.PARAM",
            "the user changed that parameter of that node",
            lambda f, c, g: c.text.lower() in f.params_set,
            lambda c: f"{c.text} changed",
        ),
        CheckKind(
            "run-started",
            "",
            "a run is going (running, paused, or ended by itself and not stopped)",
            lambda f, c, g: f.run_state in ("running", "paused", "finished"),
            lambda c: "a run going",
        ),
        CheckKind(
            "run-paused",
            "",
            "the run is paused (Pause, Step, or a breakpoint)",
            lambda f, c, g: f.run_state == "paused",
            lambda c: "the run paused",
        ),
        CheckKind(
            "run-stopped",
            "",
            "a run was started, and now none is going",
            lambda f, c, g: f.runs_started > 0 and f.run_state in ("idle", "stopped"),
            lambda c: "the run stopped",
        ),
        CheckKind(
            "run-finished",
            "",
            "the run ended by itself (every component finished)",
            lambda f, c, g: f.finished,
            lambda c: "every component finished",
        ),
        CheckKind(
            "listening",
            "",
            "a server of the run listens",
            lambda f, c, g: f.listening > 0,
            lambda c: "a server listening",
        ),
        CheckKind(
            "connections-accepted",
            "[N]",
            "N connections were made in this run (the live model's accepted count)",
            lambda f, c, g: f.accepted >= c.count,
            lambda c: f"{_plural(c.count, 'connection', 'connections')} accepted",
            lambda f, c: f.accepted,
        ),
        CheckKind(
            "connections-live",
            "[N]",
            "N connections are open at once",
            lambda f, c, g: f.live_connections >= c.count,
            lambda c: f"{_plural(c.count, 'connection', 'connections')} open",
            lambda f, c: f.live_connections,
        ),
        CheckKind(
            "connection-closed",
            "[N]",
            "N connections of this run ended",
            lambda f, c, g: f.closed >= c.count,
            lambda c: f"{_plural(c.count, 'connection', 'connections')} closed",
            lambda f, c: f.closed,
        ),
        CheckKind(
            "delivered",
            "TYPE [N]",
            "N messages of that type were delivered in this run",
            lambda f, c, g: f.delivered[c.type] >= c.count,
            lambda c: f"{_plural(c.count, c.type + ' delivery', c.type + ' deliveries')}",
            lambda f, c: f.delivered[c.type],
        ),
        CheckKind(
            "received",
            "WHO [N]",
            "N messages arrived in the inbox of such a component in this run",
            lambda f, c, g: _matching(f.received, c.who) >= c.count,
            lambda c: f"{_plural(c.count, 'message', 'messages')} into {c.who}",
            lambda f, c: _matching(f.received, c.who),
        ),
        CheckKind(
            "paused-at",
            "TYPE",
            "the run is paused and the last delivery shown is of that type",
            lambda f, c, g: f.run_state == "paused" and f.last_delivery == c.type,
            lambda c: f"the run paused at a {c.type}",
        ),
        CheckKind(
            "breakpoint-set",
            "[TYPE]",
            "the run has a breakpoint (on that message type)",
            lambda f, c, g: (c.type in f.breakpoints) if c.type else bool(f.breakpoints),
            lambda c: f"a breakpoint on {c.type or 'messages'}",
        ),
        CheckKind(
            "breakpoint-hit",
            "[TYPE]",
            "a breakpoint stopped the run (on a message of that type)",
            lambda f, c, g: (f.hits[c.type] if c.type else sum(f.hits.values())) > 0,
            lambda c: f"a breakpoint hit{' by a ' + c.type if c.type else ''}",
        ),
        CheckKind(
            "crashed",
            "[WHO]",
            "a component (of that class, name or category) crashed in this run",
            lambda f, c, g: _matching(f.crashed, c.who) > 0,
            lambda c: f"{c.who or 'a component'} crashed",
        ),
        CheckKind(
            "log-filter",
            "TEXT",
            "the message log's filter contains that text (case does not matter)",
            lambda f, c, g: who_key(c.text) in who_key(f.log_filter),
            lambda c: f"the log filtered by {c.text!r}",
        ),
        CheckKind(
            "components-loaded",
            "[N]",
            "the last load of My components went well and brought in N classes",
            lambda f, c, g: not f.components_error and f.components_loaded >= c.count,
            lambda c: (
                "your components loaded without an error"
                if c.count == 1
                else f"{c.count} of your components loaded"
            ),
            lambda f, c: 0 if f.components_error else f.components_loaded,
        ),
        CheckKind(
            "components-error",
            "",
            "the last load of My components reported an error",
            lambda f, c, g: bool(f.components_error),
            lambda c: "a load that reports an error",
        ),
    ]
    return {kind.name: kind for kind in kinds}


CHECKS: dict[str, CheckKind] = _kinds()
"""The check vocabulary, by name (closed: a lesson naming another word is refused)."""


def parse_check(text: str) -> Check:
    """Read the text after ``check:`` ("delivered newCSA 2").

    Raises:
        CheckError: An unknown word (with the closest ones and the vocabulary) or arguments
            that do not fit its usage.
    """
    words = text.split()
    if not words:
        raise CheckError(f"a check names what to wait for, one of: {', '.join(CHECKS)}")
    name, rest = words[0], words[1:]
    kind = CHECKS.get(name)
    if kind is None:
        close = difflib.get_close_matches(name, list(CHECKS), n=2)
        hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
        raise CheckError(f"unknown check {name!r}; {hint}(the checks: {', '.join(CHECKS)})")
    usage = repr(f"{name} {kind.usage}".strip())
    args = kind.args
    values: dict[str, Any] = {}
    if any(a.startswith("N") for a in args) and rest and rest[-1].lstrip("-").isdigit():
        count = int(rest.pop())
        if count < 1:
            raise CheckError(f"{name}: a count is 1 or more, not {count}")
        values["count"] = count
    for slot in args:
        required = not slot.endswith("?")
        slot = slot.rstrip("?")
        if slot == "N":
            continue
        if slot == "TYPE":
            if not rest:
                if required:
                    raise CheckError(f"{name} needs a message type: {usage}")
                continue
            word = rest.pop(0)
            if not _TYPE.match(word):
                raise CheckError(f"{name}: {word!r} is not a message type name ({usage})")
            values["type"] = word
        elif slot in ("WHO", "TEXT"):
            joined = " ".join(rest)
            rest = []
            if not joined and required:
                what = "a component (class, node name or category)" if slot == "WHO" else "text"
                raise CheckError(f"{name} needs {what}: {usage}")
            values["who" if slot == "WHO" else "text"] = joined
        elif slot == "NODE.PARAM":
            if len(rest) != 1 or not _PARAM.match(rest[0]):
                raise CheckError(f"{name} needs node.param, e.g. 'upper.function': {usage}")
            values["text"] = rest.pop()
    if rest:
        takes = f"usage: {usage}" if kind.usage else "it takes no arguments"
        raise CheckError(f"{name}: unexpected {' '.join(rest)!r} ({takes})")
    return Check(name, kind, source=" ".join(words), **values)


@dataclass(frozen=True)
class Step:
    """One step of a lesson.

    Attributes:
        text: What to do (Markdown).
        checks: All must hold for the step to be done (at least one).
        hint: The "Show me" text (Markdown), or "".
        show: A :data:`SHOW_TARGETS` name "Show me" points at, or "".
        line: Where the step starts in its file (1-based).
    """

    text: str
    checks: tuple[Check, ...]
    hint: str = ""
    show: str = ""
    line: int = 0

    def holds(self, facts: Facts, graph: str | None = None) -> bool:
        """Whether every check holds."""
        return all(check.holds(facts, graph) for check in self.checks)
