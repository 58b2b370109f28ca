"""Decides where each live component belongs on the drawing, from its ``spawned`` facts alone.

Used by the LiveModel for every component it learns of. A component built from a graph carries
its design node id (``design_id``) or, as a per-connection copy of a template, ``instance_of``;
a service (the Selector, made through the CAT) has a column of its own; what a design node's
component makes at run time (the TCPServer inside a ServerCore, each CSA) belongs to that node;
and a component no graph declared (a program's) is *undeclared* until a program graph gives it a
node of its own, inside its parent's frame.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workbench.runtime.live_model import LiveEntity

ANCESTOR_LIMIT = 64
"""Parent links followed at most (a guard against a cycle in bad data)."""


class Placer:
    """Sets ``placement`` and ``design_id`` of new entities.

    Args:
        entities: The model's entities by cid (parents are looked up there).
        undeclared: Called with an entity no design declares; it may give it a ``design_id``
            (a program graph's node). None: such entities stay undeclared and undrawn.
    """

    def __init__(
        self,
        entities: dict[int, LiveEntity],
        undeclared: Callable[[LiveEntity], None] | None = None,
    ) -> None:
        self.entities = entities
        self.undeclared = undeclared

    def place(self, ent: LiveEntity) -> None:
        """Place ``ent`` (its parent, if any, is already known)."""
        details = ent.details
        instance_of = details.get("instance_of")
        design_id = details.get("design_id")
        if isinstance(instance_of, str):
            ent.placement, ent.design_id = "instance", instance_of
        elif isinstance(design_id, str):
            ent.placement, ent.design_id = "design", design_id
        elif ent.kind == "service":
            ent.placement = "service"
        else:
            owner = self._owner(ent)
            if owner is not None:
                ent.placement, ent.design_id = "spawned", owner
            else:
                ent.placement = "undeclared"
                if self.undeclared is not None:
                    self.undeclared(ent)

    def _owner(self, ent: LiveEntity) -> str | None:
        """The design node whose component made ``ent`` at run time, or None.

        The nearest ancestor that has a place decides: a spawned or per-connection one passes its
        owner on; a design node owns what its component makes; a program graph's node owns what
        it makes only when its class spawns children (a server): the children of a program's
        Pipeline or plain component get nodes of their own, inside its frame.
        """
        parent = self.entities.get(ent.parent) if ent.parent is not None else None
        for _ in range(ANCESTOR_LIMIT):
            if parent is None:
                return None
            if parent.placement in ("spawned", "instance") and parent.design_id is not None:
                return parent.design_id
            if parent.design_id is not None:
                if parent.placement == "design" or parent.details.get("spawns"):
                    return parent.design_id
                return None
            parent = self.entities.get(parent.parent) if parent.parent is not None else None
        return None
