"""Keeps the canvas links of a running system in step with the live model's linkages.

Between the controller and the LinkItems. Every live linkage (an entity key: source cid, box, sink
cid, box) is shown by one display link between the items that currently stand for its ends: the
model's own LinkItem when both ends are design nodes, else a LinkItem made here. While a cluster is
collapsed, its 137 CSA -> handler linkages share the one link between the two stacks. Deliveries
are routed along the chain of linkages they really crossed (passthroughs included, as the live
model worked it out) and counted per display link, which gives the counter pills and the
high-rate pulses.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from workbench.ui.canvas.link_item import LinkItem
from workbench.ui.canvas.port_item import PortItem
from workbench.ui.canvas.scene import GraphScene

EntityKey = tuple[int, str, int, str]
Resolver = Callable[[int], tuple[Any, Any]]
"""cid -> (entity or None, the item standing for it or None)."""


@dataclass(eq=False)
class DisplayLink:
    """One drawn link and the linkages it stands for."""

    item: LinkItem
    owned: bool
    members: set[EntityKey] = field(default_factory=set)
    count: int = 0
    window: int = 0
    rate: float = 0.0
    last_type: str = ""
    last_value: str = ""
    recent: deque[tuple[str, str]] | None = None
    """The last few (type, value) that crossed it, kept only while it is watched."""


def fmt_rate(rate: float) -> str:
    """ "0.6", "12", "1.9k"."""
    if rate >= 1000:
        return f"{rate / 1000:.1f}k"
    if rate >= 10:
        return f"{rate:.0f}"
    return f"{rate:.1f}"


class LiveLinks:
    """The display links of one scene.

    Args:
        scene: the GraphScene.
        resolve: cid -> (entity, display item).
    """

    def __init__(self, scene: GraphScene, resolve: Resolver) -> None:
        self.scene = scene
        self.resolve = resolve
        self.links: dict[EntityKey, int] = {}
        self.display: dict[tuple[PortItem, PortItem], DisplayLink] = {}
        self.member_of: dict[EntityKey, tuple[PortItem, PortItem]] = {}
        self.by_item: dict[LinkItem, DisplayLink] = {}
        self.dirty: set[EntityKey] = set()
        self.by_cid: dict[int, set[EntityKey]] = {}
        self.design_link: Callable[[int, str, int, str], LinkItem | None] = lambda *key: None
        """Fallback route: the model's link for a delivery between two design nodes."""
        self.hidden_rule: Callable[[Any, Any], bool] = lambda src, dst: False
        """(source entity, sink entity) -> True when their linkage is not drawn."""
        self._routes: dict[EntityKey, list[DisplayLink]] = {}
        self._serial = 0

    # -- linkages ---------------------------------------------------------------------------
    def add(self, key: EntityKey, passthrough: int) -> None:
        """A linkage was made."""
        self.links[key] = passthrough
        self.dirty.add(key)
        self.by_cid.setdefault(key[0], set()).add(key)
        self.by_cid.setdefault(key[2], set()).add(key)

    def remove(self, key: EntityKey) -> None:
        """A linkage was removed."""
        self.links.pop(key, None)
        self.dirty.discard(key)
        for cid in (key[0], key[2]):
            keys = self.by_cid.get(cid)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self.by_cid[cid]
        self._leave(key)
        self._routes.clear()

    def touch_cid(self, cid: int) -> None:
        """Re-resolve every linkage of ``cid`` (its item appeared or changed)."""
        self.dirty.update(self.by_cid.get(cid, ()))

    def item_removed(self, item: Any) -> None:
        """``item`` is leaving the scene: drop the display links touching it."""
        for ports, disp in list(self.display.items()):
            if ports[0].owner is item or ports[1].owner is item:
                for key in list(disp.members):
                    self._leave(key)
                    if key in self.links:
                        self.dirty.add(key)
        self._routes.clear()

    def flush(self) -> None:
        """Resolve the dirty linkages to display links (after items were placed)."""
        if not self.dirty:
            return
        dirty, self.dirty = self.dirty, set()
        for key in dirty:
            if key in self.links:
                self._leave(key)
                self._join(key)
        self._routes.clear()

    def resync_all(self) -> None:
        """Re-resolve every linkage (after a collapse or expand)."""
        self.dirty.update(self.links)
        self.flush()

    # -- resolution -------------------------------------------------------------------------
    def _ports(self, key: EntityKey) -> tuple[PortItem | None, PortItem | None, bool]:
        scid, sbox, dcid, dbox = key
        passthrough = self.links.get(key, 0)
        src_ent, src_item = self.resolve(scid)
        dst_ent, dst_item = self.resolve(dcid)
        sp = _port(src_item, sbox, "in" if passthrough == 1 else "out")
        dp = _port(dst_item, dbox, "out" if passthrough == 2 else "in")
        return sp, dp, self.hidden_rule(src_ent, dst_ent)

    def _join(self, key: EntityKey) -> None:
        sp, dp, hidden = self._ports(key)
        if sp is None or dp is None or hidden or sp.owner is dp.owner:
            for port in (sp, dp):
                if port is not None and not port.force_linked:
                    port.force_linked = True
                    port.update()
            return
        ports = (sp, dp)
        disp = self.display.get(ports)
        if disp is None:
            existing = next((lk for lk in sp.links if lk.sink is dp), None)
            if existing is not None:
                disp = DisplayLink(existing, owned=False)
            else:
                self._serial += 1
                link = LinkItem(f"live-link:{self._serial}", sp, dp)
                self.scene.addItem(link)
                disp = DisplayLink(link, owned=True)
            self.display[ports] = disp
            self.by_item[disp.item] = disp
        disp.members.add(key)
        self.member_of[key] = ports

    def _leave(self, key: EntityKey) -> None:
        ports = self.member_of.pop(key, None)
        if ports is None:
            return
        disp = self.display.get(ports)
        if disp is None:
            return
        disp.members.discard(key)
        if disp.members:
            return
        del self.display[ports]
        self.by_item.pop(disp.item, None)
        if disp.owned:
            disp.item.detach()
            if disp.item.scene() is not None:
                disp.item.scene().removeItem(disp.item)
        else:
            disp.item.set_counter_text(None)
            disp.item.set_width_scale(1.0)

    # -- deliveries -------------------------------------------------------------------------
    def route(self, key: EntityKey, hops: list[EntityKey] | None = None) -> list[DisplayLink]:
        """The display links a delivery crossed, in order ([] when none is drawn).

        Args:
            key: (sender cid, outbox, terminal cid, inbox) of the delivery.
            hops: The linkages it crossed (from the live model); None: ``key`` itself.
        """
        cached = self._routes.get(key)
        if cached is not None:
            return cached
        shown: list[DisplayLink] = []
        for hop in hops if hops is not None else [key]:
            ports = self.member_of.get(hop)
            if ports is not None:
                shown.append(self.display[ports])
        if not shown:
            link = self.design_link(*key)
            if link is not None:
                disp = self.by_item.get(link)
                if disp is None:
                    disp = DisplayLink(link, owned=False)
                    self.by_item[link] = disp
                    self.display[(link.source, link.sink)] = disp
                shown = [disp]
        if len(self._routes) > 50_000:
            self._routes.clear()
        self._routes[key] = shown
        return shown

    def count(
        self,
        key: EntityKey,
        hops: list[EntityKey] | None,
        msg_type: str,
        value: str,
        n: int = 1,
    ) -> list[DisplayLink]:
        """Count ``n`` deliveries on every display link of their route; returns the route."""
        shown = self.route(key, hops)
        for disp in shown:
            disp.count += n
            disp.window += n
            disp.last_type = msg_type
            disp.last_value = value
            if disp.recent is not None:
                disp.recent.append((msg_type, value))
        return shown

    def refresh_counters(self, elapsed: float, high_rate: bool) -> list[tuple[LinkItem, float]]:
        """Update every pill and tooltip; returns (link, rate) of the links that carried traffic."""
        busy = []
        for disp in self.display.values():
            disp.rate = disp.window / elapsed if elapsed > 0 else 0.0
            disp.window = 0
            if not disp.count:
                continue
            many = len(disp.members)
            rate = fmt_rate(disp.rate)
            if high_rate or many > 1:
                text = f"×{many} · {rate}/s" if many > 1 else f"{rate}/s"  # noqa: RUF001
            else:
                text = f"{disp.count} msgs · {rate}/s"
            link = disp.item
            link.set_counter_text(text)
            scale = 1.0 + math.log10(1.0 + disp.rate) / 1.5 if high_rate else 1.0
            if abs(scale - link.width_scale) > 0.05:
                link.set_width_scale(scale)
            link.setToolTip(
                f"{link.source.owner.title}.{link.source.name} → "
                f"{link.sink.owner.title}.{link.sink.name}\n"
                f"{disp.count} messages · {rate}/s"
                + (f" · {many} linkages" if many > 1 else "")
                + f"\nlast: {disp.last_type} {disp.last_value}"
            )
            if disp.rate > 0:
                busy.append((link, disp.rate))
        return busy

    def clear(self) -> None:
        """Remove every link made here and reset the model's links."""
        for key in list(self.member_of):
            self._leave(key)
        for disp in self.display.values():  # the model's links used as fallback routes
            disp.item.set_counter_text(None)
            disp.item.set_width_scale(1.0)
        self.display.clear()
        self.by_item.clear()
        self.links.clear()
        self.by_cid.clear()
        self.dirty.clear()
        self._routes.clear()


def _port(item: Any, box: str, direction: str) -> PortItem | None:
    if item is None or not hasattr(item, "port"):
        return None
    return item.port(box, direction) or item.port(box)
