"""Validation: checks a Graph against the Catalog before it is run, exported, or while editing.

Sits between the document and everything that acts on it: the UI shows the problems on the
nodes and boxes they name, the runtime and the exporter refuse a graph with errors.
:func:`validate` checks a whole graph; :func:`check_link` checks one link the user is drawing;
:func:`load_runnable` reads a graph file for a headless run and says why it cannot run.

Link cycles are allowed (a ring of components is a valid Kamaelia system); containment cycles
are not. Problem codes: unknown-component, container-kind-mismatch, missing-param, bad-param,
unknown-param, code-param (warning), not-a-container, servercore-protocol, empty-container,
containment-cycle, duplicate-name, reserved-name, unknown-node, unknown-box, direction,
crosses-boundary, servercore-link, outbox-linked-twice, and for ``$port_of`` values (see
:mod:`~workbench.model.portrefs`) unknown-port-ref, ambiguous-port-ref, port-ref-not-server,
port-ref-per-connection, port-ref-cycle.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from workbench.model import portrefs, values
from workbench.model.catalog import Catalog, ComponentSpec, ParamSpec, UnknownComponentError
from workbench.model.graph import BoxRef, Graph, Link, Node
from workbench.model.io import GraphFileError, load

ERROR = "error"
WARNING = "warning"

RESERVED_GRAPHLINE_NAMES = frozenset({"self", ""})

_ANY = frozenset(
    {"null", "bool", "int", "float", "str", "list", "dict", "bytes", "callable", "code", "port"}
)
_TYPE_WORDS: dict[str, frozenset[str]] = {
    "int": frozenset({"int"}),
    "float": frozenset({"int", "float"}),
    "complex": frozenset({"int", "float"}),
    "str": frozenset({"str"}),
    "bytes": frozenset({"bytes"}),
    "bool": frozenset({"bool"}),
    "None": frozenset({"null"}),
    "NoneType": frozenset({"null"}),
    "list": frozenset({"list"}),
    "tuple": frozenset({"list"}),
    "Sequence": frozenset({"list"}),
    "Iterable": frozenset({"list"}),
    "set": frozenset({"list"}),
    "dict": frozenset({"dict"}),
    "Mapping": frozenset({"dict"}),
    "Callable": frozenset({"callable"}),
    "Any": _ANY,
    "object": _ANY,
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a graph, pointing at where it is.

    Attributes:
        severity: "error" (the graph cannot run as drawn) or "warning".
        code: Stable machine name ("unknown-box", "outbox-linked-twice", ...).
        message: A sentence for people, naming the node and box.
        node_id: The node the problem is on, if any.
        box: The box the problem is on, if any.
        link_id: The link the problem is about, if any.
        param: The parameter the problem is in, if any.
    """

    severity: str
    code: str
    message: str
    node_id: str | None = None
    box: str | None = None
    link_id: str | None = None
    param: str | None = None

    def __str__(self) -> str:
        return f"{self.severity}: {self.message} [{self.code}]"


def _spec(catalog: Catalog, component: str) -> ComponentSpec | None:
    try:
        return catalog.get(component)
    except UnknownComponentError:
        return None


def _label(node: Node) -> str:
    return f"{node.name!r} ({node.id})"


def _end(graph: Graph, ref: BoxRef) -> str:
    return f"{graph.node(ref[0]).name}.{ref[1]}" if graph.has_node(ref[0]) else f"{ref[0]}.{ref[1]}"


