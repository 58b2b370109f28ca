"""The live model: what a running system looks like, built from its event batches alone.

Sits between an event source (the in-process tap's EventStream, a program in another process,
a recording) and every live view. It holds the live components (``LiveEntity``: kind, parent,
placement on the design, boxes, peer, state, crash traceback, queue depths), the links between
their boxes, and which handler serves which connection. Each batch it applies is announced once,
as a ``Changes`` record with past-tense fields (``entity_added``, ``connection_closing``,
``entity_ended``...). It never looks at a live object and never parses a repr: everything comes
from the events' fields (see docs/EVENTS.md), so a replayed recording gives the same model as
the run it recorded.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

from kamaelia_core.instrument import Event
from workbench.model.observers import DetachHandler, Observers
from workbench.runtime.live_entities import (
    KNOWN_CONTAINERS,
    Changes,
    LinkKey,
    LiveEntity,
    container_kind,
    kind_of,
)
from workbench.runtime.placement import Placer

# The records live in workbench.runtime.live_entities; their users import them from here too.
__all__ = [
    "CLOSING_MESSAGES",
    "ENDINGS",
    "KNOWN_CONTAINERS",
    "ROUTE_LIMIT",
    "STATES",
    "Changes",
    "LinkKey",
    "LiveEntity",
    "LiveModel",
    "container_kind",
    "kind_of",
]

CLOSING_MESSAGES = frozenset({"socketShutdown", "shutdownCSA"})
"""Deliveries that announce a connection is closing (they name its CSA)."""
ENDINGS = {"finished": "finished", "stopped": "finished", "crashed": "crashed"}
STATES = {"paused": "waiting", "woke": "running"}
ROUTE_LIMIT = 16
"""Most linkages a delivery's route follows (passthrough chains are short)."""


