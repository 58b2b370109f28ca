"""Boxes and linkages: where a sent message goes, resolved once at link time.

Every inbox and outbox is a ``Box``. A box linked onward keeps ``linked_to`` (its one direct
destination) and ``target`` (the terminal box at the end of the passthrough chain). ``send`` puts a
message straight into ``target``, so a chain of passthroughs costs nothing per message. Linking and
unlinking retarget the source and everything already feeding it.
"""

from __future__ import annotations

import socket
from collections import deque
from typing import TYPE_CHECKING, Any

from kamaelia_core.errors import BadInbox, BoxAlreadyLinkedToDestination, noSpaceInBox
from kamaelia_core.instrument import BY_REFERENCE, VALUE_LIMIT, capture

if TYPE_CHECKING:
    from kamaelia_core.component import Component


_AS_IS = BY_REFERENCE | {socket.socket}
"""Message types a tap keeps as they are with no call: ``BY_REFERENCE`` and the sockets the
Selector announces (``capture`` keeps them by reference too, rendered at drain time)."""

_NO_STORAGE = ()
"""The ``storage`` of every outbox: what is put into an outbox is discarded, never stored."""


class _NoBoxes(dict):
    """The shared, empty ``sources``/``feeders`` of a box that has none (most boxes, most of the
    time): a box gets a dict of its own on first use, so making a box allocates no dicts."""

    __slots__ = ()

    def __setitem__(self, key: Any, value: Any) -> None:
        raise TypeError("the shared empty box set is read-only")


_NONE: dict = _NoBoxes()


class Box:
    """One named inbox or outbox of a component.

    Attributes:
        owner: The component the box belongs to.
        name: The box's name.
        is_inbox: True for inboxes, False for outboxes.
        storage: Messages waiting in an inbox (for outboxes, which never hold messages, one
            shared empty tuple).
        size: Most messages an inbox accepts, or None for no limit.
        linked_to: The box this one forwards to, or None.
        sources: Boxes whose ``linked_to`` is this one (a dict used as an ordered set, so
            unlinking one of thousands of sources costs O(1)).
        feeders: Boxes whose terminal target is this one (to wake them when space frees up), an
            ordered set like ``sources``.
        target: The terminal box a message put here ends in (None for a box that let go of its
            ended component, see ``Component._release_boxes``).
        route: ``(self, target)``, kept up to date with ``target``: what a send hands to
            ``put`` (a tap records deliveries by it, without allocating), or None with ``target``.
    """

    __slots__ = (
        "feeders",
        "is_inbox",
        "linked_to",
        "name",
        "owner",
        "route",
        "size",
        "sources",
        "storage",
        "target",
    )

    def __init__(self, owner: Component, name: str, is_inbox: bool) -> None:
        self.owner = owner
        self.name = name
        self.is_inbox = is_inbox
        # outboxes share one empty tuple: nothing ever appends to an outbox's storage
        self.storage: deque[Any] = deque() if is_inbox else _NO_STORAGE  # type: ignore[assignment]
        self.size: int | None = None
        self.linked_to: Box | None = None
        self.sources: dict[Box, None] = _NONE
        self.feeders: dict[Box, None] = _NONE
        self.target: Box = self
        self.route: tuple[Box, Box] = (self, self)

    def __repr__(self) -> str:
        kind = "inbox" if self.is_inbox else "outbox"
        extra = f" holding {len(self.storage)}" if self.is_inbox else ""
        return f"<{kind} {self.owner.name}.{self.name}{extra}>"

    def put(self, message: Any, route: tuple[Box, Box]) -> None:
        """Deliver ``message`` into this (terminal) box.

        Args:
            message: What is delivered.
            route: ``(source box, this box)``: where the message was sent from (the source's
                ``route``), kept by a tap as the delivery's record.

        Raises:
            noSpaceInBox: The inbox is size-limited and full.
        """
        owner = self.owner
        sched = owner._sched
        if not self.is_inbox:
            if sched is not None and sched.tap is not None:
                source = route[0]
                sched.tap.record("discarded", source.owner, source.name, owner, self.name, message)
            return
        storage = self.storage
        if self.size is not None and len(storage) >= self.size:
            raise noSpaceInBox(len(storage), self.size, f"{owner.name}.{self.name}")
        storage.append(message)
        if sched is None:  # not activated yet (a Pipeline's child): the sender's tap records it
            sched = route[0].owner._sched
        if sched is not None:
            tap = sched.tap
            if tap is not None:  # the hottest lines with a tap: two appends, see Tap
                buf = tap.sink
                buf.append(route)
                cls = message.__class__
                if cls is bytes or cls is str:  # the common case first: no set lookup
                    buf.append(message if len(message) <= VALUE_LIMIT else capture(message))
                elif cls in _AS_IS:  # kept as is (immutable and small, or a socket): no call
                    buf.append(message)
                else:  # maybe an ipc message: a counting tap looks for those when it folds
                    buf.append(capture(message))
                    tap.mixed = True
            if owner._asleep:
                sched._wake(owner)
            else:
                owner._pause_req = False
        else:
            owner._pause_req = False

    def pop(self) -> Any:
        """Take the oldest message; wakes size-blocked feeders when the box had been full."""
        storage = self.storage
        if self.size is not None and len(storage) >= self.size and self.feeders:
            message = storage.popleft()
            for feeder in list(self.feeders):
                feeder.owner.unpause()
            return message
        return storage.popleft()

    def let_go(self) -> None:
        """Stop pointing at itself once nothing links to or from it (``target``/``route`` None).

        Breaks the box's reference cycle with itself so that its owner is freed at once by
        reference counting when nothing else holds it; what is sent through it is discarded.
        """
        if self.target is self and not self.sources:
            # declared as Box: the hot paths never meet a released box, they test for None
            self.target = None  # type: ignore[assignment]
            self.route = None  # type: ignore[assignment]

    def final(self) -> Box:
        """The terminal box a message put here ends in."""
        box = self
        while box.linked_to is not None:
            box = box.linked_to
        return box


