"""Turns the window's edits into undoable steps on a QUndoStack; each step changes the model only.

Every step is a pair of functions over the Graph (do, undo) wrapped in a QUndoCommand; the scene
observes the graph and redraws, so the undo stack never touches items. Removing nodes snapshots
them (ids, params, positions, children, links) so that undo restores the very same ids.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand, QUndoStack

from workbench.model import Catalog, Graph, Node

BoxRef = tuple[str, str]
CLIP_FORMAT = "kamaelia-workbench/fragment-1"


class GraphCommand(QUndoCommand):
    """One undoable step: ``do()`` on redo, ``undo()`` on undo."""

    def __init__(self, text: str, do: Callable[[], None], undo: Callable[[], None]) -> None:
        """Keep the two functions; the stack calls redo() when pushed."""
        super().__init__(text)
        self._do = do
        self._undo = undo

    def redo(self) -> None:
        self._do()

    def undo(self) -> None:
        self._undo()


def _snapshot(graph: Graph, node_ids: list[str]) -> tuple[list[dict], list[dict]]:
    """Nodes (with descendants, parents first) and every link touching them."""
    seen: dict[str, Node] = {}
    for node_id in node_ids:
        if not graph.has_node(node_id) or any(a in node_ids for a in graph.ancestors(node_id)):
            continue
        for node in [graph.node(node_id), *graph.descendants(node_id)]:
            seen[node.id] = node
    nodes = []
    for node in seen.values():
        index = graph.node(node.parent).children.index(node.id) if node.parent else None
        nodes.append(
            {
                "id": node.id,
                "component": node.component,
                "name": node.name,
                "params": copy.deepcopy(node.params),
                "position": node.position,
                "parent": node.parent,
                "container_kind": node.container_kind,
                "index": index,
            }
        )
    links = [
        {"id": ln.id, "source": ln.source, "sink": ln.sink}
        for ln in graph.links
        if ln.source[0] in seen or ln.sink[0] in seen
    ]
    return nodes, links


def _restore(graph: Graph, nodes: list[dict], links: list[dict]) -> None:
    for data in nodes:
        graph.add_node(
            data["component"],
            name=data["name"],
            params=data["params"],
            position=data["position"],
            parent=data["parent"],
            container_kind=data["container_kind"],
            node_id=data["id"],
            index=data["index"],
        )
    for data in links:
        if graph.has_node(data["source"][0]) and graph.has_node(data["sink"][0]):
            graph.add_link(data["source"], data["sink"], link_id=data["id"])


class GraphEditor:
    """Makes the undoable edits of one graph and pushes them on ``stack``.

    Attributes:
        graph: the document.
        catalog: used for container kinds of new nodes.
        stack: the QUndoStack (its cleanIndex tells whether the file is saved).
    """

    def __init__(self, graph: Graph, catalog: Catalog, stack: QUndoStack | None = None) -> None:
        """Edit ``graph`` through ``stack`` (a new stack when None)."""
        self.graph = graph
        self.catalog = catalog
        self.stack = stack if stack is not None else QUndoStack()

    def add_node(
        self,
        component: str,
        position: tuple[float, float],
        parent: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> str:
        """Place a component; returns the new node id."""
        spec = self.catalog.get(component)
        created: dict[str, str] = {}

        def do() -> None:
            node = self.graph.add_node(
                component,
                position=position,
                parent=parent,
                params=params,
                container_kind=spec.container_kind,
                node_id=created.get("id"),
                name=created.get("name"),
            )
            created.update(id=node.id, name=node.name)

        def undo() -> None:
            self.graph.remove_node(created["id"])

        self.stack.push(GraphCommand(f"Add {spec.name}", do, undo))
        return created["id"]

    def remove(self, node_ids: list[str], link_ids: list[str] = ()) -> None:
        """Delete nodes (with their children and links) and links, as one step."""
        node_ids = [n for n in node_ids if self.graph.has_node(n)]
        nodes, links = _snapshot(self.graph, node_ids)
        extra = [
            {"id": ln.id, "source": ln.source, "sink": ln.sink}
            for ln in (self.graph.link(i) for i in link_ids if self.graph.has_link(i))
            if all(ln.id != d["id"] for d in links)
        ]
        if not nodes and not extra:
            return
        roots = [d["id"] for d in nodes if d["parent"] not in {n["id"] for n in nodes}]

        def do() -> None:
            for data in extra:
                self.graph.remove_link(data["id"])
            for node_id in roots:
                self.graph.remove_node(node_id)

        def undo() -> None:
            _restore(self.graph, nodes, links + extra)

        count = len(nodes) + len(extra)
        self.stack.push(GraphCommand(f"Delete {count} item{'s' * (count != 1)}", do, undo))

    def add_link(self, source: BoxRef, sink: BoxRef) -> str:
        """Link ``source`` to ``sink``; returns the link id."""
        made: dict[str, str] = {}

        def do() -> None:
            made["id"] = self.graph.add_link(source, sink, link_id=made.get("id")).id

        def undo() -> None:
            self.graph.remove_link(made["id"])

        self.stack.push(GraphCommand(f"Link {source[1]} → {sink[1]}", do, undo))
        return made["id"]

    def move_nodes(self, positions: dict[str, tuple[float, float]]) -> None:
        """Move nodes to new positions as one step."""
        before = {n: self.graph.node(n).position for n in positions if self.graph.has_node(n)}
        after = {n: p for n, p in positions.items() if n in before}
        if not after:
            return

        def apply(where: dict[str, tuple[float, float]]) -> Callable[[], None]:
            def run() -> None:
                for node_id, pos in where.items():
                    if self.graph.has_node(node_id):
                        self.graph.move_node(node_id, pos)

            return run

        self.stack.push(GraphCommand(f"Move {len(after)} node(s)", apply(after), apply(before)))

    def set_param(self, node_id: str, name: str, value: Any) -> None:
        """Set a constructor argument (``value`` None with ``unset`` semantics is :meth:`unset`)."""
        node = self.graph.node(node_id)
        had, old = name in node.params, copy.deepcopy(node.params.get(name))

        def undo() -> None:
            if had:
                self.graph.set_param(node_id, name, old)
            else:
                self.graph.unset_param(node_id, name)

        self.stack.push(
            GraphCommand(
                f"Set {node.name}.{name}", lambda: self.graph.set_param(node_id, name, value), undo
            )
        )

    def unset_param(self, node_id: str, name: str) -> None:
        """Reset a constructor argument to the component's default."""
        node = self.graph.node(node_id)
        if name not in node.params:
            return
        old = copy.deepcopy(node.params[name])
        self.stack.push(
            GraphCommand(
                f"Reset {node.name}.{name}",
                lambda: self.graph.unset_param(node_id, name),
                lambda: self.graph.set_param(node_id, name, old),
            )
        )

    def rename(self, node_id: str, name: str) -> None:
        """Rename a node."""
        old = self.graph.node(node_id).name
        if old == name:
            return
        self.stack.push(
            GraphCommand(
                f"Rename {old} → {name}",
                lambda: self.graph.rename_node(node_id, name),
                lambda: self.graph.rename_node(node_id, old),
            )
        )

    # -- clipboard -----------------------------------------------------------------------
    def copy_fragment(self, node_ids: list[str]) -> dict[str, Any]:
        """A JSON-able fragment of the selected nodes, their children and inner links."""
        nodes, links = _snapshot(self.graph, node_ids)
        inside = {d["id"] for d in nodes}
        for data in nodes:
            if data["parent"] not in inside:
                data["parent"] = None
                data["index"] = None
        inner = [d for d in links if d["source"][0] in inside and d["sink"][0] in inside]
        return {"format": CLIP_FORMAT, "nodes": nodes, "links": inner}

    def paste_fragment(self, fragment: dict[str, Any], offset: tuple[float, float]) -> list[str]:
        """Add a copied fragment with fresh ids, shifted by ``offset``; returns the new ids."""
        if fragment.get("format") != CLIP_FORMAT:
            return []
        mapping: dict[str, str] = {}
        created: list[str] = []
        dx, dy = offset

        def do() -> None:
            created.clear()
            for data in fragment["nodes"]:
                x, y = data["position"]
                node = self.graph.add_node(
                    data["component"],
                    params=data["params"],
                    position=(x + dx, y + dy),
                    parent=mapping.get(data["parent"]) if data["parent"] else None,
                    container_kind=data["container_kind"],
                    node_id=mapping.get(data["id"]),
                )
                mapping[data["id"]] = node.id
                created.append(node.id)
            for data in fragment["links"]:
                self.graph.add_link(
                    (mapping[data["source"][0]], data["source"][1]),
                    (mapping[data["sink"][0]], data["sink"][1]),
                )

        def undo() -> None:
            for node_id in reversed(created):
                if self.graph.has_node(node_id):
                    self.graph.remove_node(node_id)

        self.stack.push(GraphCommand(f"Paste {len(fragment['nodes'])} node(s)", do, undo))
        return list(created)
