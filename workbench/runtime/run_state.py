"""The state of a run and who follows it, shared by a Session, a RemoteRun and a Replay.

Sits between a run and the host that drives it (the window's RunController, the headless
runner): every kind of run moves through idle, running, paused, stopped and finished, and tells
its state listeners of each change, in the order they subscribed.
"""

from __future__ import annotations

from collections.abc import Callable


class RunState:
    """A run's ``state`` and its listeners (the base of every run the workbench watches)."""

    def __init__(self) -> None:
        self.state = "idle"
        """idle, running, paused, stopped, finished."""
        self._listeners: list[Callable[[str], None]] = []

    def subscribe_state(self, listener: Callable[[str], None]) -> None:
        """Call ``listener(state)`` whenever the state changes."""
        self._listeners.append(listener)

    def _set_state(self, state: str) -> None:
        self.state = state
        for listener in list(self._listeners):
            listener(state)
