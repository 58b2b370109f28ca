"""Axon.AdaptiveCommsComponent on kamaelia_core: a component that adds and deletes boxes as it runs.

kamaelia_core's ``AdaptiveComponent`` under Axon's name, with the Axon component's face; boxes
it adds are Axon postboxes too, and deleting one cuts every link into or out of it.
"""

from __future__ import annotations

from typing import Any

from kamaelia_core.adaptive import AdaptiveComponent
from kamaelia_core.compat.axon.box import postbox
from kamaelia_core.compat.axon.component import component


class AdaptiveCommsComponent(AdaptiveComponent, component):
    """Axon's AdaptiveCommsComponent.

    Args:
        *args: Ignored, as Axon ignores them.
        **argd: Become attributes.
    """

    def __init__(self, *args: Any, **argd: Any) -> None:
        super().__init__(*args, **argd)

    def addInbox(self, name: str = "inbox") -> str:
        """Add an inbox named after ``name``; returns the name used."""
        actual = super().addInbox(name)
        self.inboxes[actual].__class__ = postbox
        return actual

    def addOutbox(self, name: str = "outbox") -> str:
        """Add an outbox named after ``name``; returns the name used."""
        actual = super().addOutbox(name)
        self.outboxes[actual].__class__ = postbox
        return actual


__all__ = ["AdaptiveCommsComponent"]
