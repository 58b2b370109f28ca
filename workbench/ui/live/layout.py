"""Stable places for live nodes: a connection keeps its row while it lives, and a freed row is
reused by the next one, so the canvas does not reshuffle as connections come and go.

Pure Python (no Qt): the controller asks for a slot when a live node appears and releases it when
the node is removed; the positions themselves are computed from the slot by the controller.
"""

from __future__ import annotations

import heapq


class SlotLayout:
    """Hands out the lowest free slot index.

    Attributes:
        used: slot -> key of whatever occupies it.
    """

    def __init__(self) -> None:
        self.used: dict[int, object] = {}
        self._free: list[int] = []
        self._next = 0

    def take(self, key: object) -> int:
        """Reserve the lowest free slot for ``key`` and return it."""
        slot = heapq.heappop(self._free) if self._free else self._next
        if slot == self._next:
            self._next += 1
        self.used[slot] = key
        return slot

    def release(self, slot: int) -> None:
        """Give ``slot`` back (unknown slots are ignored)."""
        if self.used.pop(slot, None) is not None:
            heapq.heappush(self._free, slot)

    def __len__(self) -> int:
        return len(self.used)

    def highest(self) -> int:
        """One past the highest slot in use (0 when empty)."""
        return max(self.used, default=-1) + 1
