"""The undo history: applies commands to a Graph and walks back and forth through them.

Sits between the UI's actions (menus, shortcuts, drags) and :mod:`workbench.model.commands`.
The Qt UI may use its own QUndoStack around the same commands instead; this one serves the
headless tools and the tests, and any UI that wants a plain observer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workbench.model.commands import Command
from workbench.model.graph import Graph
from workbench.model.observers import DetachHandler, Observers

StackObserver = Callable[[str, Any], None]


class CommandStack:
    """An undo/redo history of commands applied to one graph.

    Observers get ``(event, payload)``: "command_pushed", "command_undone", "command_redone"
    (payload: the command), "clean_changed" (payload: the new ``is_clean``) and
    "stack_cleared" (payload: None). A failing observer is logged and detached.
    """

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self._commands: list[Command] = []
        self._index = 0
        self._clean_index: int | None = 0
        self._observers: Observers[[str, Any]] = Observers("command stack observer")

    def __repr__(self) -> str:
        return f"<CommandStack {self._index}/{len(self._commands)} clean={self.is_clean}>"

    def subscribe(self, callback: StackObserver) -> Callable[[], None]:
        """Observe the stack; returns an unsubscribe function."""
        return self._observers.subscribe(callback)

    def on_observer_detached(self, handler: DetachHandler) -> Callable[[], None]:
        """Call ``handler(callback, exc)`` when a failing observer is detached; returns a
        function that removes the handler."""
        return self._observers.on_detached(handler)

    def _emit(self, event: str, payload: Any, was_clean: bool) -> None:
        self._observers.notify(event, payload)
        if was_clean != self.is_clean:
            self._observers.notify("clean_changed", self.is_clean)

    def push(self, command: Command) -> None:
        """Do ``command`` and record it, merging it into the previous one when that allows.

        Raises:
            GraphError: the command could not be applied; graph and stack are unchanged.
        """
        was_clean = self.is_clean
        command.do(self.graph)
        del self._commands[self._index :]
        if self._clean_index is not None and self._clean_index > self._index:
            self._clean_index = None
        top = self._commands[-1] if self._commands else None
        if top is not None and self._index != self._clean_index and top.merge_with(command):
            self._emit("command_pushed", top, was_clean)
            return
        self._commands.append(command)
        self._index += 1
        self._emit("command_pushed", command, was_clean)

    def undo(self) -> None:
        """Undo the last done command (nothing happens when there is none)."""
        if not self.can_undo:
            return
        was_clean = self.is_clean
        self._index -= 1
        command = self._commands[self._index]
        command.undo(self.graph)
        self._emit("command_undone", command, was_clean)

    def redo(self) -> None:
        """Redo the last undone command (nothing happens when there is none)."""
        if not self.can_redo:
            return
        was_clean = self.is_clean
        command = self._commands[self._index]
        command.do(self.graph)
        self._index += 1
        self._emit("command_redone", command, was_clean)

    @property
    def can_undo(self) -> bool:
        """True if there is something to undo."""
        return self._index > 0

    @property
    def can_redo(self) -> bool:
        """True if there is something to redo."""
        return self._index < len(self._commands)

    @property
    def undo_text(self) -> str:
        """Menu text of the command :meth:`undo` would undo ("" if none)."""
        return self._commands[self._index - 1].text if self.can_undo else ""

    @property
    def redo_text(self) -> str:
        """Menu text of the command :meth:`redo` would redo ("" if none)."""
        return self._commands[self._index].text if self.can_redo else ""

    @property
    def index(self) -> int:
        """Number of commands currently done."""
        return self._index

    def __len__(self) -> int:
        return len(self._commands)

    @property
    def is_clean(self) -> bool:
        """True when the graph is as it was at the last :meth:`set_clean` (e.g. when saved)."""
        return self._index == self._clean_index

    def set_clean(self) -> None:
        """Mark the current state as saved."""
        was_clean = self.is_clean
        self._clean_index = self._index
        if not was_clean:
            self._observers.notify("clean_changed", True)

    def clear(self) -> None:
        """Forget the history (e.g. after loading another document); the state counts as clean."""
        was_clean = self.is_clean
        self._commands.clear()
        self._index = 0
        self._clean_index = 0
        self._emit("stack_cleared", None, was_clean)