def allowed_types(spec: ParamSpec) -> frozenset[str] | None:
    """JSON-level types a parameter accepts, from its annotation or else its default.

    Returns:
        A set of names as given by :func:`values.json_type`, or None when unknown.
    """
    if spec.annotation:
        text = spec.annotation.replace("typing.", "").replace("collections.abc.", "")
        text = re.sub(r"Optional\[(.*)\]$", r"\1 | None", text.strip())
        allowed: set[str] = set()
        for part in text.split("|"):
            word = part.strip().split("[", 1)[0].strip("'\" ")
            if word not in _TYPE_WORDS:
                return None
            allowed |= _TYPE_WORDS[word]
        return frozenset(allowed)
    if spec.required or not spec.default_is_json or spec.default is None:
        return None
    return {
        bool: frozenset({"bool"}),
        int: frozenset({"int", "float"}),
        float: frozenset({"int", "float"}),
        str: frozenset({"str"}),
        list: frozenset({"list"}),
        dict: frozenset({"dict"}),
    }.get(type(spec.default))


def check_param(node: Node, name: str, value: Any, spec: ParamSpec | None) -> Problem | None:
    """Check one parameter value (well-formed JSON, right type for the parameter)."""
    where = f"{node.name}.{name}"
    try:
        values.check(value, where)
    except values.BadValueError as exc:
        return Problem(ERROR, "bad-param", str(exc), node.id, param=name)
    if spec is None:
        return None
    kind = values.json_type(value)
    allowed = allowed_types(spec)
    if kind == "code" or allowed is None or kind in allowed:
        return None
    if kind == "port" and "int" in allowed:
        return None
    want = " or ".join(sorted(allowed))
    return Problem(
        ERROR,
        "bad-param",
        f"{where}: expected {want}, got {kind} {value!r}",
        node.id,
        param=name,
    )


def _node_problems(graph: Graph, catalog: Catalog, node: Node) -> list[Problem]:
    out: list[Problem] = []
    spec = _spec(catalog, node.component)
    if spec is None:
        hint = catalog.suggest(node.component)
        more = f"; did you mean {', '.join(hint)}?" if hint else ""
        msg = f"{_label(node)}: unknown component {node.component!r}{more}"
        return [Problem(ERROR, "unknown-component", msg, node.id)]
    if spec.container_kind != node.container_kind:
        msg = (
            f"{_label(node)}: node says container {node.container_kind!r} but "
            f"{spec.name} is {spec.container_kind!r}"
        )
        out.append(Problem(ERROR, "container-kind-mismatch", msg, node.id))
    for declared in spec.params:
        if declared.required and declared.name not in node.params:
            msg = f"{_label(node)}: missing required parameter {declared.name!r}"
            out.append(Problem(ERROR, "missing-param", msg, node.id))
    for name, value in node.params.items():
        param = spec.param(name)
        if param is None and not spec.accepts_extra_params:
            msg = f"{_label(node)}: {spec.name} has no parameter {name!r}"
            out.append(Problem(ERROR, "unknown-param", msg, node.id))
            continue
        problem = check_param(node, name, value, param)
        if problem is not None:
            out.append(problem)
        elif values.contains_code(value):
            msg = f"{node.name}.{name} runs Python code when the graph runs"
            out.append(Problem(WARNING, "code-param", msg, node.id))
    if node.parent is not None and graph.has_node(node.parent):
        parent = graph.node(node.parent)
        parent_spec = _spec(catalog, parent.component)
        if parent_spec is not None and not parent_spec.is_container:
            msg = f"{_label(node)} is inside {_label(parent)}, which is not a container"
            out.append(Problem(ERROR, "not-a-container", msg, node.id))
    if node.container_kind == "servercore" and len(node.children) != 1:
        msg = (
            f"{_label(node)}: a ServerCore needs exactly one protocol handler inside, "
            f"found {len(node.children)}"
        )
        out.append(Problem(ERROR, "servercore-protocol", msg, node.id))
    if node.container_kind in ("pipeline", "graphline") and not node.children:
        msg = f"{_label(node)}: empty {node.container_kind}"
        out.append(Problem(ERROR, "empty-container", msg, node.id))
    return out


