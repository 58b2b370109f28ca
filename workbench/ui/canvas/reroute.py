"""Re-routes the links near cards that moved, appeared or went: coalesced and bounded per turn.

Used by GraphScene: every card change reports its area (``changed``); on the next turn of the
event loop the links passing near those areas are queued and re-routed, for at most a time budget
per turn, the rest on the following turns. A burst of new live cards (a server accepting a dozen
connections) costs a few milliseconds a turn instead of blocking the loop for the whole re-routing.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRectF, QTimer

from workbench.ui.canvas.link_item import LinkItem

if TYPE_CHECKING:  # the scene makes its rerouter
    from workbench.ui.canvas.scene import GraphScene

BUDGET_S = 0.006
"""Seconds of re-routing per turn of the event loop."""


class Rerouter(QObject):
    """The pending re-routing of one scene."""

    def __init__(self, scene: GraphScene) -> None:
        super().__init__(scene)
        self.scene = scene
        self.closed = False
        self._rects: list[QRectF] = []
        self._queue: dict[int, LinkItem] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(lambda: self.run(BUDGET_S))

    def changed(self, rect: QRectF) -> None:
        """A card's area changed: re-route the links near ``rect`` from the next turn."""
        if self.closed:
            return
        self._rects.append(rect)
        if not self._timer.isActive():
            self._timer.start(0)

    def run(self, budget: float | None = None) -> None:
        """Queue the links near the changed areas and re-route them: all of them, or with a
        ``budget``, for that many seconds (the rest on the next turn)."""
        self._timer.stop()
        rects, self._rects = self._rects, []
        if len(rects) > 64:
            union = QRectF()
            for rect in rects:
                union = union.united(rect)
            rects = [union]
        queue = self._queue
        for rect in rects:
            for item in self.scene.items(rect.adjusted(-40, -40, 40, 40)):
                if isinstance(item, LinkItem):
                    queue.setdefault(id(item), item)
        deadline = None if budget is None else time.perf_counter() + budget
        while queue:
            item = queue.pop(next(iter(queue)))
            if item.scene() is self.scene:
                item.update_path()
            if deadline is not None and time.perf_counter() > deadline:
                break
        if queue and not self.closed:
            self._timer.start(0)

    def forget_items(self) -> None:
        """Drop the links queued from earlier turns: the scene is about to delete every item
        (a queued wrapper would outlive its C++ object and fail on the next turn)."""
        self._queue.clear()

    def close(self) -> None:
        """Forget everything pending and stop."""
        self.closed = True
        self._timer.stop()
        self._rects.clear()
        self._queue.clear()
