"""Copies each message from one component to many subscribers, with a bound on how far one may lag.

A fan-out (a chat room, a backplane) sends every message to every subscriber's inbox. A subscriber
that stops reading would otherwise make its inbox grow without limit, and one whose inbox is
size-limited would make the sender's ``send`` raise ``noSpaceInBox``. ``Fanout`` is the policy in
one place, for any component that fans out:

* Each subscriber gets its own outbox on the owner, linked to the subscriber's inbox.
* Before each delivery the subscriber's backlog (messages waiting, unread, in that inbox) is
  compared with ``max_backlog``. A subscriber already holding ``max_backlog`` messages is
  dropped instead of given one more (``"behind"``); so is one whose size-limited inbox is full
  (``"full"``) and one that has ended (``"ended"``). Nothing raises, the other subscribers are
  served as before, and the memory a slow subscriber can pin is ``max_backlog`` messages.
* Dropping unlinks and removes the subscriber's outbox, puts one ``subscriberDropped`` message
  into its inbox (unless it has ended, or ``farewell`` is off) so it can end or resubscribe, logs
  the drop once, and calls ``on_drop(key, why, backlog)`` so the owner can tell the others.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Hashable, Iterator
from typing import TYPE_CHECKING, Any

from kamaelia_core.errors import noSpaceInBox
from kamaelia_core.ipc import ipc
from kamaelia_core.linkage import Box, Linkage

if TYPE_CHECKING:
    from kamaelia_core.component import Component

log = logging.getLogger(__name__)

DEFAULT_MAX_BACKLOG = 1000
"""Messages a subscriber may leave unread before it is dropped, unless the owner says otherwise."""
BEHIND = "behind"
FULL = "full"
ENDED = "ended"
_ENDED_STATES = frozenset({"finished", "crashed"})


class subscriberDropped(ipc):
    """A fan-out stopped sending to you: ``why`` is ``"behind"`` or ``"full"``.

    ``caller`` is the fan-out's owner; ``backlog`` the messages that were waiting in your inbox.
    """

    __slots__ = ("backlog", "caller", "why")

    def __init__(self, caller: Any, why: str, backlog: int) -> None:
        object.__setattr__(self, "caller", caller)
        object.__setattr__(self, "why", why)
        object.__setattr__(self, "backlog", backlog)


class _Subscriber:
    __slots__ = ("box", "component", "inbox", "linkage", "name")

    def __init__(self, name: str, box: Box, component: Component, inbox: str, linkage: Linkage):
        self.name = name
        self.box = box
        self.component = component
        self.inbox = inbox
        self.linkage = linkage


class Fanout:
    """The subscribers of one sending component and the slow-subscriber policy.

    Args:
        owner: The component that sends; subscribers' outboxes are added to it.
        max_backlog: Most messages a subscriber may hold unread; the next delivery drops it.
        on_drop: Called as ``on_drop(key, why, backlog)`` after a subscriber was dropped
            (``why``: ``"behind"``, ``"full"`` or ``"ended"``).
        farewell: Put a ``subscriberDropped`` into a dropped subscriber's inbox (not for one
            that has ended).
        prefix: Start of the outbox names (a number follows).

    Raises:
        ValueError: ``max_backlog`` is not a positive int.
    """

    def __init__(
        self,
        owner: Component,
        max_backlog: int = DEFAULT_MAX_BACKLOG,
        on_drop: Callable[[Hashable, str, int], None] | None = None,
        farewell: bool = True,
        prefix: str = "_fanout",
    ) -> None:
        if isinstance(max_backlog, bool) or not isinstance(max_backlog, int) or max_backlog < 1:
            raise ValueError(f"max_backlog must be a positive int, not {max_backlog!r}")
        self.owner = owner
        self.max_backlog = max_backlog
        self.on_drop = on_drop
        self.farewell = farewell
        self.prefix = prefix
        self.dropped = 0
        """Subscribers dropped so far (for any reason)."""
        self._subs: dict[Hashable, _Subscriber] = {}
        self._count = 0
        self._sending = 0
        self._drops: deque[tuple[Hashable, str, int]] = deque()
        """Drops not yet reported to ``on_drop`` (reported when the delivery under way ends)."""

    def __repr__(self) -> str:
        return (
            f"<Fanout of {self.owner.name} subscribers={len(self._subs)} "
            f"max_backlog={self.max_backlog} dropped={self.dropped}>"
        )

    def __len__(self) -> int:
        return len(self._subs)

    def __contains__(self, key: object) -> bool:
        return key in self._subs

    def __iter__(self) -> Iterator[Hashable]:
        return iter(self._subs)

    def keys(self) -> Any:
        """The subscribers' keys (a live view)."""
        return self._subs.keys()

    def add(self, key: Hashable, sink: tuple[Component, str]) -> str:
        """Subscribe ``sink`` (``(component, inbox)``) under ``key``; return the new outbox's name.

        Raises:
            KeyError: ``key`` is already subscribed.
        """
        if key in self._subs:
            raise KeyError(f"{key!r} is already subscribed to {self.owner.name}")
        self._count += 1
        name = f"{self.prefix}{self._count}"
        owner = self.owner
        while name in owner.outboxes:
            self._count += 1
            name = f"{self.prefix}{self._count}"
        box = owner.outboxes[name] = Box(owner, name, False)
        component, inbox = sink
        try:
            linkage = owner.link((owner, name), sink)
        except Exception:  # a bad sink: leave no outbox behind, then report it
            del owner.outboxes[name]
            raise
        self._subs[key] = _Subscriber(name, box, component, inbox, linkage)
        return name

    def remove(self, key: Hashable) -> bool:
        """Unsubscribe ``key`` (its outbox goes); False when it was not subscribed."""
        sub = self._subs.pop(key, None)
        if sub is None:
            return False
        self._forget(sub)
        return True

    def backlog(self, key: Hashable) -> int:
        """Messages waiting unread in ``key``'s inbox.

        Raises:
            KeyError: ``key`` is not subscribed.
        """
        target = self._subs[key].box.target
        return len(target.storage) if target is not None else 0

    def send(self, message: Any, skip: Hashable | None = None) -> int:
        """Deliver ``message`` to every subscriber but ``skip``; return how many got it.

        ``on_drop`` runs once this message has been offered to everyone, so what it sends (a
        notice to the others) follows the message rather than cutting into its delivery.
        """
        delivered = 0
        subs = self._subs
        self._sending += 1
        try:
            for key in list(subs):
                sub = subs.get(key)
                if sub is not None and key is not skip and self._deliver(key, sub, message):
                    delivered += 1
        finally:
            self._sending -= 1
        if self._drops and not self._sending:
            self._report_drops()
        return delivered

    def send_to(self, key: Hashable, message: Any) -> bool:
        """Deliver ``message`` to ``key`` alone; False when it is not (or no longer) subscribed."""
        sub = self._subs.get(key)
        if sub is None:
            return False
        self._sending += 1
        try:
            delivered = self._deliver(key, sub, message)
        finally:
            self._sending -= 1
        if self._drops and not self._sending:
            self._report_drops()
        return delivered

    def _deliver(self, key: Hashable, sub: _Subscriber, message: Any) -> bool:
        if sub.component._state in _ENDED_STATES:
            self._drop(key, sub, ENDED, 0)
            return False
        box = sub.box
        target = box.target
        waiting = len(target.storage)
        if waiting >= self.max_backlog:
            self._drop(key, sub, BEHIND, waiting)
            return False
        try:
            target.put(message, box.route)
        except noSpaceInBox:
            self._drop(key, sub, FULL, waiting)
            return False
        return True

    def _drop(self, key: Hashable, sub: _Subscriber, why: str, backlog: int) -> None:
        target = sub.box.target
        del self._subs[key]
        self._forget(sub)
        self.dropped += 1
        log.info(
            "%s stopped sending to %s.%s (%s, %d messages unread)",
            self.owner.name,
            sub.component.name,
            sub.inbox,
            why,
            backlog,
        )
        if self.farewell and why != ENDED and target is not None:
            try:
                target.put(subscriberDropped(self.owner, why, backlog), (sub.box, target))
            except noSpaceInBox:
                log.debug("%s: no room for the farewell to %s", self.owner.name, sub.component.name)
        if self.on_drop is not None:
            self._drops.append((key, why, backlog))

    def _report_drops(self) -> None:
        drops = self._drops
        while drops:  # on_drop may send, and so drop others: they are reported in turn
            key, why, backlog = drops.popleft()
            self.on_drop(key, why, backlog)  # type: ignore[misc]

    def _forget(self, sub: _Subscriber) -> None:
        owner = self.owner
        owner.unlink(thelinkage=sub.linkage)
        owner.outboxes.pop(sub.name, None)
        box = sub.box
        if box.target is box and not box.sources:
            box.target = None  # type: ignore[assignment]  # no self-reference: freed at once
            box.route = None  # type: ignore[assignment]


__all__ = ["BEHIND", "DEFAULT_MAX_BACKLOG", "ENDED", "FULL", "Fanout", "subscriberDropped"]
