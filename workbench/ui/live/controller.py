"""Draws a live run on the canvas from its live model: nodes, links, badges and tokens.

Sits between a run's LiveModel (runtime, fed only by events) and a GraphScene. The model announces
each applied batch as ``Changes``; the controller gives each new live component its view state
(``Entity``: the item drawing it, its row), places runtime-spawned ones next to their owner
(ClusterLayout), keeps the links in step with the model's linkages (LiveLinks), sets state
badges, and hands deliveries to the token layer, or, above ``high_rate`` deliveries per second,
to link pulses and rate labels. Every delivery is counted even when it is not drawn. A FramePump
(~30 Hz, 60 Hz while tokens move, dozing at 10 Hz when nothing happens) pumps the run; after each
frame the controller retires ended cards and refreshes counters. It never reads a live component.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QGraphicsView

from kamaelia_core.instrument import Event
from workbench.runtime.live_model import Changes, LinkKey
from workbench.ui.canvas.link_item import LinkItem
from workbench.ui.canvas.node_item import NodeItem
from workbench.ui.canvas.scene import GraphScene
from workbench.ui.live import kinds, lifecycle, readouts, routing, token_layer
from workbench.ui.live.clusters import COLLAPSE_AT, ClusterLayout, Entity
from workbench.ui.live.links import DisplayLink, LiveLinks
from workbench.ui.live.live_node_item import LiveNodeItem
from workbench.ui.live.overlays import BannerWidget, LegendWidget
from workbench.ui.live.pump import DOZE_MS, FRAME_MS, FramePump
from workbench.ui.live.token_layer import TokenLayerItem

log = logging.getLogger(__name__)

REFRESH_S = 0.5
FADE_S = 1.2
CRASH_KEEP_S = 10.0
HIGH_RATE = 200.0
TOKENS_PER_BATCH = 48


class LiveController(QObject):
    """Watches ``run`` and draws it live on ``scene``.

    Args:
        scene: the GraphScene showing the run's graph.
        run: a live run (``model``, ``stream``, ``state``, ``pump``): a ``Session`` in this
            process, a program in another, a recording.
        view: the GraphView (for the legend, the banner and centring on a selection), or None.
        traffic_ports: returns local ports of the traffic generator's clients (to tag their CSAs).
        collapse_at: connections per cluster beyond which they collapse into stacks.
        high_rate: deliveries per second above which tokens give way to pulses and rates.
        design_badges: set the state badges of design nodes too (off when the window's
            RunController already does).
        pump: the FramePump feeding ``run`` (the window's); None: the controller makes and
            starts its own.
    """

    mode_changed = Signal(str)  #: "tokens" or "high-rate"
    crash_selected = Signal(str, str)  #: (component title, traceback) of a clicked crashed node
    canvas_selected = Signal(object)  #: set of cids selected on the canvas (for the log)

    def __init__(
        self,
        scene: GraphScene,
        run: Any,
        view: QGraphicsView | None = None,
        traffic_ports: Callable[[], set[int]] | None = None,
        collapse_at: int = COLLAPSE_AT,
        high_rate: float = HIGH_RATE,
        design_badges: bool = True,
        pump: FramePump | None = None,
    ) -> None:
        super().__init__()
        self.design_badges = design_badges
        self.scene = scene
        self.run = run
        self.model = run.model
        self.view = view
        self.traffic_ports = traffic_ports or (lambda: set())
        self.high_rate = high_rate
        self.entities: dict[int, Entity] = {}
        self.by_design: dict[str, int] = {}
        self.neighbours: dict[int, set[int]] = {}
        self.links = LiveLinks(scene, self._resolve)
        self.layout = ClusterLayout(scene, self._on_expand, collapse_at)
        self.layout.on_item_removed = self.links.item_removed
        self.links.hidden_rule = lambda src, dst: lifecycle.hide_link(self, src, dst)
        self.layout.templates = dict(self.model.templates)
        self.links.design_link = lambda *key: lifecycle.design_link(self, *key)
        self.tokens = TokenLayerItem()
        scene.addItem(self.tokens)
        self.mode = "tokens"
        self.selected_only = False
        self.delivered = 0
        self.latencies: deque[float] = deque(maxlen=2000)
        self._calm_since: float | None = None
        self._last_refresh = time.monotonic()
        self._last_event = 0.0
        self._new: list[Entity] = []
        self._dirty_clusters: set[int] = set()
        self._own_pump = pump is None
        self.pump = pump if pump is not None else FramePump(run, parent=self)
        self.pump.pumped.connect(self._after_frame)
        self._unsubscribe: Callable[[], None] | None = self.model.subscribe(self._on_changes)
        scene.selectionChanged.connect(self._on_selection)
        self.legend = LegendWidget(view) if view is not None else None
        self.banner = BannerWidget(view) if view is not None else None

    # -- lifecycle --------------------------------------------------------------------------
    @property
    def accepted(self) -> int:
        """Connections seen so far (CSAs spawned)."""
        return self.model.accepted

    @property
    def closed(self) -> int:
        """Connections that ended so far."""
        return self.model.closed

    def start(self) -> None:
        """Adopt what the model already knows and start pumping (with its own pump)."""
        for live in list(self.model.entities.values()):
            if live.cid not in self.entities:
                self._spawned(live)
        for key, passthrough in list(self.model.links.items()):
            self._add_link(key, passthrough)
        self._settle()
        if self._own_pump:
            self.pump.start()

    def close(self) -> None:
        """Stop the timers, unsubscribe, remove every live item and reset the design items."""
        if self._own_pump:
            self.pump.stop()
        try:
            self.pump.pumped.disconnect(self._after_frame)
        except (RuntimeError, TypeError):
            log.debug("the pump was already disconnected")
        self.tokens.clear()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        try:
            self.scene.selectionChanged.disconnect(self._on_selection)
        except (RuntimeError, TypeError):
            log.debug("selection signal was already disconnected")
        self.links.clear()
        self.layout.clear(list(self.entities.values()))
        for ent in self.entities.values():
            if ent.kind == "design" and isinstance(ent.item, NodeItem):
                for box in ent.item.ports:
                    ent.item.set_queue_depth(box[1], 0)
        self.entities.clear()
        if self.tokens.scene() is not None:
            self.tokens.scene().removeItem(self.tokens)
        for widget in (self.legend, self.banner):
            if widget is not None:
                widget.deleteLater()
        self.legend = self.banner = None

    def set_speed(self, speed: float) -> None:
        """Slow motion: tokens take ``BASE_TRAVEL / speed`` seconds per link."""
        self.tokens.speed = speed

    def set_tokens_enabled(self, on: bool) -> None:
        """Turn token animation on or off (counters keep counting)."""
        self.tokens.enabled = on
        if not on:
            self.tokens.clear()

    def set_selected_only(self, on: bool) -> None:
        """Animate only deliveries on selected links or nodes."""
        self.selected_only = on

    # -- the frame --------------------------------------------------------------------------
    def tick(self) -> None:
        """One frame now: pump the run (which draws what changed), then the frame's upkeep."""
        self.pump.pump()

    def _after_frame(self, _count: int = 0) -> None:
        """After each pump: retire ended nodes, refresh counters now and then, pace the frames."""
        now = time.monotonic()
        self._sweep(now)
        if now - self._last_refresh >= REFRESH_S:
            self._refresh(now)
        busy = now - self._last_event < 1.0 or self.tokens.is_moving() or self._fading()
        interval = FRAME_MS if busy else DOZE_MS
        if self.mode == "tokens" and self.tokens.is_moving():
            interval = token_layer.FRAME_MS  # new deliveries join the moving tokens at 60 Hz
        self.pump.set_interval(interval)
        if self._own_pump and self.run.state in ("stopped", "finished") and not busy:
            self.pump.stop()

    def _fading(self) -> bool:
        return any(e.ended_at is not None and e.kind != "design" for e in self.entities.values())

    def _on_changes(self, changes: Changes) -> None:
        now = time.monotonic()
        self._last_event = now
        for live in changes.entity_added:
            self._spawned(live)
        for key, passthrough in changes.link_added:
            self._add_link(key, passthrough)
        for key in changes.link_removed:
            self.links.remove(key)
        for live in changes.boxes_changed:
            lifecycle.boxes_changed(self, live)
        for live in changes.connection_closing:
            lifecycle.closing(self, live)
        for live in changes.entity_ended:
            self._ended(live, now)
        self._settle()
        states = changes.state_changed
        for cid, state in states.items():
            ent = self.entities.get(cid)
            if ent is not None and ent.ended_at is None:
                ent.state = state
        if self.mode == "tokens":
            self._show_states(states)
        self._deliver(changes.delivered, now)

    def _show_states(self, cids: Iterable[int]) -> None:
        """Put the known run state of ``cids`` on their cards (per batch at low rates, at the
        refresh in high-rate mode, where waiting/running flip thousands of times a second)."""
        for cid in cids:
            ent = self.entities.get(cid)
            if ent is None or ent.ended_at is not None or ent.closing:
                continue
            if ent.kind == "design" and not self.design_badges:
                continue
            item = ent.item
            if item is not None and hasattr(item, "set_state") and item.state != ent.state:
                item.set_state(ent.state)

    def _settle(self) -> None:
        """Place the entities that appeared, then resolve links and stacks."""
        new, self._new = self._new, []
        for ent in new:
            self._pair(ent)
            self.layout.place(ent)
            self.links.touch_cid(ent.cid)
        for cluster in [c for c in self.layout.clusters.values() if id(c) in self._dirty_clusters]:
            if cluster.collapsed or cluster.stacks:
                self.layout.refresh_stacks(cluster)
        self._dirty_clusters.clear()
        self.links.flush()

    # -- entities ---------------------------------------------------------------------------
    def _spawned(self, live: Any) -> None:
        lifecycle.spawned(self, live)

    def _pair(self, ent: Entity) -> None:
        lifecycle.pair(self, ent)

    def _add_link(self, key: LinkKey, passthrough: int) -> None:
        self.links.add(key, passthrough)
        self.neighbours.setdefault(key[0], set()).add(key[2])
        self.neighbours.setdefault(key[2], set()).add(key[0])

    def _ended(self, live: Any, now: float) -> None:
        lifecycle.ended(self, live, now)

    def _sweep(self, now: float) -> None:
        gone = []
        for ent in self.entities.values():
            if ent.ended_at is None or ent.kind == "design":
                continue
            keep = CRASH_KEEP_S if ent.state == "crashed" else FADE_S / max(0.25, self.tokens.speed)
            age = (now - ent.ended_at) / keep
            if age >= 1.0:
                gone.append(ent)
            elif age > 0.5 and ent.state != "crashed" and ent.item is not None:
                ent.item.setOpacity(0.4 * (1.0 - age) * 2)  # the last half: fade out
        for ent in gone:
            self.layout.remove(ent)
            del self.entities[ent.cid]
            self.neighbours.pop(ent.cid, None)
        if gone:
            self.links.flush()

    def _resolve(self, cid: int) -> tuple[Entity | None, Any]:
        ent = self.entities.get(cid)
        if ent is None:
            return None, None
        if ent.item is not None:
            return ent, ent.item
        return ent, self.layout.stack_of(ent)

    # -- deliveries and tokens --------------------------------------------------------------
    def _deliver(self, deliveries: list[tuple[Event, list[LinkKey]]], now: float) -> None:
        if not deliveries:
            return
        self.latencies.append(now - deliveries[-1][0].t)
        animate = self.mode == "tokens" and self.tokens.enabled
        count = self.links.count
        if not animate:  # count once per path and batch: a flood has few paths, many messages
            paths: dict[tuple[int, str, int, str], list] = {}
            for ev, route in deliveries:
                n = _count_of(ev)
                self.delivered += n
                key = (ev.cid, ev.box, ev.sink_cid, ev.sink_box)
                seen = paths.get(key)
                if seen is None:
                    paths[key] = [n, ev, route]
                else:
                    seen[0] += n
                    seen[1] = ev
            for key, (n, last, route) in paths.items():
                count(key, route, last.msg_type, last.value, n)
            return
        budget = TOKENS_PER_BATCH
        for ev, route in deliveries:
            n = _count_of(ev)
            self.delivered += n
            key = (ev.cid, ev.box, ev.sink_cid, ev.sink_box)
            hops = count(key, route, ev.msg_type, ev.value, n)
            if ev.kind == "counted":
                self.tokens.skipped += n
                continue
            kind = kinds.token_kind(ev.msg_type)
            if kind == "data":
                if budget <= 0:
                    self.tokens.skipped += 1
                    continue
                budget -= 1
            self._token(ev, hops, kind)
        if self.tokens.is_moving():
            self.tokens.tick()  # put this batch's tokens on screen with the next paint

    def _token(self, ev: Event, hops: list[DisplayLink], kind: str) -> None:
        routing.emit_token(self, ev, hops, kind)

    def _refresh(self, now: float) -> None:
        elapsed = now - self._last_refresh
        self._last_refresh = now
        rate = self.run.stream.rate
        if self.mode == "tokens" and rate > self.high_rate:
            self._set_mode("high-rate")
        elif self.mode == "high-rate":
            if rate < self.high_rate / 2:
                self._calm_since = self._calm_since or now
                if now - self._calm_since >= 2.0:
                    self._set_mode("tokens")
            else:
                self._calm_since = None
        busy = self.links.refresh_counters(elapsed, self.mode == "high-rate")
        if self.mode == "high-rate":
            self.tokens.set_pulses(busy)
            self._update_banner(rate)
            self._show_states(list(self.entities))
        self._refresh_depths()

    def _set_mode(self, mode: str) -> None:
        self.mode = mode
        self._calm_since = None
        if mode == "high-rate":
            self.tokens.clear()
        else:
            self.tokens.set_pulses([])
            for disp in self.links.display.values():
                disp.item.set_width_scale(1.0)
            if self.banner is not None:
                self.banner.hide()
        self.mode_changed.emit(mode)

    def _update_banner(self, rate: float) -> None:
        if self.banner is not None:
            self.banner.show_message("High-rate mode", readouts.banner_text(self, rate))

    def _refresh_depths(self) -> None:
        readouts.refresh_depths(self)

    def _on_expand(self, stack: LiveNodeItem) -> None:
        cluster = self.layout.cluster_of_stack(stack)
        if cluster is not None:
            self.set_cluster_expanded(cluster.owner_id, cluster.collapsed)

    def set_cluster_expanded(self, owner_id: str, expanded: bool) -> None:
        """Show the live rows of design node ``owner_id`` one by one, or as stacks again."""
        cluster = self.layout.clusters.get(owner_id)
        if cluster is None:
            return
        cluster.expanded = expanded
        self.layout.set_collapsed(cluster, not expanded)
        for ent in self.entities.values():
            if ent.cluster is cluster:
                self.links.touch_cid(ent.cid)
        self.links.flush()

    def _on_selection(self) -> None:
        cids: set[int] = set()
        for item in self.scene.selectedItems():
            if isinstance(item, LinkItem):
                disp = self.links.by_item.get(item)
                if disp is not None:
                    cids.update(k[0] for k in disp.members)
                    cids.update(k[2] for k in disp.members)
            elif isinstance(item, LiveNodeItem):
                cids.add(item.cid)
            elif (node_id := getattr(item, "node_id", None)) in self.by_design:
                cids.add(self.by_design[node_id])
            crash = item.crash_text() if hasattr(item, "crash_text") else None
            if crash is None and getattr(item, "state", "") == "crashed":
                crash = getattr(item, "detail", None)
            if crash:  # its own crash, or a member's it stands for
                self.crash_selected.emit(getattr(item, "title", ""), crash)
        self.canvas_selected.emit(cids)

    def select_event(self, ev: Any) -> None:
        """Select on the canvas the link (or node) a log row is about, and show it."""
        for disp in self.links.display.values():
            disp.item.set_highlighted(False)
        target = None
        if getattr(ev, "sink_cid", 0):
            key = (ev.cid, ev.box, ev.sink_cid, ev.sink_box)
            hops = self.links.route(key, self.model.route(key))
            if hops:
                target = hops[0].item
                target.set_highlighted(True)
        if target is None:
            _, target = self._resolve(ev.cid)
        if target is None:
            return
        self.scene.blockSignals(True)
        self.scene.clearSelection()
        target.setSelected(True)
        self.scene.blockSignals(False)
        if self.view is not None:
            self.view.ensureVisible(target.sceneBoundingRect(), 40, 40)

    def describe(self, ev: Event) -> tuple[str, str, str]:
        """Log labels of ``ev``: (source.box, sink.box, the connection's peer or "")."""
        return readouts.describe(self, ev)

    def item_for(self, cid: int) -> Any:
        """The item standing for live component ``cid`` (its card, its stack, or None)."""
        return self._resolve(cid)[1]

    def counters(self) -> dict[str, float]:
        """Live figures for an inspector: connections live/accepted/closed, deliveries/s."""
        live = self.model.live_connections()
        return {
            "live_connections": live,
            "accepted": self.accepted,
            "closed": self.closed,
            "deliveries_per_s": self.run.stream.rate,
            "delivered": self.delivered,
        }

    def entities_of_kind(self, kind: str) -> list[Entity]:
        """Known entities of ``kind`` ("connection", "handler", "singleton", ...)."""
        return [e for e in self.entities.values() if e.kind == kind]


def _count_of(ev: Event) -> int:
    """Deliveries an event stands for (a ``counted`` one stands for many)."""
    return (ev.extra or {}).get("n", 1) if ev.kind == "counted" else 1
