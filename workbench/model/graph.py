"""The design document at the centre: what io loads, commands edit, the UI draws and runtime builds.

A :class:`Graph` holds nodes (placed components and containers), explicit links between their
boxes, and free-text annotations. Everything is plain data addressed by stable string ids
("n1", "l3", "a2") that the graph generates and never hands out twice in one session.

Every change goes through a ``Graph`` method, and every change is announced to subscribers with a
past-tense event name, so the Qt scene can observe the model instead of copying it.

Containers are nodes with a ``container_kind`` ("pipeline", "graphline" or "servercore", copied
from the catalog when the node is created). They keep an ordered list of child ids. A Pipeline
wires its children implicitly, in order (see :meth:`Graph.implicit_links`); a Graphline's children
are wired by explicit links; a ServerCore's single child is the per-connection protocol handler.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable, Iterator
from typing import Any

from workbench.model.items import (
    CONTAINER_KINDS,
    ID_PATTERN,
    Annotation,
    BoxRef,
    ImplicitLink,
    JSONValue,
    Link,
    Node,
    as_point,
    id_sort_key,
    snake_case,
)
from workbench.model.observers import DetachHandler, Observers

__all__ = [
    "CONTAINER_KINDS",
    "EVENTS",
    "Annotation",
    "BoxRef",
    "Graph",
    "GraphError",
    "ImplicitLink",
    "JSONValue",
    "Link",
    "Node",
    "Observer",
    "id_sort_key",
    "snake_case",
]

Observer = Callable[[str, Any], None]

NODE_EVENTS = (
    "node_added",
    "node_removed",
    "node_moved",
    "node_renamed",
    "node_reparented",
    "param_changed",
)
LINK_EVENTS = ("link_added", "link_removed")
ANNOTATION_EVENTS = ("annotation_added", "annotation_removed", "annotation_changed")
EVENTS = (*NODE_EVENTS, *LINK_EVENTS, *ANNOTATION_EVENTS, "graph_reset")


class GraphError(Exception):
    """A graph method was asked for something structurally impossible (unknown id, cycle...)."""


class Graph:
    """The design document: nodes, links, annotations, and the observers watching them."""

    def __init__(self) -> None:
        self._nodes: dict[str, Node] = {}
        self._links: dict[str, Link] = {}
        self._annotations: dict[str, Annotation] = {}
        self._counters: dict[str, int] = {"n": 0, "l": 0, "a": 0}
        self._observers: Observers[[str, Any]] = Observers("graph observer")

    def __repr__(self) -> str:
        return (
            f"<Graph nodes={len(self._nodes)} links={len(self._links)} "
            f"annotations={len(self._annotations)}>"
        )

    # ----------------------------------------------------------------- observers
    def subscribe(self, callback: Observer) -> Callable[[], None]:
        """Call ``callback(event_name, payload)`` after every change.

        Payloads: the :class:`Node` for node events (``param_changed`` gets ``(node, param)``),
        the :class:`Link` for link events, the :class:`Annotation` for annotation events, the
        graph itself for ``graph_reset``. An observer that raises is logged and detached so it
        cannot break the document.

        Returns:
            A function that unsubscribes the callback.
        """
        return self._observers.subscribe(callback)

    def on_observer_detached(self, handler: DetachHandler) -> Callable[[], None]:
        """Call ``handler(callback, exc)`` when a failing observer is detached (a view of the
        document stopped following it); returns a function that removes the handler."""
        return self._observers.on_detached(handler)

    def _emit(self, event: str, payload: Any) -> None:
        self._observers.notify(event, payload)

    # ----------------------------------------------------------------- ids
    def _new_id(self, prefix: str) -> str:
        self._counters[prefix] += 1
        return f"{prefix}{self._counters[prefix]}"

    def _claim_id(self, prefix: str, item_id: str | None, taken: dict[str, Any]) -> str:
        if item_id is None:
            item_id = self._new_id(prefix)
            while item_id in taken:
                item_id = self._new_id(prefix)
            return item_id
        if not isinstance(item_id, str) or not item_id:
            raise GraphError(f"ids are non-empty strings, not {item_id!r}")
        if item_id in self._nodes or item_id in self._links or item_id in self._annotations:
            raise GraphError(f"id {item_id!r} is already used in this graph")
        match = ID_PATTERN.match(item_id)
        if match and match.group(1) in self._counters:
            counter = match.group(1)
            self._counters[counter] = max(self._counters[counter], int(match.group(2)))
        return item_id

    def _default_name(self, component: str) -> str:
        base = snake_case(component.rsplit(".", 1)[-1]) or "node"
        used = {node.name for node in self._nodes.values()}
        k = 1
        while f"{base}{k}" in used:
            k += 1
        return f"{base}{k}"

    # ----------------------------------------------------------------- queries
    def node(self, node_id: str) -> Node:
        """The node with that id.

        Raises:
            GraphError: no such node.
        """
        try:
            return self._nodes[node_id]
        except KeyError:
            raise GraphError(f"no node {node_id!r} in this graph") from None

    def link(self, link_id: str) -> Link:
        """The link with that id (raises GraphError if unknown)."""
        try:
            return self._links[link_id]
        except KeyError:
            raise GraphError(f"no link {link_id!r} in this graph") from None

    def annotation(self, annotation_id: str) -> Annotation:
        """The annotation with that id (raises GraphError if unknown)."""
        try:
            return self._annotations[annotation_id]
        except KeyError:
            raise GraphError(f"no annotation {annotation_id!r} in this graph") from None

    def has_node(self, node_id: str) -> bool:
        """True if a node with that id exists."""
        return node_id in self._nodes

    def has_link(self, link_id: str) -> bool:
        """True if a link with that id exists."""
        return link_id in self._links

    @property
    def nodes(self) -> list[Node]:
        """All nodes, in id (creation) order."""
        return [self._nodes[k] for k in sorted(self._nodes, key=id_sort_key)]

    @property
    def links(self) -> list[Link]:
        """All explicit links, in id order."""
        return [self._links[k] for k in sorted(self._links, key=id_sort_key)]

    @property
    def annotations(self) -> list[Annotation]:
        """All annotations, in id order."""
        return [self._annotations[k] for k in sorted(self._annotations, key=id_sort_key)]

    def top_level(self) -> list[Node]:
        """Nodes with no parent, in id order."""
        return [n for n in self.nodes if n.parent is None]

    def children(self, node_id: str) -> list[Node]:
        """The ordered children of a container."""
        return [self._nodes[c] for c in self.node(node_id).children]

    def descendants(self, node_id: str) -> list[Node]:
        """All nodes inside a container, depth first, parents before children."""
        out: list[Node] = []
        for child in self.children(node_id):
            out.append(child)
            out.extend(self.descendants(child.id))
        return out

    def ancestors(self, node_id: str) -> list[str]:
        """Ids of the containers around a node, innermost first."""
        out: list[str] = []
        parent = self.node(node_id).parent
        while parent is not None and parent not in out:
            out.append(parent)
            parent = self._nodes[parent].parent if parent in self._nodes else None
        return out

    def links_of(self, node_id: str) -> list[Link]:
        """Explicit links touching a node (as source or sink), in id order."""
        return [ln for ln in self.links if node_id in (ln.source[0], ln.sink[0])]

    def links_from(self, source: BoxRef) -> list[Link]:
        """Explicit links leaving one box."""
        return [ln for ln in self.links if ln.source == tuple(source)]

    def links_to(self, sink: BoxRef) -> list[Link]:
        """Explicit links arriving at one box."""
        return [ln for ln in self.links if ln.sink == tuple(sink)]

    def passthrough(self, link: Link | ImplicitLink) -> int:
        """Kamaelia passthrough kind of a link, derived from containment.

        Returns:
            1 for container inbox -> child inbox, 2 for child outbox -> container outbox,
            0 otherwise (an ordinary outbox -> inbox link between siblings).
        """
        if isinstance(link, ImplicitLink):
            return link.passthrough
        return self.passthrough_between(link.source[0], link.sink[0])

    def passthrough_between(self, source_id: str, sink_id: str) -> int:
        """Passthrough kind a link from ``source_id`` to ``sink_id`` would have."""
        source = self._nodes.get(source_id)
        sink = self._nodes.get(sink_id)
        if source is None or sink is None:
            return 0
        if sink.parent == source.id:
            return 1
        if source.parent == sink.id:
            return 2
        return 0

    def implicit_links(self) -> list[ImplicitLink]:
        """The links every Pipeline container makes between its children, for drawing.

        For a Pipeline P with children c0..ck: P inbox/control -> c0 inbox/control
        (passthrough 1), ci outbox/signal -> ci+1 inbox/control, ck outbox/signal ->
        P outbox/signal (passthrough 2).
        """
        out: list[ImplicitLink] = []
        for node in self.nodes:
            if node.container_kind != "pipeline" or not node.children:
                continue
            kids = node.children
            pid = node.id
            for box in ("inbox", "control"):
                out.append(ImplicitLink(f"{pid}/in:{box}", (pid, box), (kids[0], box), pid, 1))
            for i, (a, b) in enumerate(itertools.pairwise(kids)):
                out.append(ImplicitLink(f"{pid}/{i}:outbox", (a, "outbox"), (b, "inbox"), pid, 0))
                out.append(ImplicitLink(f"{pid}/{i}:signal", (a, "signal"), (b, "control"), pid, 0))
            for box in ("outbox", "signal"):
                out.append(ImplicitLink(f"{pid}/out:{box}", (kids[-1], box), (pid, box), pid, 2))
        return out

    def __iter__(self) -> Iterator[Node]:
        return iter(self.nodes)

    def __len__(self) -> int:
        return len(self._nodes)

    # ----------------------------------------------------------------- node mutations
    def add_node(
        self,
        component: str,
        *,
        name: str | None = None,
        params: dict[str, JSONValue] | None = None,
        position: tuple[float, float] = (0.0, 0.0),
        parent: str | None = None,
        container_kind: str | None = None,
        node_id: str | None = None,
        index: int | None = None,
    ) -> Node:
        """Add a node and announce ``node_added``.

        Args:
            component: Catalog id of the component.
            name: Display/Graphline name; defaults to a unique snake_case name ("echo1").
            params: Constructor arguments (copied).
            position: Scene position.
            parent: Container to put it in (must exist), or None for top level.
            container_kind: Set for Pipeline/Graphline/ServerCore containers.
            node_id: Reuse a known id (undo/redo, loading); a fresh id if None.
            index: Position among the parent's children (default: append).

        Returns:
            The new node (the graph's own object: read it, change it through the graph).

        Raises:
            GraphError: unknown parent, id already used, bad container kind.
        """
        if container_kind is not None and container_kind not in CONTAINER_KINDS:
            raise GraphError(f"unknown container kind {container_kind!r}")
        if parent is not None and parent not in self._nodes:
            raise GraphError(f"parent {parent!r} is not a node in this graph")
        node_id = self._claim_id("n", node_id, self._nodes)
        node = Node(
            id=node_id,
            component=component,
            name=name if name is not None else self._default_name(component),
            params=copy.deepcopy(params) if params else {},
            position=as_point(position),
            parent=parent,
            container_kind=container_kind,
        )
        self._nodes[node_id] = node
        if parent is not None:
            self._insert_child(parent, node_id, index)
        self._emit("node_added", node)
        return node

    def _insert_child(self, parent: str, child: str, index: int | None) -> None:
        siblings = self._nodes[parent].children
        if index is None or index > len(siblings):
            siblings.append(child)
        else:
            siblings.insert(max(index, 0), child)

    def remove_node(self, node_id: str) -> None:
        """Remove a node, its links and (recursively) its children.

        Announces ``link_removed`` for each link, then ``node_removed`` for each node, the
        deepest first.
        """
        node = self.node(node_id)
        for child_id in list(node.children):
            self.remove_node(child_id)
        for link in self.links_of(node_id):
            self.remove_link(link.id)
        if node.parent is not None and node.parent in self._nodes:
            self._nodes[node.parent].children.remove(node_id)
        del self._nodes[node_id]
        self._emit("node_removed", node)

    def move_node(self, node_id: str, position: tuple[float, float]) -> None:
        """Move a node and announce ``node_moved``."""
        node = self.node(node_id)
        node.position = as_point(position)
        self._emit("node_moved", node)

    def rename_node(self, node_id: str, name: str) -> None:
        """Rename a node and announce ``node_renamed``."""
        node = self.node(node_id)
        node.name = name
        self._emit("node_renamed", node)

    def set_param(self, node_id: str, name: str, value: JSONValue) -> None:
        """Set one constructor argument (a copy of ``value``); announce ``param_changed``."""
        node = self.node(node_id)
        node.params[name] = copy.deepcopy(value)
        self._emit("param_changed", (node, name))

    def unset_param(self, node_id: str, name: str) -> None:
        """Remove one constructor argument (back to the component's default)."""
        node = self.node(node_id)
        if name in node.params:
            del node.params[name]
            self._emit("param_changed", (node, name))

    def reparent_node(self, node_id: str, parent: str | None, index: int | None = None) -> None:
        """Move a node into another container (or to top level); announce ``node_reparented``.

        Raises:
            GraphError: unknown node or parent, or the move would put a node inside itself.
        """
        node = self.node(node_id)
        if parent is not None:
            self.node(parent)
            if parent == node_id or node_id in self.ancestors(parent):
                raise GraphError(f"cannot put {node_id!r} inside itself (via {parent!r})")
        if node.parent is not None and node.parent in self._nodes:
            self._nodes[node.parent].children.remove(node_id)
        node.parent = parent
        if parent is not None:
            self._insert_child(parent, node_id, index)
        self._emit("node_reparented", node)

    # ----------------------------------------------------------------- links
    def add_link(self, source: BoxRef, sink: BoxRef, *, link_id: str | None = None) -> Link:
        """Add an explicit link and announce ``link_added``.

        The graph checks only that both nodes exist; :func:`workbench.model.validate.check_link`
        says whether the link makes sense.
        """
        source = (str(source[0]), str(source[1]))
        sink = (str(sink[0]), str(sink[1]))
        for end in (source, sink):
            if end[0] not in self._nodes:
                raise GraphError(f"link end {end!r}: no node {end[0]!r} in this graph")
        link_id = self._claim_id("l", link_id, self._links)
        link = Link(link_id, source, sink)
        self._links[link_id] = link
        self._emit("link_added", link)
        return link

    def remove_link(self, link_id: str) -> None:
        """Remove an explicit link and announce ``link_removed``."""
        link = self.link(link_id)
        del self._links[link_id]
        self._emit("link_removed", link)

    # ----------------------------------------------------------------- annotations
    def add_annotation(
        self,
        text: str,
        position: tuple[float, float] = (0.0, 0.0),
        *,
        annotation_id: str | None = None,
    ) -> Annotation:
        """Add a note and announce ``annotation_added``."""
        annotation_id = self._claim_id("a", annotation_id, self._annotations)
        note = Annotation(annotation_id, text, as_point(position))
        self._annotations[annotation_id] = note
        self._emit("annotation_added", note)
        return note

    def edit_annotation(
        self,
        annotation_id: str,
        *,
        text: str | None = None,
        position: tuple[float, float] | None = None,
    ) -> None:
        """Change a note's text and/or position; announce ``annotation_changed``."""
        note = self.annotation(annotation_id)
        if text is not None:
            note.text = text
        if position is not None:
            note.position = as_point(position)
        self._emit("annotation_changed", note)

    def remove_annotation(self, annotation_id: str) -> None:
        """Remove a note and announce ``annotation_removed``."""
        note = self.annotation(annotation_id)
        del self._annotations[annotation_id]
        self._emit("annotation_removed", note)

    # ----------------------------------------------------------------- whole document
    def clear(self) -> None:
        """Empty the document (ids keep counting up) and announce ``graph_reset``."""
        self._nodes.clear()
        self._links.clear()
        self._annotations.clear()
        self._emit("graph_reset", self)

    def replace_with(self, other: Graph) -> None:
        """Take over the content of ``other`` (e.g. after loading) and announce ``graph_reset``.

        The observers of this graph stay subscribed; ``other`` should not be used afterwards.
        """
        self._nodes = other._nodes
        self._links = other._links
        self._annotations = other._annotations
        self._counters = {k: max(v, other._counters.get(k, 0)) for k, v in self._counters.items()}
        self._emit("graph_reset", self)

    def copy(self) -> Graph:
        """A deep copy of the document, without observers."""
        other = Graph()
        other._nodes = copy.deepcopy(self._nodes)
        other._links = dict(self._links)
        other._annotations = copy.deepcopy(self._annotations)
        other._counters = dict(self._counters)
        return other