class LiveModel:
    """Consumes event batches and holds what the live view shows.

    Args:
        templates: Template node id -> the ServerCore node that makes per-connection copies
            of it (from the graph being run; empty for programs).
        undeclared: Called with each component no design node declares, before it is announced:
            a program graph gives it a node by setting ``design_id`` (None: left undeclared).
        max_ended: Ended components kept (oldest forgotten first; design nodes are never).
    """

    def __init__(
        self,
        templates: dict[str, str] | None = None,
        undeclared: Callable[[LiveEntity], None] | None = None,
        max_ended: int = 20_000,
    ) -> None:
        self.entities: dict[int, LiveEntity] = {}
        self.by_design: dict[str, int] = {}
        """Design node id -> the cid of the component built (or placed) for it."""
        self.links: dict[LinkKey, int] = {}
        """Live linkages -> passthrough kind."""
        self._out: dict[tuple[int, str], LinkKey] = {}
        self._routes: dict[LinkKey, list[LinkKey]] = {}
        """Route cache, valid until the next link change."""
        self._ended: OrderedDict[int, None] = OrderedDict()
        self.max_ended = max_ended
        self.templates: dict[str, str] = dict(templates or {})
        self.placer = Placer(self.entities, undeclared)
        self.events = 0
        self.delivered = 0
        """Deliveries seen (a ``counted`` event adds its n)."""
        self.accepted = 0
        """Connections (CSAs) seen so far."""
        self.closed = 0
        """Connections that ended."""
        self.crashes: list[LiveEntity] = []
        self.services: dict[str, tuple[int, str]] = {}
        """CAT service name -> (cid, inbox) of the component offering it."""
        self.dropped = 0
        """Events the source reported lost (sequence gaps)."""
        self._next_seq: int | None = None
        self.last_t = 0.0
        """The time of the last event applied."""
        self._observers: Observers[[Changes]] = Observers("live model observer")

    def __repr__(self) -> str:
        live = sum(1 for e in self.entities.values() if not e.ended)
        return f"<LiveModel live={live} links={len(self.links)} events={self.events}>"

    def subscribe(self, callback: Callable[[Changes], None]) -> Callable[[], None]:
        """Call ``callback(changes)`` after each applied batch; returns an unsubscribe function.

        A callback that raises is logged and detached (the model must go on); the handlers of
        ``on_observer_detached`` are told, so a window can say which view stopped following.
        """
        return self._observers.subscribe(callback)

    def on_observer_detached(self, handler: DetachHandler) -> Callable[[], None]:
        """Call ``handler(callback, exc)`` when a failing observer is detached."""
        return self._observers.on_detached(handler)

    # -- applying events --------------------------------------------------------------------
    def apply(self, batch: Iterable[Event]) -> Changes:
        """Apply one batch of events in order, announce and return what changed."""
        changes = Changes()
        entities = self.entities
        routes = self._routes
        for ev in batch:
            changes.events += 1
            self._count_gap(ev.seq)
            kind = ev.kind
            if kind == "delivered" or kind == "counted":
                self.delivered += (ev.extra or {}).get("n", 1) if kind == "counted" else 1
                key = (ev.cid, ev.box, ev.sink_cid, ev.sink_box)
                hops = routes.get(key)
                if hops is None:
                    hops = routes[key] = self.route(key)
                changes.delivered.append((ev, hops))
                if ev.msg_type in CLOSING_MESSAGES:
                    self._closing(ev, changes)
            elif kind in STATES:
                ent = entities.get(ev.cid)
                if ent is not None and ent.ended_t is None:
                    ent.state = STATES[kind]
                    changes.state_changed[ev.cid] = ent.state
            elif kind == "spawned":
                self._spawned(ev, changes)
            elif kind == "linked":
                self._linked(ev, changes)
            elif kind == "unlinked":
                self._unlinked((ev.cid, ev.box, ev.sink_cid, ev.sink_box), changes)
            elif kind in ENDINGS:
                self._ended_event(ev, changes)
            elif kind == "box_added" or kind == "box_removed":
                self._box_changed(ev, changes)
            elif kind == "sampled":
                self._sampled(ev)
                changes.depths_changed = True
            elif kind == "service_registered" or kind == "service_removed":
                name = str((ev.extra or {}).get("service", ""))
                if kind == "service_registered":
                    self.services[name] = (ev.cid, ev.box)
                else:
                    self.services.pop(name, None)
        self.events += changes.events
        if changes.events:
            self.last_t = max(self.last_t, ev.t)
        self._forget_old()
        if changes:
            self._observers.notify(changes)
        return changes

    def _count_gap(self, seq: int) -> None:
        if seq <= 0:  # a snapshot's events (see ``snapshot_events``) are not in the sequence
            return
        expected = self._next_seq
        if expected is not None and seq > expected:
            self.dropped += seq - expected
        if expected is None or seq >= expected:
            self._next_seq = seq + 1

    def _spawned(self, ev: Event, changes: Changes) -> None:
        extra = ev.extra or {}
        old = self.entities.get(ev.cid)
        if old is not None and old.ended_t is None:
            return  # announced again (a tap attached twice): already known
        ent = LiveEntity(
            ev.cid,
            ev.name,
            extra.get("cls", "") or ev.name.partition("#")[0],
            kind_of(extra),
            parent=extra.get("parent"),
            inboxes=list(extra.get("inboxes", ())),
            outboxes=list(extra.get("outboxes", ())),
            peer=str(extra.get("peer", "")),
            listening=str(extra.get("listening", "")),
            spawned_t=ev.t,
            details=extra,
        )
        ent.declared_outboxes = len(ent.outboxes)
        self.entities[ev.cid] = ent
        self.placer.place(ent)
        parent = self.entities.get(ent.parent) if ent.parent is not None else None
        if parent is not None and ent.placement in ("spawned", "instance"):
            if parent.kind in ("handler", "connection"):
                ent.member_of = parent.cid
            else:
                ent.member_of = parent.member_of
        if ent.placement == "design" and ent.design_id is not None:
            self.by_design[ent.design_id] = ent.cid
        if ent.kind == "connection":
            self.accepted += 1
        partner = extra.get("connection")
        if isinstance(partner, int):
            self._pair(ent, self.entities.get(partner))
        changes.entity_added.append(ent)

    def _pair(self, handler: LiveEntity, connection: LiveEntity | None) -> None:
        if connection is None:
            return
        handler.partner, connection.partner = connection.cid, handler.cid
        if not handler.peer:
            handler.peer = connection.peer

    def _linked(self, ev: Event, changes: Changes) -> None:
        key = (ev.cid, ev.box, ev.sink_cid, ev.sink_box)
        passthrough = int((ev.extra or {}).get("passthrough", 0))
        self.links[key] = passthrough
        self._out[(ev.cid, ev.box)] = key
        self._routes.clear()
        changes.link_added.append((key, passthrough))

    def _unlinked(self, key: LinkKey, changes: Changes) -> None:
        if self.links.pop(key, None) is None:
            return
        if self._out.get((key[0], key[1])) == key:
            del self._out[(key[0], key[1])]
        self._routes.clear()
        changes.link_removed.append(key)

    def _closing(self, ev: Event, changes: Changes) -> None:
        refs = ev.extra or {}
        cid = refs.get("caller") if ev.msg_type == "socketShutdown" else refs.get("object")
        ent = self.entities.get(cid) if isinstance(cid, int) else None
        if ent is None or ent.kind != "connection":
            ent = self.entities.get(refs.get("object", -1)) if isinstance(refs, dict) else None
        if ent is None or ent.kind != "connection":
            return
        for target in (ent, self.entities.get(ent.partner or -1)):
            if target is not None and not target.closing:
                target.closing = True
                changes.connection_closing.append(target)

    def _ended_event(self, ev: Event, changes: Changes) -> None:
        ent = self.entities.get(ev.cid)
        if ent is None or ent.ended_t is not None:
            return
        ent.ended_t = ev.t
        ent.state = ENDINGS[ev.kind]
        if ev.kind == "crashed":
            ent.traceback = (ev.extra or {}).get("traceback", "") or ev.value
            self.crashes.append(ent)
        if ent.kind == "connection":
            self.closed += 1
        if ent.kind in ("connection", "handler") and ent.state != "crashed":
            ent.closing = True
        ent.depths.clear()
        if ent.placement != "design":
            self._ended[ent.cid] = None
        changes.entity_ended.append(ent)

    def _box_changed(self, ev: Event, changes: Changes) -> None:
        ent = self.entities.get(ev.cid)
        if ent is None:
            return
        boxes = ent.inboxes if (ev.extra or {}).get("inbox") else ent.outboxes
        if ev.kind == "box_added" and ev.box not in boxes:
            boxes.append(ev.box)
        elif ev.kind == "box_removed" and ev.box in boxes:
            boxes.remove(ev.box)
        changes.boxes_changed.append(ent)

    def _sampled(self, ev: Event) -> None:
        for row in (ev.extra or {}).get("depths", ()):
            cid, box, waiting, limit = row
            ent = self.entities.get(cid)
            if ent is None or ent.ended_t is not None:
                continue
            if waiting:
                ent.depths[box] = waiting
            else:
                ent.depths.pop(box, None)
            if limit is not None:
                ent.limits[box] = limit

    def _forget_old(self) -> None:
        ended = self._ended
        while len(ended) > self.max_ended:
            cid, _ = ended.popitem(last=False)
            self.entities.pop(cid, None)

    # -- queries ----------------------------------------------------------------------------
    def route(self, key: LinkKey) -> list[LinkKey]:
        """The linkages a delivery from ``key[:2]`` to the terminal ``key[2:]`` crossed, in order.

        A send lands directly in the terminal inbox; the chain of passthrough linkages it
        crossed follows from the link table (one destination per box).
        """
        out = self._out
        terminal = (key[2], key[3])
        hops: list[LinkKey] = []
        at = (key[0], key[1])
        for _ in range(ROUTE_LIMIT):
            link = out.get(at)
            if link is None:
                break
            hops.append(link)
            at = (link[2], link[3])
            if at == terminal:
                return hops
        return [key] if key in self.links else []  # the chain is not known (yet): direct only

    def live(self, kind: str | None = None) -> list[LiveEntity]:
        """Entities that have not ended (of ``kind`` when given)."""
        return [
            e
            for e in self.entities.values()
            if e.ended_t is None and (kind is None or e.kind == kind)
        ]

    def listening(self) -> list[str]:
        """The "host:port" addresses the live servers listen on (TCPServers first seen first)."""
        return [e.listening for e in self.live("server") if e.listening]

    def live_connections(self) -> int:
        """Connections that are open and not closing."""
        return sum(
            1
            for e in self.entities.values()
            if e.kind == "connection" and e.ended_t is None and not e.closing
        )

    def snapshot_events(self, t: float) -> list[Event]:
        """Events that bring an empty model to what this one shows of the live components and
        their links (``seq`` 0, time ``t``): how a recording started mid-run begins."""
        events: list[Event] = []
        for ent in self.entities.values():
            if ent.ended_t is not None:
                continue
            extra = dict(ent.details)
            extra["inboxes"], extra["outboxes"] = list(ent.inboxes), list(ent.outboxes)
            extra["outboxes"] = extra["outboxes"][: ent.declared_outboxes]
            events.append(Event(0, t, "spawned", ent.cid, ent.name, "", 0, "", "", "", "", extra))
            for box in ent.outboxes[ent.declared_outboxes :]:
                extra_box = {"inbox": False}
                events.append(
                    Event(0, t, "box_added", ent.cid, ent.name, box, 0, "", "", "", "", extra_box)
                )
        for (scid, sbox, dcid, dbox), passthrough in self.links.items():
            source = self.entities.get(scid)
            sink = self.entities.get(dcid)
            source_name = source.name if source else ""
            sink_name = sink.name if sink else ""
            extra_link = {"passthrough": passthrough}
            events.append(
                Event(0, t, "linked", scid, source_name, sbox, dcid, sink_name, dbox, "", "",
                      extra_link)
            )  # fmt: skip
        for name, (cid, box) in self.services.items():
            registrar = self.entities.get(cid)
            owner = registrar.name if registrar else ""
            extra_service = {"service": name}
            events.append(
                Event(0, t, "service_registered", cid, owner, box, 0, "", "", "", "", extra_service)
            )
        return events

    def picture(self) -> dict[str, Any]:
        """Everything the model holds, as plain comparable data (tests, replay checks)."""
        return {
            "entities": sorted(
                (
                    e.cid,
                    e.name,
                    e.kind,
                    e.placement,
                    e.design_id,
                    e.parent,
                    e.state,
                    e.closing,
                    e.partner,
                    e.peer,
                    tuple(e.inboxes),
                    tuple(e.outboxes),
                    tuple(sorted(e.depths.items())),
                )
                for e in self.entities.values()
            ),
            "links": sorted(self.links.items()),
            "counters": (self.accepted, self.closed, self.delivered, len(self.crashes)),
        }

    def summary(self, deliveries: int | None = None) -> str:
        """The closing line: connections accepted and live, events, deliveries, crashes."""
        delivered = self.delivered if deliveries is None else deliveries
        return (
            f"{self.accepted} connections accepted, {self.live_connections()} live, "
            f"{self.events} events, {delivered} deliveries, {len(self.crashes)} crashes"
        )
