"""Axon.Box on kamaelia_core: the list-like postbox face of kamaelia_core's boxes.

A component written for Axon gets ``postbox`` objects in ``self.inboxes``/``self.outboxes``: they
are kamaelia_core boxes (same storage, same delivery, nothing slower on ``send``) that also answer
Axon's list-like calls: ``len``, ``append``, ``pop(index)``, ``setSize``/``getSize``, ``isFull``
and ``local_len``.
"""

from __future__ import annotations

from typing import Any

from kamaelia_core.component import Component
from kamaelia_core.linkage import Box

ShowAllTransits = False
"""Axon printed every delivery when set; here deliveries are the workbench's to show (the tap)."""


class postbox(Box):
    """A kamaelia_core box with Axon's list-like methods."""

    __slots__ = ()

    def __bool__(self) -> bool:
        return True  # a box is always "something", however many messages it holds

    def __len__(self) -> int:
        """Messages waiting where this box delivers (its terminal inbox), as in Axon."""
        target = self.target
        return len(target.storage) if target is not None else 0

    def local_len(self) -> int:
        """Messages waiting in this box itself."""
        return len(self.storage)

    def append(self, data: Any) -> None:
        """Deliver ``data`` through this box, as a send on it would.

        Raises:
            noSpaceInBox: The terminal inbox is size-limited and full.
        """
        target = self.target if self.target is not None else self
        target.put(data, self.route if self.route is not None else (self, self))

    def pop(self, index: int = 0) -> Any:
        """Take the message at ``index`` (the oldest by default) from this box.

        Raises:
            IndexError: No message there.
        """
        if index == 0:
            return Box.pop(self)
        storage = self.storage
        message = storage[index]
        del storage[index]
        return message

    def setSize(self, size: int | None) -> int | None:
        """Limit this box to ``size`` messages (None: no limit); returns the new size."""
        self.size = size
        return size

    def getSize(self) -> int | None:
        """The size limit (None: none)."""
        return self.size

    def isFull(self) -> bool:
        """Whether the terminal inbox is size-limited and full."""
        target = self.target
        if target is None or target.size is None:
            return False
        return len(target.storage) >= target.size

    def setShowTransit(self, showtransit: bool = False, tag: Any = None) -> None:
        """Accepted for Axon programs; attach a tap (or the workbench) to watch deliveries."""


def axonify(comp: Component) -> None:
    """Give every box of ``comp`` the ``postbox`` methods (in place: same objects, same links)."""
    for box in comp.inboxes.values():
        if box.__class__ is Box:
            box.__class__ = postbox
    for box in comp.outboxes.values():
        if box.__class__ is Box:
            box.__class__ = postbox


def _owner(notify: Any) -> Component:
    owner = getattr(notify, "__self__", None)
    if not isinstance(owner, Component):
        raise TypeError(
            "makeInbox/makeOutbox take the owning component's bound unpause "
            f"(e.g. makeInbox(self.unpause)), not {notify!r}"
        )
    return owner


def makeInbox(notify: Any, size: int | None = None) -> postbox:
    """A new inbox for the component whose bound ``unpause`` is ``notify``."""
    box = postbox(_owner(notify), "", True)
    box.size = size
    return box


def makeOutbox(notify: Any) -> postbox:
    """A new outbox for the component whose bound ``unpause`` is ``notify``."""
    return postbox(_owner(notify), "", False)


__all__ = ["ShowAllTransits", "makeInbox", "makeOutbox", "postbox"]
