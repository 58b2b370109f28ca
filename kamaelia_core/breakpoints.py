"""Breakpoints: stop the scheduler right after the slice that delivered a matching message.

Sits beside a scheduler and its tap. While at least one breakpoint is set, the scheduler calls
``BreakpointSet.after_slice`` after every slice; it looks at the deliveries the tap recorded
during that slice (undecoded: the route and the message, see ``Tap.raw_since``) and, at the
first one a breakpoint matches, tells its owner (``on_hit``) and ends the scheduler's ``step``
there. The owner (the workbench's session, or the monitor of a program in another process) then
holds the run. A slice cannot be stopped halfway, so the component that sent the message
finishes its slice; nothing else runs. With no breakpoint set the scheduler pays nothing.

Conditions are data (message type, sender and receiver, box, text the value contains, a length
above N); arbitrary code (``condition``) is only for programs the user trusts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kamaelia_core.instrument import Event, is_delivery, safe_repr
from kamaelia_core.tap_records import _Rendered

if TYPE_CHECKING:
    from kamaelia_core.scheduler import Scheduler

log = logging.getLogger(__name__)


@dataclass(eq=False)
class Breakpoint:
    """Which deliveries stop the run. Every condition given must hold; None means any.

    Attributes:
        msg_type: The message's class name ("newCSA", "shutdownCSA", "bytes"...).
        senders: cids whose sends match.
        sender_box: The outbox (or, through passthroughs, the first box) it was sent from.
        sinks: cids whose inboxes match (the terminal inbox the message landed in).
        sink_box: That inbox.
        links: Linkages ``(cid, box, cid, box)`` of which the delivery must cross one (a send
            lands straight in its terminal inbox; the chain of linkages it crossed, through
            passthroughs, is followed from the sender's box).
        contains: Text the message's value contains (bytes are matched as UTF-8).
        longer_than: The value's length is above this (for bytes, str and containers).
        condition: A predicate on the message (code: only for trusted programs).
        once: Removed after its first hit ("run to the next message").
        enabled: Off: kept but never matches.
        label: How people see it ("shutdownCSA on server → Selector").
        hits: Times it stopped the run.
    """

    msg_type: str | None = None
    senders: Collection[int] | None = None
    sender_box: str | None = None
    sinks: Collection[int] | None = None
    sink_box: str | None = None
    links: Collection[tuple[int, str, int, str]] | None = None
    contains: str | None = None
    longer_than: int | None = None
    condition: Callable[[Any], bool] | None = None
    once: bool = False
    enabled: bool = True
    label: str = ""
    hits: int = 0

    def __post_init__(self) -> None:
        if self.longer_than is not None and self.longer_than < 0:
            raise ValueError(f"longer_than must be 0 or more, not {self.longer_than}")

    def matches(
        self,
        sender: int,
        sender_box: str,
        sink: int,
        sink_box: str,
        cls: str,
        value: Any,
        hops: Callable[[], list[tuple[int, str, int, str]]] = list,
    ) -> bool:
        """Whether a delivery with these facts stops the run (``hops``: its linkages)."""
        if not self.enabled:
            return False
        if self.msg_type is not None and cls != self.msg_type:
            return False
        if self.senders is not None and sender not in self.senders:
            return False
        if self.sender_box is not None and sender_box != self.sender_box:
            return False
        if self.sinks is not None and sink not in self.sinks:
            return False
        if self.sink_box is not None and sink_box != self.sink_box:
            return False
        if self.links is not None and not any(hop in self.links for hop in hops()):
            return False
        if self.contains is not None and self.contains not in _text_of(value):
            return False
        if self.longer_than is not None and _length_of(value) <= self.longer_than:
            return False
        if self.condition is not None:
            try:
                return bool(self.condition(value))
            except Exception:  # the user's predicate: report it, never break the run
                log.exception("breakpoint %s: its condition raised; not stopping", self.label)
                return False
        return True


def _text_of(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, _Rendered):
        return value.text
    return safe_repr(value, 4096)


def _length_of(value: Any) -> int:
    if isinstance(value, _Rendered):
        return len(value.text)
    try:
        return len(value)
    except TypeError:
        return 0


def _hops(source: Any, target: Any, limit: int = 16) -> list[tuple[int, str, int, str]]:
    """The linkages from box ``source`` to box ``target`` (through passthroughs), in order."""
    hops: list[tuple[int, str, int, str]] = []
    box = source
    while box is not target and len(hops) < limit:
        nxt = getattr(box, "linked_to", None)
        if nxt is None:
            break
        hops.append((box.owner.cid, box.name, nxt.owner.cid, nxt.name))
        box = nxt
    return hops


@dataclass(frozen=True)
class Hit:
    """A breakpoint that stopped the run, with the delivery that did it."""

    breakpoint: Breakpoint
    event: Event | None
    """The delivery, decoded (None if the tap no longer held it)."""
    seq: int = 0


@dataclass(eq=False)
class BreakpointSet:
    """The breakpoints of one scheduler.

    Args:
        scheduler: The scheduler to stop (it must have a tap attached).
        on_hit: Called (in the scheduler's thread, inside its ``step``) with each ``Hit``.
    """

    scheduler: Scheduler
    on_hit: Callable[[Hit], None]
    _items: list[Breakpoint] = field(default_factory=list)
    _seen: int = 1

    def __iter__(self) -> Iterator[Breakpoint]:
        return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def add(self, bp: Breakpoint) -> Breakpoint:
        """Start stopping on ``bp``; returns it."""
        if self.scheduler.tap is None:
            raise RuntimeError("breakpoints need a tap on the scheduler (they watch deliveries)")
        if bp not in self._items:
            self._items.append(bp)
        self._seen = self.scheduler.tap.emitted + 1
        self.scheduler.after_slice = self.after_slice
        return bp

    def remove(self, bp: Breakpoint) -> None:
        """Stop stopping on ``bp`` (unknown ones are ignored)."""
        if bp in self._items:
            self._items.remove(bp)
        if not self._items and self.scheduler.after_slice == self.after_slice:
            self.scheduler.after_slice = None

    def clear(self) -> None:
        """Remove every breakpoint."""
        for bp in list(self._items):
            self.remove(bp)

    def after_slice(self, comp: Any) -> bool:
        """The scheduler's hook: True (stop here) when the slice delivered a matching message."""
        tap = self.scheduler.tap
        if tap is None:
            return False
        raw = tap.raw_since(self._seen)
        self._seen = tap.emitted + 1
        for seq, head, value in raw:
            if not is_delivery(head):
                continue
            source, target = head
            cls = value.cls if value.__class__ is _Rendered else value.__class__
            facts = (
                getattr(source.owner, "cid", 0),
                source.name,
                getattr(target.owner, "cid", 0),
                target.name,
                cls.__name__,
                value,
                lambda source=source, target=target: _hops(source, target),
            )
            for bp in self._items:
                if bp.matches(*facts):
                    bp.hits += 1
                    if bp.once:
                        self.remove(bp)
                    self._seen = seq + 1  # the rest of this slice is looked at next time
                    self.on_hit(Hit(bp, tap.event_at(seq), seq))
                    return True
        return False
