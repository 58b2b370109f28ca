"""The fan-out policy: how a component copying each message to many consumers bounds a slow one.

One decision, made before each copy goes into a consumer's inbox (``Overflow.offer``): how many
messages wait there already. Past ``max_backlog`` (or when a size-limited inbox is full) the
policy ``"drop"`` drops that consumer's oldest waiting messages to make room (counted, logged once
per episode), and ``"disconnect"`` delivers nothing and says why (``BEHIND`` or ``FULL``) so that
the fan-out cuts that consumer off. Either way nothing raises (no ``noSpaceInBox`` reaches the
sender), the other consumers are served as before, and a consumer that does not read pins a
bounded number of messages. A fan-out copies a bounded batch per slice (``Overflow.batch``, half
the bound) so that a burst larger than the bound does not overflow consumers that keep up.

Two tools, one policy:

* ``Overflow``, the policy alone, for components that keep their own outboxes: the
  Kamaelia-style ``Fanout``, ``PlugSplitter`` and ``Backplane`` of ``kamaelia_core.util``.
* ``Subscribers``, a set of subscribers of one owner (``ChatRoom``): each gets its own outbox on
  the owner, linked to its inbox, and is served under the ``"disconnect"`` policy. A dropped
  subscriber (``"behind"``, ``"full"``, or ``"ended"`` for one that has ended) is unlinked, its
  outbox removed, told with one ``subscriberDropped`` message (unless it has ended, or
  ``farewell`` is off), logged once, and reported to ``on_drop(key, why, backlog)`` so that the
  owner can tell the others.
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

POLICIES = ("drop", "disconnect")
"""What ``Overflow`` does with a consumer whose backlog is past the bound."""
UNBOUNDED_BATCH = 1000
"""Messages copied per slice when there is no bound (so a flood still lets others run)."""
DEFAULT_MAX_BACKLOG = 1000
"""Messages a subscriber may leave unread before it is dropped, unless the owner says otherwise."""
BEHIND = "behind"
"""Why a consumer is cut off: ``max_backlog`` messages wait unread in its inbox."""
FULL = "full"
"""Why a consumer is cut off: its size-limited inbox is full."""
ENDED = "ended"
"""Why a subscriber is dropped: it has finished or crashed."""
_ENDED_STATES = frozenset({"finished", "crashed"})


class Overflow:
    """Puts copies into consumers' inboxes without letting one slow consumer pile messages up.

    Args:
        owner: The fan-out component whose outboxes lead to the consumers.
        max_backlog: Most messages left waiting in one consumer's inbox (None: no bound, only a
            size-limited inbox that is full counts as overflowing).
        on_overflow: ``"drop"``: drop the consumer's oldest waiting messages to make room;
            ``"disconnect"``: deliver nothing and let the caller cut the consumer off.

    Raises:
        ValueError: An unknown policy or a bound below 1.
    """

    __slots__ = ("batch", "dropped", "max_backlog", "on_overflow", "overflowing", "owner")

    def __init__(
        self, owner: Component, max_backlog: int | None = None, on_overflow: str = "drop"
    ) -> None:
        if on_overflow not in POLICIES:
            raise ValueError(f"on_overflow must be one of {POLICIES}, not {on_overflow!r}")
        if max_backlog is not None and max_backlog < 1:
            raise ValueError(f"max_backlog must be at least 1 (or None), not {max_backlog!r}")
        self.owner = owner
        self.max_backlog = max_backlog
        self.on_overflow = on_overflow
        self.dropped = 0
        """Messages dropped so far, over all consumers."""
        self.overflowing: set[str] = set()
        """Outboxes whose consumer is in an overflow episode (logged once per episode)."""
        self.batch = UNBOUNDED_BATCH if max_backlog is None else max(1, max_backlog // 2)
        """Most messages to copy in one slice before letting the consumers run."""

    def __repr__(self) -> str:
        return (
            f"<Overflow {self.on_overflow} max_backlog={self.max_backlog} dropped={self.dropped}>"
        )

    def offer(self, box: Box, message: Any) -> str | None:
        """Send ``message`` through ``box`` (one of the owner's outboxes) within the bound.

        Returns:
            None when it was delivered (or ``box`` leads nowhere, or ``"drop"`` made room);
            under ``"disconnect"``, why the consumer must be cut off instead: ``BEHIND`` or
            ``FULL`` (nothing was delivered, its inbox is as it was).
        """
        target = box.target
        if target is None or not target.is_inbox:
            self.owner.send(message, box.name)  # leads nowhere: discarded as any unlinked send
            return None
        storage = target.storage
        bound = self.max_backlog
        if bound is not None and len(storage) >= bound:
            if self.on_overflow == "disconnect":
                return BEHIND
            while len(storage) >= bound:
                self._drop_oldest(box.name, target)
        elif box.name in self.overflowing and (bound is None or len(storage) < bound // 2):
            self.overflowing.discard(box.name)
        try:
            target.put(message, box.route)
        except noSpaceInBox:
            if self.on_overflow == "disconnect":
                return FULL
            self._drop_oldest(box.name, target)
            if target.size == 0:
                self.dropped += 1  # an inbox that holds nothing: the copy itself is dropped
                return None
            target.put(message, box.route)
        return None

    def deliver(self, outbox: str, message: Any) -> bool:
        """``offer`` through the owner's outbox named ``outbox``.

        Returns:
            True when delivered (as ``offer`` returning None); False when the consumer must be
            cut off.
        """
        return self.offer(self.owner.outboxes[outbox], message) is None

    def _drop_oldest(self, outbox: str, target: Box) -> None:
        if target.storage:
            target.pop()
        self.dropped += 1
        if outbox not in self.overflowing:
            self.overflowing.add(outbox)
            log.warning(
                "%s: %s.%s is not keeping up; dropping its oldest messages (%s)",
                self.owner.name,
                target.owner.name,
                target.name,
                "inbox full" if self.max_backlog is None else f"more than {self.max_backlog}",
            )


def take_batch(inbox: Box, limit: int, handle: Callable[[Any], object]) -> bool:
    """Hand at most ``limit`` of the messages waiting in ``inbox`` to ``handle``, oldest first.

    Returns:
        Whether messages still wait: the fan-out should yield and let its consumers take this
        batch before it copies the next (``Overflow.batch`` is the usual ``limit``).
    """
    storage = inbox.storage
    for _ in range(limit):
        if not storage:
            return False
        handle(inbox.pop())
    return bool(storage)


class subscriberDropped(ipc):
    """A fan-out stopped sending to you: ``why`` is ``"behind"`` or ``"full"``.

    ``caller`` is the fan-out's owner; ``backlog`` the messages that were waiting in your inbox.
    """

    __slots__ = ("backlog", "caller", "why")
    backlog: int
    caller: Any
    why: str

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


class Subscribers:
    """The subscribers of one sending component, served under the ``"disconnect"`` policy.

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
        self.overflow = Overflow(owner, max_backlog, "disconnect")
        """The policy each delivery goes through, with the same bound (fixed when made)."""
        self._offer = self.overflow.offer
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
            f"<Subscribers of {self.owner.name} subscribers={len(self._subs)} "
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
        why = self._offer(sub.box, message)
        if why is None:
            return True
        self._drop(key, sub, why, len(sub.box.target.storage))  # as it was: nothing was added
        return False

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
        drops, on_drop = self._drops, self.on_drop
        while drops and on_drop is not None:  # on_drop may send, and so drop others: in turn
            key, why, backlog = drops.popleft()
            on_drop(key, why, backlog)

    def _forget(self, sub: _Subscriber) -> None:
        owner = self.owner
        owner.unlink(thelinkage=sub.linkage)
        owner.outboxes.pop(sub.name, None)
        sub.box.let_go()


__all__ = [
    "BEHIND",
    "DEFAULT_MAX_BACKLOG",
    "ENDED",
    "FULL",
    "POLICIES",
    "UNBOUNDED_BATCH",
    "Overflow",
    "Subscribers",
    "subscriberDropped",
    "take_batch",
]
