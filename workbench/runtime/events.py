"""The event stream: drains an event source, keeps live statistics, hands batches to watchers.

Sits between an event source and whoever watches (the Qt live view, the headless runner, the
trace recorder). The source is a running scheduler's Tap, or a ``RemoteSource`` bringing a
program's events over a socket: anything with ``drain(max_events)`` and ``dropped``. ``pump()``
drains the source once; watchers get every event in order, in batches.
Alongside, it keeps what a view needs without replaying history: per-link message counts and
rates, per-component state, and how many events were lost to a full tap (never silently).
Everything it keeps is bounded.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from kamaelia_core.condense import COUNTED
from kamaelia_core.instrument import Event
from workbench.model.observers import DetachHandler, Observers

FRAME_EVENTS = 3000
"""Most events one frame's pump hands out (~10 ms of work for the live view); a bigger backlog
waits for the next turns of the host loop. The one place that bound is decided."""

LinkKey = tuple[int, str, int, str]
"""(source cid, source box, sink cid, sink box) of a delivery path."""

Watcher = Callable[[list[Event]], object]
"""Called with each drained batch; what it returns is ignored (``LiveModel.apply`` returns
its changes)."""


class EventSource(Protocol):
    """Where an EventStream gets events: a ``Tap``, a ``RemoteSource``..."""

    def drain(self, max_events: int | None = None) -> list[Event]:
        """Remove and return the oldest events, at most ``max_events``."""
        ...

    @property
    def dropped(self) -> int:
        """Events lost before anyone drained them."""
        ...


@dataclass
class LinkStats:
    """Traffic on one delivery path.

    Attributes:
        count: Messages delivered so far.
        last_type: Class name of the last message.
        last_value: Truncated repr of the last message.
        rate: Messages per second, smoothed over about a second.
    """

    count: int = 0
    last_type: str = ""
    last_value: str = ""
    rate: float = 0.0
    _window_start: float = 0.0
    _window_count: int = 0


@dataclass
class ComponentInfo:
    """What the stream knows of one live (or recently ended) component."""

    cid: int
    name: str
    cls: str = ""
    parent: int | None = None
    state: str = "running"
    traceback: str = ""
    sent: int = 0
    received: int = 0
    boxes_added: list[str] = field(default_factory=list)


STATE_BY_KIND = {
    "spawned": "running",
    "woke": "running",
    "paused": "waiting",
    "finished": "finished",
    "stopped": "finished",
    "crashed": "crashed",
}


class EventStream:
    """Drains an event source and fans its events out to watchers.

    ``counted`` events (deliveries condensed by ``kamaelia_core.condense``) count as their ``n``
    deliveries, in ``delivered``, the link's ``count`` and the components' sent/received.

    Args:
        source: The tap attached to the scheduler being watched, or a ``RemoteSource``.
        max_links: Most delivery paths kept in ``links`` (oldest forgotten first).
        max_components: Most components kept in ``components`` (ended ones forgotten first).
    """

    def __init__(
        self, source: EventSource, max_links: int = 20_000, max_components: int = 50_000
    ) -> None:
        self.source = source
        self.max_links = max_links
        self.max_components = max_components
        self.links: OrderedDict[LinkKey, LinkStats] = OrderedDict()
        self.components: OrderedDict[int, ComponentInfo] = OrderedDict()
        self.total = 0
        """Events seen by the stream."""
        self.delivered = 0
        """Deliveries seen."""
        self.forgotten_links = 0
        self._watchers: Observers[[list[Event]]] = Observers("event watcher")
        self._rate_t = time.monotonic()
        self._rate_count = 0
        self.rate = 0.0
        """Deliveries per second over the last second or so."""

    @property
    def tap(self) -> EventSource:
        """The source (the name from when it was always a tap)."""
        return self.source

    @property
    def dropped(self) -> int:
        """Events the source lost before they were drained."""
        return self.source.dropped

    def subscribe(self, watcher: Watcher) -> Callable[[], None]:
        """Call ``watcher(batch)`` with every drained batch; returns an unsubscribe function."""
        return self._watchers.subscribe(watcher)

    def on_watcher_detached(self, handler: DetachHandler) -> Callable[[], None]:
        """Call ``handler(watcher, exc)`` when a failing watcher is detached (a view stopped
        following the run); returns a function that removes the handler."""
        return self._watchers.on_detached(handler)

    def pump(self, max_events: int | None = None) -> list[Event]:
        """Drain the source once, update the statistics, and hand the batch to every watcher."""
        batch = self.source.drain(max_events)
        if batch:
            self._account(batch)
            self._watchers.notify(batch)
        self._update_rates()
        return batch

    def _account(self, batch: list[Event]) -> None:
        self.total += len(batch)
        links, comps = self.links, self.components
        for ev in batch:
            kind = ev.kind
            if kind == "delivered" or (
                kind == COUNTED and not ev.extra.get("discarded")  # type: ignore[union-attr]
            ):
                n = 1 if kind == "delivered" else ev.extra["n"]  # type: ignore[index]
                self.delivered += n
                key = (ev.cid, ev.box, ev.sink_cid, ev.sink_box)
                stats = links.get(key)
                if stats is None:
                    stats = links[key] = LinkStats()
                    if len(links) > self.max_links:
                        links.popitem(last=False)
                        self.forgotten_links += 1
                stats.count += n
                stats._window_count += n
                stats.last_type = ev.msg_type
                stats.last_value = ev.value
                sender = comps.get(ev.cid)
                if sender is not None:
                    sender.sent += n
                sink = comps.get(ev.sink_cid)
                if sink is not None:
                    sink.received += n
            elif kind == "spawned":
                extra = ev.extra or {}
                comps[ev.cid] = ComponentInfo(
                    ev.cid, ev.name, extra.get("cls", ""), extra.get("parent")
                )
                self._trim_components()
            elif kind in STATE_BY_KIND:
                info = comps.get(ev.cid)
                if info is not None:
                    info.state = STATE_BY_KIND[kind]
                    if kind == "crashed":
                        info.traceback = (ev.extra or {}).get("traceback", "") or ev.value
            elif kind == "box_added":
                info = comps.get(ev.cid)
                if info is not None:
                    info.boxes_added.append(ev.box)

    def _trim_components(self) -> None:
        comps = self.components
        if len(comps) <= self.max_components:
            return
        for cid in [c for c, info in comps.items() if info.state in ("finished", "crashed")]:
            del comps[cid]
            if len(comps) <= self.max_components:
                return
        comps.popitem(last=False)

    def _update_rates(self) -> None:
        now = time.monotonic()
        elapsed = now - self._rate_t
        if elapsed < 0.5:
            return
        self.rate = (self.delivered - self._rate_count) / elapsed
        self._rate_count = self.delivered
        self._rate_t = now
        for stats in self.links.values():
            if stats._window_count or stats.rate:
                stats.rate = stats._window_count / elapsed
                stats._window_count = 0
