"""Fan-out: one message in, a copy out of many outboxes, each consumer's backlog kept bounded.

``Overflow`` is the slow-consumer policy shared by every fan-out here (``Fanout``, ``PlugSplitter``
and ``Backplane``): before a copy is put into a consumer's inbox it looks at how many messages
already wait there. Past ``max_backlog`` (or when a size-limited inbox is full) the policy
``"drop"`` drops that consumer's oldest waiting messages to make room, counting them and logging
once per episode, and ``"disconnect"`` tells the caller to cut that consumer off. Either way the
fan-out never crashes on a full inbox and a consumer that does not read never makes memory grow
without bound; the other consumers are not slowed down. A fan-out copies at most ``batch`` (half
the bound) messages per slice and then lets its consumers run, so a burst larger than the bound
does not overflow consumers that keep up.
"""

from __future__ import annotations

import logging
from collections.abc import Generator, Iterable
from typing import Any

from kamaelia_core.component import Component
from kamaelia_core.errors import noSpaceInBox
from kamaelia_core.linkage import Box

log = logging.getLogger(__name__)

POLICIES = ("drop", "disconnect")
"""What ``Overflow`` does with a consumer whose backlog is past the bound."""
UNBOUNDED_BATCH = 1000
"""Messages copied per slice when there is no bound (so a flood still lets others run)."""


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

    def deliver(self, outbox: str, message: Any) -> bool:
        """Send ``message`` on the owner's ``outbox`` within the bound.

        Returns:
            True when it was delivered (or the outbox leads nowhere); False when the consumer
            overflows and the policy is ``"disconnect"``: the caller should cut it off.
        """
        owner = self.owner
        box = owner.outboxes[outbox]
        target = box.target
        if target is None or not target.is_inbox:
            owner.send(message, outbox)  # leads nowhere: discarded as any unlinked send
            return True
        storage = target.storage
        bound = self.max_backlog
        if bound is not None and len(storage) >= bound:
            if self.on_overflow == "disconnect":
                return False
            while len(storage) >= bound:
                self._drop_oldest(outbox, target)
        elif outbox in self.overflowing and (bound is None or len(storage) < bound // 2):
            self.overflowing.discard(outbox)
        try:
            target.put(message, box.route)
        except noSpaceInBox:
            if self.on_overflow == "disconnect":
                return False
            self._drop_oldest(outbox, target)
            if target.size == 0:
                self.dropped += 1  # an inbox that holds nothing: the copy itself is dropped
                return True
            target.put(message, box.route)
        return True

    def _drop_oldest(self, outbox: str, target: Any) -> None:
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


class Fanout(Component):
    """Sends a copy of every message on ``inbox`` out of each named outbox.

    A producerFinished or shutdownMicroprocess on control ends it after the waiting messages
    are sent, and is passed on through signal. A consumer that does not keep up is handled by
    the fan-out policy (see ``Overflow``): by default only a full size-limited inbox overflows,
    and its oldest messages are dropped instead of the Fanout crashing.

    Args:
        boxnames: Names of the outboxes to copy to (they are added to this instance).
        max_backlog: Most messages left waiting in one consumer's inbox (None: no bound).
        on_overflow: ``"drop"`` (the oldest waiting) or ``"disconnect"`` (stop sending there).
    """

    Inboxes = {
        "inbox": "Messages to copy to every named outbox",
        "control": "producerFinished or shutdownMicroprocess: finish and pass it on",
    }
    Outboxes = {
        "outbox": "Unused (the copies leave by the named outboxes)",
        "signal": "The shutdown message received on control, passed on",
    }

    def __init__(
        self,
        boxnames: Iterable[str] = (),
        max_backlog: int | None = None,
        on_overflow: str = "drop",
    ) -> None:
        super().__init__()
        self.boxnames = [str(name) for name in boxnames]
        for name in self.boxnames:
            if name in self.outboxes:
                raise ValueError(f"Fanout outbox {name!r} clashes with a standard box")
            self.outboxes[name] = Box(self, name, False)
        self.overflow = Overflow(self, max_backlog, on_overflow)
        self.cut: set[str] = set()
        """Named outboxes no longer sent to (their consumer overflowed, policy "disconnect")."""

    def __repr__(self) -> str:
        return f"<{self.name} {self.state} to={self.boxnames} dropped={self.overflow.dropped}>"

    def main(self) -> Generator[Any, None, None]:
        """Copy whatever waits to every named outbox; sleep until more arrives."""
        inbox = self.inboxes["inbox"]
        deliver = self.overflow.deliver
        while True:
            for _ in range(self.overflow.batch):
                if not inbox.storage:
                    break
                message = inbox.pop()
                for name in self.boxnames:
                    if name not in self.cut and not deliver(name, message):
                        self.cut.add(name)
                        log.warning(
                            "%s: stopped sending on %s (consumer too slow)", self.name, name
                        )
            if inbox.storage:
                yield 1  # more to copy: the consumers take this batch first
                continue
            if self.pass_on_ending():
                return
            self.pause()
            yield 1


__kamaelia_components__ = (Fanout,)