def _containment_problems(graph: Graph) -> list[Problem]:
    out: list[Problem] = []
    for node in graph.nodes:
        seen = {node.id}
        parent = node.parent
        while parent is not None and graph.has_node(parent):
            if parent in seen:
                msg = f"{_label(node)} is inside itself (containment cycle through {parent})"
                out.append(Problem(ERROR, "containment-cycle", msg, node.id))
                break
            seen.add(parent)
            parent = graph.node(parent).parent
    return out


def _name_problems(graph: Graph) -> list[Problem]:
    out: list[Problem] = []
    groups: list[list[Node]] = [graph.top_level()]
    groups += [graph.children(n.id) for n in graph.nodes if n.container_kind == "graphline"]
    for group in groups:
        counts = Counter(n.name for n in group)
        for node in group:
            if counts[node.name] > 1:
                msg = f"{_label(node)}: another node beside it has the same name"
                out.append(Problem(ERROR, "duplicate-name", msg, node.id))
            elif node.name in RESERVED_GRAPHLINE_NAMES:
                msg = f"{_label(node)}: {node.name!r} means the Graphline itself; rename the node"
                out.append(Problem(ERROR, "reserved-name", msg, node.id))
    return out


def _box_problem(
    graph: Graph, catalog: Catalog, ref: BoxRef, want_inbox: bool, role: str, link_id: str | None
) -> Problem | None:
    node = graph.node(ref[0])
    spec = _spec(catalog, node.component)
    if spec is None:
        return None
    boxes, other = (spec.inboxes, spec.outboxes) if want_inbox else (spec.outboxes, spec.inboxes)
    if ref[1] in boxes:
        return None
    want = "inbox" if want_inbox else "outbox"
    if ref[1] in other:
        msg = f"link {role} {node.name}.{ref[1]} is an {'outbox' if want_inbox else 'inbox'}; "
        msg += f"here it must be an {want}"
        return Problem(ERROR, "direction", msg, node.id, ref[1], link_id)
    names = ", ".join(boxes) or "none"
    msg = f"{spec.name} {node.name!r} has no {want} {ref[1]!r} ({want}es: {names})"
    return Problem(ERROR, "unknown-box", msg, node.id, ref[1], link_id)


def _shape_problems(
    graph: Graph, catalog: Catalog, source: BoxRef, sink: BoxRef, link_id: str | None
) -> list[Problem]:
    """Problems with one link taken alone (ends exist, boxes, direction, boundaries)."""
    for ref in (source, sink):
        if not graph.has_node(ref[0]):
            return [Problem(ERROR, "unknown-node", f"link end {ref!r}: no such node", None)]
    src, dst = graph.node(source[0]), graph.node(sink[0])
    passthrough = graph.passthrough_between(src.id, dst.id)
    if passthrough == 0 and src.parent != dst.parent:
        msg = (
            f"link {_end(graph, source)} -> {_end(graph, sink)} crosses a container boundary; "
            "link to the container's box and on from there"
        )
        return [Problem(ERROR, "crosses-boundary", msg, src.id, source[1], link_id)]
    for node in (src, dst):
        if node.parent is not None and graph.node(node.parent).container_kind == "servercore":
            msg = (
                f"{_label(node)}: the ServerCore wires its protocol handler to each connection "
                "itself; it cannot have other links"
            )
            return [Problem(ERROR, "servercore-link", msg, node.id, None, link_id)]
    out: list[Problem] = []
    for ref, want_inbox, role in (
        (source, passthrough == 1, "source"),
        (sink, passthrough != 2, "sink"),
    ):
        problem = _box_problem(graph, catalog, ref, want_inbox, role, link_id)
        if problem is not None:
            out.append(problem)
    return out


_LinkEntry = tuple[str | None, BoxRef, BoxRef]


def _all_links(graph: Graph) -> list[_LinkEntry]:
    out: list[_LinkEntry] = [(ln.id, ln.source, ln.sink) for ln in graph.links]
    out += [(None, ln.source, ln.sink) for ln in graph.implicit_links()]
    return out


