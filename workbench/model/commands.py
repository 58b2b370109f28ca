"""Undoable edits: the only way the UI changes a Graph, kept on a CommandStack for undo/redo.

Sits between user gestures and the document. Each command calls Graph methods only, remembers
exactly what it changed (ids included), and puts the graph back exactly on ``undo``; ``do`` again
after an ``undo`` reuses the same ids, so later commands on the stack stay valid. The Qt UI wraps
these in QUndoCommand or drives a :class:`~workbench.model.stack.CommandStack`; nothing here
knows about Qt. Group and Ungroup live in :mod:`workbench.model.grouping`.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeGuard, TypeVar

from workbench.model.graph import Annotation, BoxRef, Graph, GraphError, JSONValue, Link, Node

_ABSENT = object()


class CommandError(GraphError):
    """A command cannot be applied to the graph as it is (nothing was changed)."""


class Command:
    """Base of all commands: ``do``, ``undo``, a menu ``text``, optional merging."""

    text: str = ""

    def do(self, graph: Graph) -> None:
        """Apply the change (first time and every redo)."""
        raise NotImplementedError

    def undo(self, graph: Graph) -> None:
        """Put the graph back exactly as it was before ``do``."""
        raise NotImplementedError

    def merge_with(self, other: Command) -> bool:
        """Absorb ``other`` (already done) into this command; True if merged."""
        return False

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.text!r}>"


@dataclass(frozen=True)
class _NodeRecord:
    node: Node
    index: int | None


def _record_subtree(graph: Graph, node_id: str) -> list[_NodeRecord]:
    """Copies of a node and its descendants, parents first, with their index in the parent."""
    out: list[_NodeRecord] = []

    def visit(nid: str) -> None:
        node = graph.node(nid)
        index = graph.node(node.parent).children.index(nid) if node.parent else None
        out.append(_NodeRecord(copy.deepcopy(node), index))
        for child in node.children:
            visit(child)

    visit(node_id)
    return out


def _restore_nodes(graph: Graph, records: Iterable[_NodeRecord]) -> None:
    for record in records:
        node = record.node
        graph.add_node(
            node.component,
            name=node.name,
            params=node.params,
            position=node.position,
            parent=node.parent,
            container_kind=node.container_kind,
            node_id=node.id,
            index=record.index,
        )


def _restore_links(graph: Graph, links: Iterable[Link]) -> None:
    for link in links:
        graph.add_link(link.source, link.sink, link_id=link.id)


_C = TypeVar("_C", bound=Command)


def _continues_drag(other: Command, command: _C) -> TypeGuard[_C]:
    """True when ``other`` is the same kind of command as ``command`` and continues its drag.

    One drag is one undo step: commands of one kind with the same non-None ``drag_id`` merge.
    """
    drag_id = getattr(command, "drag_id", None)
    return (
        isinstance(other, type(command))
        and drag_id is not None
        and getattr(other, "drag_id", None) == drag_id
    )


class Macro(Command):
    """Several commands done and undone as one (e.g. delete a selection)."""

    def __init__(self, text: str, commands: Iterable[Command]) -> None:
        self.text = text
        self.commands = list(commands)
        self._done = 0

    def do(self, graph: Graph) -> None:
        self._done = 0
        try:
            for command in self.commands:
                command.do(graph)
                self._done += 1
        except GraphError:  # keep the document consistent: roll back what was done
            for command in reversed(self.commands[: self._done]):
                command.undo(graph)
            raise

    def undo(self, graph: Graph) -> None:
        for command in reversed(self.commands):
            command.undo(graph)


class AddNode(Command):
    """Place a component (or an empty container)."""

    def __init__(
        self,
        component: str,
        *,
        position: tuple[float, float] = (0.0, 0.0),
        name: str | None = None,
        params: dict[str, JSONValue] | None = None,
        parent: str | None = None,
        container_kind: str | None = None,
        index: int | None = None,
    ) -> None:
        self.component = component
        self.position = position
        self.name = name
        self.params = copy.deepcopy(params) if params else {}
        self.parent = parent
        self.container_kind = container_kind
        self.index = index
        self.node_id: str | None = None
        self.text = f"Add {component.rsplit('.', 1)[-1]}"

    def do(self, graph: Graph) -> None:
        node = graph.add_node(
            self.component,
            name=self.name,
            params=self.params,
            position=self.position,
            parent=self.parent,
            container_kind=self.container_kind,
            node_id=self.node_id,
            index=self.index,
        )
        self.node_id, self.name = node.id, node.name

    def undo(self, graph: Graph) -> None:
        assert self.node_id is not None
        graph.remove_node(self.node_id)


class RemoveNode(Command):
    """Delete a node with its links and everything inside it."""

    def __init__(self, node_id: str) -> None:
        self.node_id = node_id
        self.text = "Delete node"
        self._records: list[_NodeRecord] = []
        self._links: list[Link] = []

    def do(self, graph: Graph) -> None:
        self._records = _record_subtree(graph, self.node_id)
        inside = {r.node.id for r in self._records}
        self._links = [ln for ln in graph.links if {ln.source[0], ln.sink[0]} & inside]
        self.text = f"Delete {self._records[0].node.name}"
        graph.remove_node(self.node_id)

    def undo(self, graph: Graph) -> None:
        _restore_nodes(graph, self._records)
        _restore_links(graph, self._links)


class MoveNodes(Command):
    """Move one or more nodes; consecutive moves of one drag merge into one command."""

    def __init__(
        self,
        moves: dict[str, tuple[float, float]],
        *,
        old: dict[str, tuple[float, float]] | None = None,
        drag_id: object = None,
    ) -> None:
        """Prepare the move.

        Args:
            moves: Node id -> new position.
            old: Node id -> position before the move (default: read when first done).
            drag_id: Moves with the same non-None ``drag_id`` merge (one drag = one undo step).
        """
        self.moves = {k: (float(x), float(y)) for k, (x, y) in moves.items()}
        self.old = dict(old) if old else None
        self.drag_id = drag_id
        self.text = "Move node" if len(moves) == 1 else f"Move {len(moves)} nodes"

    def do(self, graph: Graph) -> None:
        if self.old is None:
            self.old = {nid: graph.node(nid).position for nid in self.moves}
        for nid in self.moves:
            graph.node(nid)
        for nid, position in self.moves.items():
            graph.move_node(nid, position)

    def undo(self, graph: Graph) -> None:
        assert self.old is not None
        for nid, position in self.old.items():
            graph.move_node(nid, position)

    def merge_with(self, other: Command) -> bool:
        if not _continues_drag(other, self) or set(other.moves) - set(self.moves):
            return False
        self.moves.update(other.moves)
        return True


def MoveNode(node_id: str, position: tuple[float, float], *, drag_id: object = None) -> MoveNodes:
    """Move one node (a :class:`MoveNodes` with one entry)."""
    return MoveNodes({node_id: position}, drag_id=drag_id)


class RenameNode(Command):
    """Give a node a new name."""

    def __init__(self, node_id: str, name: str) -> None:
        self.node_id, self.name = node_id, name
        self.old: str | None = None
        self.text = f"Rename to {name}"

    def do(self, graph: Graph) -> None:
        self.old = graph.node(self.node_id).name
        graph.rename_node(self.node_id, self.name)

    def undo(self, graph: Graph) -> None:
        assert self.old is not None
        graph.rename_node(self.node_id, self.old)


class SetParam(Command):
    """Set (or, with ``unset=True``, remove) one constructor parameter of a node."""

    def __init__(
        self, node_id: str, name: str, value: JSONValue = None, *, unset: bool = False
    ) -> None:
        self.node_id, self.name = node_id, name
        self.value = copy.deepcopy(value)
        self.unset = unset
        self.old: Any = _ABSENT
        self.text = f"Reset {name}" if unset else f"Set {name}"

    def do(self, graph: Graph) -> None:
        params = graph.node(self.node_id).params
        self.old = copy.deepcopy(params[self.name]) if self.name in params else _ABSENT
        if self.unset:
            graph.unset_param(self.node_id, self.name)
        else:
            graph.set_param(self.node_id, self.name, self.value)

    def undo(self, graph: Graph) -> None:
        if self.old is _ABSENT:
            graph.unset_param(self.node_id, self.name)
        else:
            graph.set_param(self.node_id, self.name, self.old)


class AddLink(Command):
    """Link a source box to a sink box."""

    def __init__(self, source: BoxRef, sink: BoxRef) -> None:
        # Held as tuples whatever sequence the caller passes.
        self.source: BoxRef = (source[0], source[1])
        self.sink: BoxRef = (sink[0], sink[1])
        self.link_id: str | None = None
        self.text = f"Link {source[1]} to {sink[1]}"

    def do(self, graph: Graph) -> None:
        self.link_id = graph.add_link(self.source, self.sink, link_id=self.link_id).id

    def undo(self, graph: Graph) -> None:
        assert self.link_id is not None
        graph.remove_link(self.link_id)


class RemoveLink(Command):
    """Delete one explicit link."""

    def __init__(self, link_id: str) -> None:
        self.link_id = link_id
        self.link: Link | None = None
        self.text = "Delete link"

    def do(self, graph: Graph) -> None:
        self.link = graph.link(self.link_id)
        graph.remove_link(self.link_id)

    def undo(self, graph: Graph) -> None:
        assert self.link is not None
        _restore_links(graph, [self.link])


class AddAnnotation(Command):
    """Place a note on the canvas."""

    def __init__(self, text: str, position: tuple[float, float] = (0.0, 0.0)) -> None:
        self.note_text, self.position = text, position
        self.annotation_id: str | None = None
        self.text = "Add note"

    def do(self, graph: Graph) -> None:
        note = graph.add_annotation(self.note_text, self.position, annotation_id=self.annotation_id)
        self.annotation_id = note.id

    def undo(self, graph: Graph) -> None:
        assert self.annotation_id is not None
        graph.remove_annotation(self.annotation_id)


class EditAnnotation(Command):
    """Change a note's text and/or position; moves with the same ``drag_id`` merge."""

    def __init__(
        self,
        annotation_id: str,
        *,
        text: str | None = None,
        position: tuple[float, float] | None = None,
        drag_id: object = None,
    ) -> None:
        self.annotation_id = annotation_id
        self.new_text, self.position, self.drag_id = text, position, drag_id
        self.old: Annotation | None = None
        self.text = "Edit note" if text is not None else "Move note"

    def do(self, graph: Graph) -> None:
        self.old = copy.copy(graph.annotation(self.annotation_id))
        graph.edit_annotation(self.annotation_id, text=self.new_text, position=self.position)

    def undo(self, graph: Graph) -> None:
        assert self.old is not None
        graph.edit_annotation(self.annotation_id, text=self.old.text, position=self.old.position)

    def merge_with(self, other: Command) -> bool:
        if not _continues_drag(other, self) or other.annotation_id != self.annotation_id:
            return False
        self.new_text = other.new_text if other.new_text is not None else self.new_text
        self.position = other.position if other.position is not None else self.position
        return True


