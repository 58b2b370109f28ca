"""Breakpoints and stepping for a run in this process: stop at the right moment, one message on.

Sits on a Session. The user sets breakpoints as the live view names things (a link between two
cards, an inbox, a message type, a condition on the value); the Debugger turns each into a
``kamaelia_core.breakpoints.Breakpoint`` over live component ids and keeps those ids up to date
from the live model, so a breakpoint on the link between a connection and its handler stops on
every connection's, including the ones made later. A hit pauses the session with its views shown
up to and including the delivery that hit (``Session.reveal_until``), and ``step_message`` then
moves on exactly one delivery: the next one already recorded, or, when there is none, the engine
runs slices until the next delivery happens.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kamaelia_core.breakpoints import Breakpoint, BreakpointSet, Hit
from kamaelia_core.instrument import Event, is_delivery
from workbench.model.observers import Observers
from workbench.runtime.live_model import Changes, LinkKey, LiveEntity

if TYPE_CHECKING:  # the session makes its debugger: a run-time import would be circular
    from workbench.runtime.session import Session

log = logging.getLogger(__name__)

STEP_SLICES = 5000
"""Most slices ``step_message`` runs looking for the next delivery."""

RoleKey = tuple
"""What makes two live components "the same" for a breakpoint: a design node, a cluster's
connections, a service... (see ``role_of``)."""


def role_of(ent: LiveEntity | None) -> RoleKey:
    """The identity a breakpoint set on ``ent`` matches: every connection of a server is one
    role, every per-connection copy of a template node another, a design node its own."""
    if ent is None:
        return ("unknown",)
    if ent.placement in ("design", "instance"):
        return (ent.placement, ent.design_id)
    if ent.placement == "spawned":
        return ("spawned", ent.design_id, ent.kind, ent.class_name)
    if ent.placement == "service":
        return ("service", ent.class_name)
    return ("cid", ent.cid) if ent.design_id is None else ("undeclared", ent.design_id)


@dataclass(eq=False)
class BreakSpec:
    """A breakpoint as the user set it.

    Attributes:
        msg_type: Only messages of this class ("newCSA", "shutdownCSA", "bytes").
        link: A linkage ``(cid, box, cid, box)``: messages crossing it, or any linkage between
            components of the same roles (every connection's, for a connection's link).
        box: ``(cid, inbox)``: messages landing in that inbox (of any component in that role).
        contains: Text the value contains.
        longer_than: The value is longer than this.
        once: Removed after its first hit (run to the next message there).
        label: How people see it.
    """

    msg_type: str | None = None
    link: LinkKey | None = None
    box: tuple[int, str] | None = None
    contains: str | None = None
    longer_than: int | None = None
    once: bool = False
    label: str = ""
    core: Breakpoint | None = field(default=None, repr=False)

    @property
    def hits(self) -> int:
        """Times it stopped the run."""
        return self.core.hits if self.core is not None else 0


class Debugger:
    """Breakpoints and message stepping of one session.

    Args:
        session: The run (a ``workbench.runtime.Session``) to stop and step.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.model = session.model
        self.specs: list[BreakSpec] = []
        self.last_hit: Hit | None = None
        self._set = BreakpointSet(session.scheduler, self._on_hit)
        self._link_roles: dict[int, tuple[RoleKey, str, RoleKey, str]] = {}
        self._box_roles: dict[int, tuple[RoleKey, str]] = {}
        self._hit_observers: Observers[[Hit]] = Observers("breakpoint hit observer")
        self._spec_observers: Observers[[list[BreakSpec]]] = Observers("breakpoint list observer")
        self._unsubscribe = self.model.subscribe(self._on_changes)

    def close(self) -> None:
        """Remove every breakpoint and stop following the model."""
        self._set.clear()
        self._unsubscribe()

    def subscribe_hits(self, callback: Callable[[Hit], None]) -> Callable[[], None]:
        """Call ``callback(hit)`` when a breakpoint stops the run."""
        return self._hit_observers.subscribe(callback)

    def subscribe_breakpoints(
        self, callback: Callable[[list[BreakSpec]], None]
    ) -> Callable[[], None]:
        """Call ``callback(specs)`` whenever a breakpoint is added or removed (whoever did it:
        a panel, a menu, a script, a one-shot breakpoint that hit)."""
        return self._spec_observers.subscribe(callback)

    # -- breakpoints ------------------------------------------------------------------------
    def add(self, spec: BreakSpec) -> BreakSpec:
        """Stop on ``spec`` from now on; returns it (with its label filled in).

        Raises:
            ValueError: A condition is out of range (``longer_than`` below 0).
        """
        links: set[LinkKey] | None = None
        sinks: set[int] | None = None
        sink_box = None
        if spec.link is not None:
            scid, sbox, dcid, dbox = spec.link
            roles = (self._role(scid), sbox, self._role(dcid), dbox)
            links = {key for key in self.model.links if self._roles_of(key) == roles}
            links.add(spec.link)
        if spec.box is not None:
            cid, sink_box = spec.box
            role = self._role(cid)
            sinks = {c for c, e in self.model.entities.items() if role_of(e) == role} | {cid}
        core = Breakpoint(
            msg_type=spec.msg_type,
            links=links,
            sinks=sinks,
            sink_box=sink_box,
            contains=spec.contains,
            longer_than=spec.longer_than,
            once=spec.once,
            label=spec.label or self.describe(spec),
        )
        spec.core = core
        spec.label = core.label
        if links is not None and spec.link is not None:
            self._link_roles[id(core)] = self._roles_of(spec.link)
        if sinks is not None and spec.box is not None:
            self._box_roles[id(core)] = (self._role(spec.box[0]), spec.box[1])
        self._set.add(core)
        self.specs.append(spec)
        self._spec_observers.notify(list(self.specs))
        return spec

    def remove(self, spec: BreakSpec) -> None:
        """Stop stopping on ``spec``."""
        known = spec in self.specs
        if known:
            self.specs.remove(spec)
        if spec.core is not None:
            self._set.remove(spec.core)
            self._link_roles.pop(id(spec.core), None)
            self._box_roles.pop(id(spec.core), None)
        if known:
            self._spec_observers.notify(list(self.specs))

    def clear(self) -> None:
        """Remove every breakpoint."""
        for spec in list(self.specs):
            self.remove(spec)

    def describe(self, spec: BreakSpec) -> str:
        """A label for people: "shutdownCSA on CSA#4.CreatorFeedback → TCPServer#2...."."""
        parts = [spec.msg_type or "any message"]
        if spec.link is not None:
            scid, sbox, dcid, dbox = spec.link
            parts.append(f"on {self._name(scid)}.{sbox} → {self._name(dcid)}.{dbox}")
        if spec.box is not None:
            parts.append(f"into {self._name(spec.box[0])}.{spec.box[1]}")
        if spec.contains is not None:
            parts.append(f"containing {spec.contains!r}")
        if spec.longer_than is not None:
            parts.append(f"longer than {spec.longer_than}")
        return " ".join(parts)

    def _name(self, cid: int) -> str:
        ent = self.model.entities.get(cid)
        return ent.name if ent is not None else f"#{cid}"

    def _role(self, cid: int) -> RoleKey:
        return role_of(self.model.entities.get(cid))

    def _roles_of(self, key: LinkKey) -> tuple[RoleKey, str, RoleKey, str]:
        return (self._role(key[0]), key[1], self._role(key[2]), key[3])

    def _on_changes(self, changes: Changes) -> None:
        """New linkages and components join the breakpoints whose roles they share."""
        if not (self._link_roles or self._box_roles):
            return
        cores = {id(s.core): s.core for s in self.specs if s.core is not None}
        for key, _passthrough in changes.link_added:
            roles = self._roles_of(key)
            for core_id, wanted in self._link_roles.items():
                core = cores.get(core_id)
                if core is not None and wanted == roles and core.links is not None:
                    core.links.add(key)  # type: ignore[attr-defined]
        for ent in changes.entity_added:
            role = role_of(ent)
            for core_id, (wanted, _box) in self._box_roles.items():
                core = cores.get(core_id)
                if core is not None and wanted == role and core.sinks is not None:
                    core.sinks.add(ent.cid)  # type: ignore[attr-defined]

    def _on_hit(self, hit: Hit) -> None:
        """In the scheduler's step: pause, showing the views up to the delivery that hit."""
        self.last_hit = hit
        spent = [s for s in self.specs if s.core is hit.breakpoint and s.once]
        for spec in spent:
            self.specs.remove(spec)
        self.session.reveal_until = hit.seq
        self.session.pause()
        self._hit_observers.notify(hit)
        if spent:
            self._spec_observers.notify(list(self.specs))

    # -- stepping ---------------------------------------------------------------------------
    def step_message(self) -> Event | None:
        """Move on exactly one delivery (the session must be paused); returns it, or None
        when nothing more can be delivered now (everything waits for I/O or a timer)."""
        session = self.session
        if session.state != "paused":
            return None
        tap = session.tap
        start = tap.next_seq if session.reveal_until is None else session.reveal_until + 1
        found = self._next_delivery(start)
        if found is None:
            found = self._run_to_next_delivery()
        if found is None:
            session.reveal_until = tap.emitted  # show what there is: nothing more to deliver
            return None
        session.reveal_until = found
        return tap.event_at(found)

    def _next_delivery(self, start: int) -> int | None:
        for seq, head, _value in self.session.tap.raw_since(start):
            if is_delivery(head):
                return seq
        return None

    def _run_to_next_delivery(self) -> int | None:
        session, sched = self.session, self.session.scheduler
        seen: list[int] = []
        probe = Breakpoint(once=True, label="next message")
        self._set.on_hit = lambda hit: seen.append(hit.seq)
        self._set.add(probe)
        try:
            sched.poll_io(0)
            for _ in range(STEP_SLICES):
                if seen or not sched.has_runnable():
                    break
                sched.step(0)
        finally:
            self._set.remove(probe)
            self._set.on_hit = self._on_hit
        if seen:
            return seen[0]
        return self._next_delivery(session.tap.next_seq)