def _describe(link_id: str | None, source: BoxRef, sink: BoxRef, graph: Graph) -> str:
    kind = link_id or "the Pipeline's own wiring"
    return f"{_end(graph, source)} -> {_end(graph, sink)} ({kind})"


def check_link(graph: Graph, catalog: Catalog, source: BoxRef, sink: BoxRef) -> Problem | None:
    """Check a link the user is about to add; None means it may be added.

    Catches: unknown nodes and boxes, wrong direction, illegal boundary crossings, links to a
    ServerCore's protocol handler, and a source box that already has its one destination.
    """
    source, sink = (source[0], source[1]), (sink[0], sink[1])
    problems = _shape_problems(graph, catalog, source, sink, None)
    if problems:
        return problems[0]
    for link_id, src, dst in _all_links(graph):
        if src == source:
            msg = (
                f"{_end(graph, source)} already goes to {_end(graph, dst)}; a Kamaelia box has "
                f"one destination (remove {_describe(link_id, src, dst, graph)} first)"
            )
            return Problem(ERROR, "outbox-linked-twice", msg, source[0], source[1], link_id)
    return None


def _link_problems(graph: Graph, catalog: Catalog) -> list[Problem]:
    out: list[Problem] = []
    for link in graph.links:
        out += _shape_problems(graph, catalog, link.source, link.sink, link.id)
    by_source: dict[BoxRef, list[_LinkEntry]] = {}
    for entry in _all_links(graph):
        by_source.setdefault(entry[1], []).append(entry)
    for source, entries in by_source.items():
        if len(entries) < 2:
            continue
        targets = "; ".join(_describe(lid, s, d, graph) for lid, s, d in entries)
        msg = f"{_end(graph, source)} is linked {len(entries)} times ({targets}); a box has one"
        msg += " destination"
        first_explicit = next((lid for lid, _, _ in entries if lid is not None), None)
        out.append(Problem(ERROR, "outbox-linked-twice", msg, source[0], source[1], first_explicit))
    return out


def validate(graph: Graph, catalog: Catalog) -> list[Problem]:
    """Every problem in a graph, errors first, then in node order.

    Args:
        graph: The document.
        catalog: The components it may use.

    Returns:
        Problems; an empty list means the graph can be run and exported.
    """
    problems = _containment_problems(graph)
    if problems:
        return problems
    for node in graph.nodes:
        problems += _node_problems(graph, catalog, node)
    problems += _name_problems(graph)
    problems += _link_problems(graph, catalog)
    problems += [
        Problem(ERROR, p.code, p.message, p.node_id, param=p.param)
        for p in portrefs.problems(graph, catalog)
    ]
    return sorted(problems, key=lambda p: p.severity != ERROR)


def errors(problems: list[Problem]) -> list[Problem]:
    """Only the problems of severity "error"."""
    return [p for p in problems if p.severity == ERROR]


def first_link_problem(graph: Graph, catalog: Catalog, link: Link) -> Problem | None:
    """The first shape problem of an existing link (for tooltips on drawn links)."""
    problems = _shape_problems(graph, catalog, link.source, link.sink, link.id)
    return problems[0] if problems else None


def load_runnable(path: str | os.PathLike[str], catalog: Catalog) -> tuple[Graph | None, list[str]]:
    """Read the graph file at ``path`` for a run: the graph, or None and why it cannot run.

    Returns:
        ``(graph, [])``, or ``(None, reasons)``: the file's own error (unreadable, malformed,
        naming components the catalog lacks), or one ``"PATH: problem"`` line per error
        :func:`validate` finds (warnings do not stop a run).
    """
    try:
        graph = load(path, catalog)
    except (GraphFileError, UnknownComponentError, OSError) as exc:
        return None, [str(exc)]
    errors = [p for p in validate(graph, catalog) if p.severity == ERROR]
    return (None, [f"{path}: {p.message}" for p in errors]) if errors else (graph, [])
