"""Puts the model's undoable commands on a QUndoStack: the window's edits, undo and redo.

Each ``workbench.model.commands.Command`` is wrapped in a :class:`ModelCommand`; redo calls its
``do(graph)``, undo its ``undo(graph)``, and consecutive moves of one drag merge through the
command's own ``merge_with``. The scene observes the graph and redraws, so nothing here touches
items. Copy/paste of a fragment is one more Command (``PasteFragment``) built the same way.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from PySide6.QtGui import QUndoCommand, QUndoStack

from workbench.model import (
    AddAnnotation,
    AddLink,
    AddNode,
    Catalog,
    Command,
    EditAnnotation,
    Graph,
    GraphError,
    Macro,
    MoveNodes,
    RenameNode,
    SetParam,
    remove_selection,
)

BoxRef = tuple[str, str]
CLIP_FORMAT = "kamaelia-workbench/fragment-1"
MERGE_ID = 0x4B57  # QUndoCommand.id() for mergeable model commands


def _made(object_id: str | None) -> str:
    """The id a pushed command made: pushing does the command, and doing it sets the id."""
    assert object_id is not None, "a pushed command has been done"
    return object_id


class ModelCommand(QUndoCommand):
    """A model Command on the Qt undo stack."""

    def __init__(self, graph: Graph, command: Command) -> None:
        """Wrap ``command`` for ``graph``; the stack calls redo() when pushed."""
        super().__init__(command.text)
        self.graph = graph
        self.command = command

    def redo(self) -> None:
        """Apply the model command."""
        self.command.do(self.graph)
        self.setText(self.command.text)

    def undo(self) -> None:
        """Revert the model command."""
        self.command.undo(self.graph)

    def id(self) -> int:
        """Moves of one drag share an id so Qt asks them to merge."""
        return MERGE_ID if getattr(self.command, "drag_id", None) is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        """Merge when the model command agrees (same drag)."""
        return isinstance(other, ModelCommand) and self.command.merge_with(other.command)


class PasteFragment(Command):
    """Add a copied fragment with fresh ids (the same ids again on redo)."""

    def __init__(self, fragment: dict[str, Any], offset: tuple[float, float]) -> None:
        """Keep a copy of ``fragment``; nodes are shifted by ``offset``."""
        self.fragment = copy.deepcopy(fragment)
        self.offset = offset
        self.mapping: dict[str, str] = {}
        self.created: list[str] = []
        self.text = f"Paste {len(fragment['nodes'])} node(s)"

    def do(self, graph: Graph) -> None:
        self.created = []
        dx, dy = self.offset
        for data in self.fragment["nodes"]:
            x, y = data["position"]
            node = graph.add_node(
                data["component"],
                params=data["params"],
                position=(x + dx, y + dy),
                parent=self.mapping.get(data["parent"]) if data["parent"] else None,
                container_kind=data["container_kind"],
                node_id=self.mapping.get(data["id"]),
            )
            self.mapping[data["id"]] = node.id
            self.created.append(node.id)
        for data in self.fragment["links"]:
            graph.add_link(
                (self.mapping[data["source"][0]], data["source"][1]),
                (self.mapping[data["sink"][0]], data["sink"][1]),
            )

    def undo(self, graph: Graph) -> None:
        for node_id in reversed(self.created):
            if graph.has_node(node_id):
                graph.remove_node(node_id)


class GraphEditor:
    """Makes the undoable edits of one graph and pushes them on ``stack``.

    Attributes:
        graph: the document.
        catalog: container kinds of new nodes come from here.
        stack: the QUndoStack (its clean state says whether the file is saved).
    """

    def __init__(self, graph: Graph, catalog: Catalog, stack: QUndoStack | None = None) -> None:
        """Edit ``graph`` through ``stack`` (a new stack when None)."""
        self.graph = graph
        self.catalog = catalog
        self.stack = stack if stack is not None else QUndoStack()

    def push(self, command: Command) -> Command:
        """Do ``command`` on the graph and put it on the stack; returns it."""
        self.stack.push(ModelCommand(self.graph, command))
        return command

    def add_node(
        self,
        component: str,
        position: tuple[float, float],
        parent: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> str:
        """Place a component; returns the new node id."""
        spec = self.catalog.get(component)
        command = AddNode(
            component,
            position=position,
            parent=parent,
            params=params,
            container_kind=spec.container_kind,
        )
        self.push(command)
        return _made(command.node_id)

    def remove(
        self, node_ids: Sequence[str], link_ids: Sequence[str] = (), note_ids: Sequence[str] = ()
    ) -> None:
        """Delete nodes (with children and links), links and notes, as one step."""
        notes = [a for a in note_ids if self.has_note(a)]
        if node_ids or link_ids or notes:
            self.push(remove_selection(self.graph, node_ids, link_ids, notes))

    def has_note(self, annotation_id: str) -> bool:
        """True if the graph has an annotation with that id."""
        try:
            self.graph.annotation(annotation_id)
        except GraphError:
            return False
        return True

    def add_note(self, text: str, position: tuple[float, float]) -> str:
        """Place a note; returns the new annotation id."""
        command = AddAnnotation(text, position)
        self.push(command)
        return _made(command.annotation_id)

    def edit_note(self, annotation_id: str, text: str) -> None:
        """Change a note's text (nothing happens if it is unchanged or gone)."""
        if self.has_note(annotation_id) and self.graph.annotation(annotation_id).text != text:
            self.push(EditAnnotation(annotation_id, text=text))

    def move_items(
        self,
        nodes: dict[str, tuple[float, float]],
        notes: dict[str, tuple[float, float]],
        drag_id: Any = None,
    ) -> None:
        """Move nodes and notes of one drag as one step (moves with the same ``drag_id`` merge)."""
        notes = {a: p for a, p in notes.items() if self.has_note(a)}
        if not notes:
            self.move_nodes(nodes, drag_id)
            return
        commands: list[Command] = [
            EditAnnotation(a, position=p, drag_id=drag_id) for a, p in notes.items()
        ]
        moves = {n: p for n, p in nodes.items() if self.graph.has_node(n)}
        if moves:
            commands.insert(0, MoveNodes(moves, drag_id=drag_id))
        self.push(commands[0] if len(commands) == 1 else Macro("Move", commands))

    def add_link(self, source: BoxRef, sink: BoxRef) -> str:
        """Link ``source`` to ``sink``; returns the link id."""
        command = AddLink(source, sink)
        self.push(command)
        return _made(command.link_id)

    def move_nodes(self, positions: dict[str, tuple[float, float]], drag_id: Any = None) -> None:
        """Move nodes as one step (moves with the same ``drag_id`` merge)."""
        moves = {n: p for n, p in positions.items() if self.graph.has_node(n)}
        if moves:
            self.push(MoveNodes(moves, drag_id=drag_id))

    def set_param(self, node_id: str, name: str, value: Any) -> None:
        """Set a constructor argument."""
        self.push(SetParam(node_id, name, value))

    def unset_param(self, node_id: str, name: str) -> None:
        """Reset a constructor argument to the component's default."""
        if name in self.graph.node(node_id).params:
            self.push(SetParam(node_id, name, unset=True))

    def rename(self, node_id: str, name: str) -> None:
        """Rename a node."""
        if self.graph.node(node_id).name != name:
            self.push(RenameNode(node_id, name))

    def copy_fragment(self, node_ids: list[str]) -> dict[str, Any]:
        """A JSON-able fragment of the nodes, their descendants and the links among them.

        Notes (annotations) are not part of a fragment: copy/paste skips them.
        """
        chosen = [n for n in node_ids if self.graph.has_node(n)]
        tops = [n for n in chosen if not set(chosen) & set(self.graph.ancestors(n))]
        nodes: list[dict[str, Any]] = []
        for top in tops:
            for node in [self.graph.node(top), *self.graph.descendants(top)]:
                nodes.append(
                    {
                        "id": node.id,
                        "component": node.component,
                        "params": copy.deepcopy(node.params),
                        "position": list(node.position),
                        "parent": node.parent if node.id != top else None,
                        "container_kind": node.container_kind,
                    }
                )
        inside = {d["id"] for d in nodes}
        links = [
            {"source": list(ln.source), "sink": list(ln.sink)}
            for ln in self.graph.links
            if ln.source[0] in inside and ln.sink[0] in inside
        ]
        return {"format": CLIP_FORMAT, "nodes": nodes, "links": links}

    def paste_fragment(self, fragment: dict[str, Any], offset: tuple[float, float]) -> list[str]:
        """Add a copied fragment shifted by ``offset``; returns the new node ids."""
        if fragment.get("format") != CLIP_FORMAT or not fragment.get("nodes"):
            return []
        command = PasteFragment(fragment, offset)
        self.push(command)
        return list(command.created)
