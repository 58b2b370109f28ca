"""Group and Ungroup: undoable commands that wrap nodes in a container or dissolve one.

Sits beside :mod:`workbench.model.commands` (same contract: Graph methods only, exact undo, same
ids on redo). Grouping keeps the messages flowing: a link that would cross the new container's
boundary is split into two links through the container's own box (inbox/control on the way in,
outbox/signal on the way out). Ungrouping joins such pairs back, and turns a Pipeline's implicit
wiring into explicit links, so the graph behaves as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from workbench.model.commands import (
    Command,
    CommandError,
    _NodeRecord,
    _record_subtree,
    _restore_links,
    _restore_nodes,
)
from workbench.model.graph import BoxRef, Graph, Link

Plan = list[tuple[BoxRef, BoxRef]]


@dataclass
class _Applied:
    """The link changes a Group or Ungroup made: the links it removed and the ids it added."""

    removed: list[Link]
    added_ids: list[str]

    def remove_added(self, graph: Graph) -> None:
        """Take the added links out again (first step of an undo)."""
        for link_id in self.added_ids:
            graph.remove_link(link_id)

    def restore_removed(self, graph: Graph) -> None:
        """Put the removed links back with their ids (last step of an undo)."""
        _restore_links(graph, self.removed)


def _apply_links(graph: Graph, remove: list[Link], add: Plan, ids: list[str]) -> list[str]:
    for link in remove:
        graph.remove_link(link.id)
    out: list[str] = []
    for i, (source, sink) in enumerate(add):
        link_id = ids[i] if i < len(ids) else None
        out.append(graph.add_link(source, sink, link_id=link_id).id)
    return out


class Group(Command):
    """Wrap sibling nodes into a new container (Pipeline, Graphline or ServerCore)."""

    def __init__(
        self,
        node_ids: Iterable[str],
        component: str,
        container_kind: str,
        *,
        name: str | None = None,
        position: tuple[float, float] | None = None,
    ) -> None:
        """Prepare the grouping.

        Args:
            node_ids: The nodes to wrap; they must share one parent.
            component: Catalog id of the container component.
            container_kind: "pipeline", "graphline" or "servercore".
            name: Name of the new container (default: generated).
            position: Position of the container (default: just above-left of the nodes).
        """
        self.node_ids = list(dict.fromkeys(node_ids))
        self.component, self.kind = component, container_kind
        self.name, self.position = name, position
        self.container_id: str | None = None
        self.text = f"Group as {container_kind.title()}"
        self._parent: str | None = None
        self._indices: dict[str, int] = {}
        self._applied = _Applied([], [])

    def _order(self, graph: Graph) -> list[str]:
        nodes = self.node_ids
        if self.kind != "pipeline":
            return sorted(nodes, key=lambda n: (self._indices.get(n, 0), graph.node(n).position))
        chosen = set(nodes)
        following: dict[str, str] = {}
        for link in graph.links:
            a, b = link.source[0], link.sink[0]
            if a in chosen and b in chosen and link.source[1] == "outbox" and a != b:
                following[a] = b
        starts = [n for n in nodes if n not in following.values()]
        starts.sort(key=lambda n: graph.node(n).position)
        order: list[str] = []
        for start in starts:
            node: str | None = start
            while node is not None and node not in order:
                order.append(node)
                node = following.get(node)
        rest = sorted(set(nodes) - set(order), key=lambda n: graph.node(n).position)
        return order + rest

    def _check(self, graph: Graph) -> None:
        if not self.node_ids:
            raise CommandError("nothing to group")
        parents = {graph.node(n).parent for n in self.node_ids}
        if len(parents) != 1:
            raise CommandError("only nodes side by side (in the same container) can be grouped")
        if self.kind == "servercore":
            if len(self.node_ids) != 1:
                raise CommandError("a ServerCore holds exactly one protocol handler")
            if graph.links_of(self.node_ids[0]):
                raise CommandError("unlink the protocol handler before putting it in a ServerCore")

    def _plan(self, graph: Graph, container: str) -> tuple[list[Link], Plan]:
        chosen = set(self.node_ids)
        remove: list[Link] = []
        add: Plan = []
        for link in graph.links:
            src_in, dst_in = link.source[0] in chosen, link.sink[0] in chosen
            if src_in == dst_in:
                continue
            remove.append(link)
            if src_in:
                signal = link.source[1] == "signal" or link.sink[1] == "control"
                box = "signal" if signal else "outbox"
                add += [(link.source, (container, box)), ((container, box), link.sink)]
            else:
                box = "control" if link.sink[1] == "control" else "inbox"
                add += [(link.source, (container, box)), ((container, box), link.sink)]
        return remove, list(dict.fromkeys(add))

    def do(self, graph: Graph) -> None:
        self._check(graph)
        first = graph.node(self.node_ids[0])
        self._parent = first.parent
        if self._parent is not None:
            siblings = graph.node(self._parent).children
            self._indices = {n: siblings.index(n) for n in self.node_ids}
        order = self._order(graph)
        xs = [graph.node(n).position for n in order]
        position = self.position or (min(x for x, _ in xs) - 30.0, min(y for _, y in xs) - 50.0)
        index = min(self._indices.values()) if self._indices else None
        container = graph.add_node(
            self.component,
            name=self.name,
            position=position,
            parent=self._parent,
            container_kind=self.kind,
            node_id=self.container_id,
            index=index,
        )
        self.container_id, self.name = container.id, container.name
        remove, add = self._plan(graph, container.id)
        for node_id in order:
            graph.reparent_node(node_id, container.id)
        implicit = {(ln.source, ln.sink) for ln in graph.implicit_links()}
        remove += [ln for ln in graph.links if (ln.source, ln.sink) in implicit]
        add = [pair for pair in add if pair not in implicit]
        ids = _apply_links(graph, remove, add, self._applied.added_ids)
        self._applied = _Applied(remove, ids)

    def undo(self, graph: Graph) -> None:
        assert self.container_id is not None
        self._applied.remove_added(graph)
        graph.reparent_node(self.container_id, None)  # out of the way of the original indices
        by_index = sorted(self.node_ids, key=lambda n: self._indices.get(n, 0))
        for node_id in by_index:
            graph.reparent_node(node_id, self._parent, self._indices.get(node_id))
        graph.remove_node(self.container_id)
        self._applied.restore_removed(graph)


class Ungroup(Command):
    """Dissolve a container: its children take its place and the links are joined up."""

    def __init__(self, container_id: str) -> None:
        self.container_id = container_id
        self.text = "Ungroup"
        self._record: _NodeRecord | None = None
        self._children: list[str] = []
        self._applied = _Applied([], [])

    def _plan(self, graph: Graph) -> tuple[list[Link], Plan]:
        cid = self.container_id
        kids = set(self._children)
        remove = graph.links_of(cid)
        wiring = [(ln.source, ln.sink) for ln in graph.links_of(cid)]
        implicit = [ln for ln in graph.implicit_links() if ln.container == cid]
        wiring += [(ln.source, ln.sink) for ln in implicit]
        # Key ("in", box) for the container's inboxes, ("out", box) for its outboxes.
        into: dict[tuple[str, str], list[BoxRef]] = {}
        onward: dict[tuple[str, str], list[BoxRef]] = {}
        for source, sink in wiring:
            if sink[0] == cid and source[0] not in kids:
                into.setdefault(("in", sink[1]), []).append(source)
            elif source[0] == cid and sink[0] in kids:
                onward.setdefault(("in", source[1]), []).append(sink)
            elif sink[0] == cid and source[0] in kids:
                into.setdefault(("out", sink[1]), []).append(source)
            elif source[0] == cid:
                onward.setdefault(("out", source[1]), []).append(sink)
        add: Plan = []
        for box, sources in into.items():
            add += [(s, d) for s in sources for d in onward.get(box, [])]
        add += [(ln.source, ln.sink) for ln in implicit if ln.passthrough == 0]
        return remove, list(dict.fromkeys(add))

    def do(self, graph: Graph) -> None:
        node = graph.node(self.container_id)
        if not node.is_container:
            raise CommandError(f"{node.name!r} is not a container")
        self._record = _record_subtree(graph, self.container_id)[0]
        self._children = list(node.children)
        remove, add = self._plan(graph)
        parent, index = node.parent, self._record.index
        for link in remove:
            graph.remove_link(link.id)
        for offset, child in enumerate(self._children):
            graph.reparent_node(child, parent, None if index is None else index + offset)
        graph.remove_node(self.container_id)
        ids = _apply_links(graph, [], add, self._applied.added_ids)
        self._applied = _Applied(remove, ids)

    def undo(self, graph: Graph) -> None:
        assert self._record is not None
        self._applied.remove_added(graph)
        _restore_nodes(graph, [self._record])
        for child in self._children:
            graph.reparent_node(child, self.container_id)
        self._applied.restore_removed(graph)
