"""One selection across the live views: the canvas, the message log and the timeline.

Each view joins the hub with what it does when something is selected elsewhere, and tells the hub
what the user selected in it. A selected *message* (an engine Event, or a log row: anything with
``seq``, ``cid``, ``box``, ``sink_cid``, ``sink_box``) goes to every other member's ``on_event``;
selected *components* (a set of cids) to their ``on_components``. The origin is never told back,
and a member that selects in answer does not start another round, so no pair of views needs to
be wired to each other by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

OnEvent = Callable[[Any], Any]
OnComponents = Callable[[set[int]], Any]


@dataclass
class Member:
    """A view taking part in the selection."""

    name: str
    on_event: OnEvent | None = None
    on_components: OnComponents | None = None


class SelectionHub(QObject):
    """Hands a selection made in one live view to the others.

    Attributes:
        event: The message selected last (None at first).
        components: The components selected last.
    """

    event_selected = Signal(object, str)  #: (message, origin)
    components_selected = Signal(object, str)  #: (set of cids, origin)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.members: dict[str, Member] = {}
        self.event: Any = None
        self.components: set[int] = set()
        self._busy = False

    def join(
        self,
        name: str,
        on_event: OnEvent | None = None,
        on_components: OnComponents | None = None,
    ) -> Callable[[], None]:
        """Add (or replace) member ``name``; returns a function that removes it."""
        member = Member(name, on_event, on_components)
        self.members[name] = member
        return lambda: self.leave(name, member)

    def leave(self, name: str, member: Member | None = None) -> None:
        """Remove member ``name`` (only ``member`` when given: a newer one stays)."""
        if member is None or self.members.get(name) is member:
            self.members.pop(name, None)

    def select_event(self, ev: Any, origin: str) -> None:
        """``origin`` selected message ``ev``: show it in every other member."""
        if self._busy or ev is None:
            return
        self.event = ev
        self._broadcast(origin, lambda m: m.on_event and m.on_event(ev))
        self.event_selected.emit(ev, origin)

    def select_components(self, cids: set[int], origin: str) -> None:
        """``origin`` selected components ``cids``: show them in every other member."""
        if self._busy:
            return
        self.components = set(cids)
        self._broadcast(origin, lambda m: m.on_components and m.on_components(set(cids)))
        self.components_selected.emit(set(cids), origin)

    def _broadcast(self, origin: str, call: Callable[[Member], Any]) -> None:
        self._busy = True
        try:
            for member in list(self.members.values()):
                if member.name != origin:
                    call(member)
        finally:
            self._busy = False
