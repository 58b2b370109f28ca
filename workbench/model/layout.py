"""Computes tidy positions for a graph: layered left-to-right by links, containers laid out inside.

Pure geometry over the model (no items are moved here): the window turns the result into one
undoable MoveNodes command. Cycles (Echo back into its CSA) are broken by DFS order.
"""

from __future__ import annotations

from collections.abc import Callable

from workbench.model import Graph, ImplicitLink, Link

GAP_X, GAP_Y = 90.0, 40.0
INSET = (22.0, 52.0)  #: a container's content offset from its origin (frame margin + header)


def auto_layout(
    graph: Graph,
    size_of: Callable[[str], tuple[float, float]],
    origin: tuple[float, float] = (0.0, 0.0),
) -> dict[str, tuple[float, float]]:
    """Return node id -> new position for every node.

    Args:
        graph: the document.
        size_of: the drawn (width, height) of a non-container node.
        origin: where the top-left of the whole layout goes.
    """
    positions: dict[str, tuple[float, float]] = {}
    top = [n.id for n in graph.top_level()]
    _scope(graph, top, size_of, origin, positions)
    return positions


def _links_among(graph: Graph, ids: list[str]) -> list[tuple[str, str]]:
    rep: dict[str, str] = {}
    for nid in ids:
        rep[nid] = nid
        for d in graph.descendants(nid) if graph.node(nid).is_container else []:
            rep[d.id] = nid
    edges = []
    links: list[Link | ImplicitLink] = [*graph.links, *graph.implicit_links()]
    for link in links:
        a, b = rep.get(link.source[0]), rep.get(link.sink[0])
        if a and b and a != b:
            edges.append((a, b))
    return edges


def _layers(ids: list[str], edges: list[tuple[str, str]]) -> dict[str, int]:
    succ: dict[str, list[str]] = {n: [] for n in ids}
    for a, b in edges:
        succ[a].append(b)
    order: list[str] = []
    state: dict[str, int] = {}
    back: set[tuple[str, str]] = set()

    def visit(n: str) -> None:
        state[n] = 1
        for m in succ[n]:
            if state.get(m) == 1:
                back.add((n, m))
            elif m not in state:
                visit(m)
        state[n] = 2
        order.append(n)

    indeg = {n: 0 for n in ids}
    for _a, b in edges:
        indeg[b] += 1
    for n in sorted(ids, key=lambda n: indeg[n]):
        if n not in state:
            visit(n)
    layer = {n: 0 for n in ids}
    for n in reversed(order):
        for m in succ[n]:
            if (n, m) not in back:
                layer[m] = max(layer[m], layer[n] + 1)
    return layer


def _scope(
    graph: Graph,
    ids: list[str],
    size_of: Callable[[str], tuple[float, float]],
    origin: tuple[float, float],
    positions: dict[str, tuple[float, float]],
) -> tuple[float, float]:
    sizes: dict[str, tuple[float, float]] = {}
    inner: dict[str, dict[str, tuple[float, float]]] = {}
    for nid in ids:
        node = graph.node(nid)
        if node.is_container:
            sub: dict[str, tuple[float, float]] = {}
            w, h = _scope(graph, node.children, size_of, INSET, sub)
            inner[nid] = sub
            sizes[nid] = (max(w + INSET[0] * 2, 260.0), max(h + INSET[1] + 22, 140.0))
        else:
            sizes[nid] = size_of(nid)
    layer = _layers(ids, _links_among(graph, ids))
    columns: dict[int, list[str]] = {}
    for nid in ids:
        columns.setdefault(layer[nid], []).append(nid)
    x = origin[0]
    width = height = 0.0
    for col in sorted(columns):
        members = columns[col]
        col_w = max(sizes[n][0] for n in members)
        y = origin[1]
        for nid in members:
            positions[nid] = (round(x), round(y))
            for child, (cx, cy) in inner.get(nid, {}).items():
                positions[child] = (round(x + cx), round(y + cy))
            y += sizes[nid][1] + GAP_Y
        height = max(height, y - GAP_Y - origin[1])
        x += col_w + GAP_X
        width = x - GAP_X - origin[0]
    return width, height