def _retarget(box: Box, target: Box) -> None:
    old = box.target
    if old is not box and old is not None:  # None: a released box (Component._release_boxes)
        old.feeders.pop(box, None)
    box.target = target
    box.route = (box, target)
    if target is not box:
        feeders = target.feeders
        if feeders is _NONE:
            target.feeders = feeders = {}
        feeders[box] = None
    if box.sources:
        for source in box.sources:
            _retarget(source, target)


class Linkage:
    """A link from one box to another, made (and owned) by one component.

    Args:
        source: The component on the sending side.
        sink: The component on the receiving side.
        sourcebox: Box name on the source.
        sinkbox: Box name on the sink.
        passthrough: 0 = outbox to inbox; 1 = inbox to inbox (a parent forwarding into a child);
            2 = outbox to outbox (a child sending out through its parent).
    """

    __slots__ = ("passthrough", "sink", "sink_box", "sinkbox", "source", "source_box", "sourcebox")

    def __init__(
        self,
        source: Component,
        sink: Component,
        sourcebox: str = "outbox",
        sinkbox: str = "inbox",
        passthrough: int = 0,
    ) -> None:
        if passthrough not in (0, 1, 2):
            raise ValueError(f"passthrough must be 0, 1 or 2, not {passthrough!r}")
        self.source = source
        self.sink = sink
        self.sourcebox = sourcebox
        self.sinkbox = sinkbox
        self.passthrough = passthrough
        try:
            self.source_box = (source.inboxes if passthrough == 1 else source.outboxes)[sourcebox]
        except KeyError:
            kind = "inbox" if passthrough == 1 else "outbox"
            src_boxes = source.inboxes if passthrough == 1 else source.outboxes
            _lookup(src_boxes, source, sourcebox, kind)
        try:
            self.sink_box = (sink.outboxes if passthrough == 2 else sink.inboxes)[sinkbox]
        except KeyError:
            kind = "outbox" if passthrough == 2 else "inbox"
            _lookup(sink.outboxes if passthrough == 2 else sink.inboxes, sink, sinkbox, kind)

    def sourcePair(self) -> tuple[Component, str]:
        """``(component, box name)`` of the source."""
        return self.source, self.sourcebox

    def sinkPair(self) -> tuple[Component, str]:
        """``(component, box name)`` of the sink."""
        return self.sink, self.sinkbox

    def getSourcebox(self) -> Box:
        """The source Box object."""
        return self.source_box

    def getSinkbox(self) -> Box:
        """The sink Box object."""
        return self.sink_box

    def setSynchronous(self, pipewidth: int | None = None) -> None:
        """Limit the sink's terminal inbox to ``pipewidth`` messages (1 when None)."""
        self.sink_box.final().size = 1 if pipewidth is None else pipewidth

    def connect(self) -> None:
        """Make the link take effect (retargets the source chain)."""
        src, dst = self.source_box, self.sink_box
        if src.linked_to is not None:
            raise BoxAlreadyLinkedToDestination(
                f"{src.owner.name}.{src.name} is already linked to "
                f"{src.linked_to.owner.name}.{src.linked_to.name}; a box has one destination"
            )
        src.linked_to = dst
        sources = dst.sources
        if sources is _NONE:
            dst.sources = sources = {}
        sources[src] = None
        _retarget(src, dst.final())

    def disconnect(self) -> None:
        """Undo the link; messages already delivered stay where they are."""
        src, dst = self.source_box, self.sink_box
        if src.linked_to is not dst:
            return
        src.linked_to = None
        dst.sources.pop(src, None)
        _retarget(src, src)

    def __repr__(self) -> str:
        arrow = {0: "->", 1: "=>(in)", 2: "=>(out)"}[self.passthrough]
        return (
            f"<Linkage {self.source.name}.{self.sourcebox} {arrow} {self.sink.name}.{self.sinkbox}>"
        )


def _lookup(boxes: dict[str, Box], comp: Component, name: str, kind: str) -> Box:
    try:
        return boxes[name]
    except KeyError:
        known = ", ".join(sorted(boxes)) or "none"
        raise BadInbox(f"{comp.name} has no {kind} {name!r} (its {kind}es: {known})") from None