class RemoveAnnotation(Command):
    """Delete a note."""

    def __init__(self, annotation_id: str) -> None:
        self.annotation_id = annotation_id
        self.old: Annotation | None = None
        self.text = "Delete note"

    def do(self, graph: Graph) -> None:
        self.old = copy.copy(graph.annotation(self.annotation_id))
        graph.remove_annotation(self.annotation_id)

    def undo(self, graph: Graph) -> None:
        assert self.old is not None
        graph.add_annotation(self.old.text, self.old.position, annotation_id=self.old.id)


def remove_selection(
    graph: Graph,
    node_ids: Iterable[str] = (),
    link_ids: Iterable[str] = (),
    annotation_ids: Iterable[str] = (),
) -> Macro:
    """One undoable command deleting a selection.

    Nodes inside another selected node and links that go with a deleted node are left to the
    outer deletion, so the parts never trip over each other.
    """
    nodes = [n for n in dict.fromkeys(node_ids) if graph.has_node(n)]
    chosen = set(nodes)
    tops = [n for n in nodes if not chosen & set(graph.ancestors(n))]
    gone = set(tops) | {d.id for n in tops for d in graph.descendants(n)}
    links = [
        lid
        for lid in dict.fromkeys(link_ids)
        if graph.has_link(lid) and not {graph.link(lid).source[0], graph.link(lid).sink[0]} & gone
    ]
    commands: list[Command] = [RemoveLink(lid) for lid in links]
    commands += [RemoveNode(n) for n in tops]
    commands += [RemoveAnnotation(a) for a in dict.fromkeys(annotation_ids)]
    count = len(commands)
    return Macro("Delete" if count != 1 else commands[0].text, commands)


__all__ = [
    "AddAnnotation",
    "AddLink",
    "AddNode",
    "Command",
    "CommandError",
    "EditAnnotation",
    "Macro",
    "MoveNode",
    "MoveNodes",
    "RemoveAnnotation",
    "RemoveLink",
    "RemoveNode",
    "RenameNode",
    "SetParam",
    "remove_selection",
]
