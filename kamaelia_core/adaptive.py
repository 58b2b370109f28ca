"""Adaptive components: add and delete boxes while running, and remember what each box is for.

A server that makes a pair of boxes per connection (ServerCore) adds them here, tracks which
connection they belong to, and deletes them (cutting their links) when the connection ends. A tap,
if attached, records ``box_added``/``box_removed`` so a live view can draw the boxes as they come
and go. Names follow Axon's ``AdaptiveCommsComponent``.
"""

from __future__ import annotations

import itertools
from typing import Any

from kamaelia_core.component import Component
from kamaelia_core.linkage import Box, Linkage, _retarget

_suffixes = itertools.count(1)


class AdaptiveComponent(Component):
    """A component that can add and remove inboxes and outboxes at run time.

    Args:
        **argd: Become attributes, as for every component.
    """

    def __init__(self, *args: Any, **argd: Any) -> None:
        super().__init__(*args, **argd)
        self._resourceStore: dict[Any, tuple[Any, Any, Any]] = {}
        self._resourceLookup: dict[str, Any] = {}

    # -- boxes ---------------------------------------------------------------------------------

    def addInbox(self, name: str = "inbox") -> str:
        """Add an inbox called ``name``, or ``name`` plus a number if taken; return the name."""
        actual = _free_name(self.inboxes, name)
        self.inboxes[actual] = Box(self, actual, True)
        self._record_box("box_added", actual, True)
        return actual

    def addOutbox(self, name: str = "outbox") -> str:
        """Add an outbox called ``name``, or ``name`` plus a number if taken; return the name."""
        actual = _free_name(self.outboxes, name)
        self.outboxes[actual] = Box(self, actual, False)
        self._record_box("box_added", actual, False)
        return actual

    def deleteInbox(self, name: str) -> None:
        """Delete inbox ``name``, cutting every link into or out of it; its messages are lost.

        Raises:
            KeyError: No such inbox.
        """
        box = self.inboxes[name]
        self._sever(box)
        del self.inboxes[name]
        self._record_box("box_removed", name, True)

    def deleteOutbox(self, name: str) -> None:
        """Delete outbox ``name``, cutting every link into or out of it.

        Raises:
            KeyError: No such outbox.
        """
        box = self.outboxes[name]
        self._sever(box)
        del self.outboxes[name]
        self._record_box("box_removed", name, False)

    def _sever(self, box: Box) -> None:
        """Remove every linkage that starts or ends at ``box``, whoever made it."""
        for owner, linkage in _linkages_touching(box):
            if linkage in owner.linkages:
                owner._drop_linkage(linkage)
        for source in list(box.sources):  # links made by components we could not find
            source.linked_to = None
            del box.sources[source]
            _reset_target(source)
        if box.linked_to is not None:
            del box.linked_to.sources[box]
            box.linked_to = None
            _reset_target(box)

    def _record_box(self, kind: str, name: str, is_inbox: bool) -> None:
        sched = self._sched
        if sched is not None and sched.tap is not None:
            sched.tap.record(kind, self, name, extra={"inbox": is_inbox})

    # -- tracked resources ---------------------------------------------------------------------

    def trackResource(self, resource: Any, inbox: str) -> None:
        """Remember that ``inbox`` belongs to ``resource``.

        Raises:
            KeyError: No such inbox.
        """
        self.inboxes[inbox]
        self._resourceLookup[inbox] = resource

    def retrieveTrackedResource(self, inbox: str) -> Any:
        """The resource ``inbox`` belongs to (KeyError when none)."""
        return self._resourceLookup[inbox]

    def trackResourceInformation(
        self, resource: Any, inboxes: Any, outboxes: Any, information: Any
    ) -> None:
        """Remember the boxes and any other information that belong to ``resource``.

        Raises:
            KeyError: One of the boxes does not exist.
        """
        for name in inboxes:
            self.inboxes[name]
        for name in outboxes:
            self.outboxes[name]
        self._resourceStore[resource] = (inboxes, outboxes, information)

    def retrieveTrackedResourceInformation(self, resource: Any) -> tuple[Any, Any, Any]:
        """``(inboxes, outboxes, information)`` stored for ``resource`` (KeyError when none)."""
        return self._resourceStore[resource]

    def ceaseTrackingResource(self, resource: Any) -> None:
        """Forget ``resource`` (KeyError when it is not tracked)."""
        del self._resourceStore[resource]
        for inbox in [k for k, v in self._resourceLookup.items() if v is resource]:
            del self._resourceLookup[inbox]


def _free_name(boxes: dict[str, Box], name: str) -> str:
    actual = name
    while actual in boxes:
        actual = f"{name}{next(_suffixes)}"
    return actual


def _reset_target(box: Box) -> None:
    """Point ``box`` (and everything feeding it) back at its own terminal box."""
    _retarget(box, box.final())


def _linkages_touching(box: Box) -> list[tuple[Component, Linkage]]:
    """Linkages (with their owners) whose source or sink is ``box``."""
    owners: list[Component] = []
    seen: set[int] = set()

    def consider(comp: Component | None) -> None:
        if comp is not None and comp.cid not in seen:
            seen.add(comp.cid)
            owners.append(comp)

    owner = box.owner
    consider(owner)
    consider(owner.parent)
    for child in owner.children:
        consider(child)
    neighbours = [b.owner for b in box.sources]
    if box.linked_to is not None:
        neighbours.append(box.linked_to.owner)
    for comp in neighbours:
        consider(comp)
        consider(comp.parent)
    found = []
    for comp in owners:
        for linkage in comp.linkages:
            if linkage.source_box is box or linkage.sink_box is box:
                found.append((comp, linkage))
    return found


AdaptiveCommsComponent = AdaptiveComponent
