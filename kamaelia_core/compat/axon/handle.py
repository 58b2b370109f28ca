"""Axon.Handle on kamaelia_core: ordinary (non-component) code talks to one running component.

``Handle(component).activate()`` wraps ``component``; from any thread, ``put(data, "inbox")``
delivers to its inbox (or "control") and ``get("outbox")`` returns the next message it sent on
outbox (or "signal"), raising ``queue.Empty`` when there is none yet. The handle wakes the
scheduler's thread for each ``put`` (no polling) and ends when the component ends.
"""

from __future__ import annotations

import queue
from collections import defaultdict, deque
from collections.abc import Generator
from typing import Any

from kamaelia_core.compat.axon.component import component


class Handle(component):
    """A bridge between plain Python code and one component.

    Args:
        someComponent: The component to talk to.
    """

    Inboxes = {
        "_inbox": "The component's outbox",
        "_control": "The component's signal",
    }
    Outboxes = {
        "_outbox": "To the component's inbox",
        "_signal": "To the component's control",
    }

    def __init__(self, someComponent: Any) -> None:
        super().__init__()
        self.comp = someComponent
        self.inboundData: queue.SimpleQueue[tuple[Any, str]] = queue.SimpleQueue()
        self.outboundData: queue.SimpleQueue[tuple[Any, str]] = queue.SimpleQueue()
        self._sorted: defaultdict[str, deque[Any]] = defaultdict(deque)

    def put(self, *args: Any) -> None:
        """``put(data, boxname)``: deliver ``data`` to the component's "inbox" or "control"."""
        self.inboundData.put(args)
        sched = self._sched  # read after queueing: a slice that has not run yet will see it
        if sched is not None:
            sched.wake_threadsafe(self)

    def get(self, boxname: str = "outbox") -> Any:
        """The next message the component sent on ``boxname`` ("outbox" or "signal").

        Raises:
            queue.Empty: None has arrived yet.
        """
        while True:
            try:
                data, box = self.outboundData.get_nowait()
            except queue.Empty:
                break
            self._sorted[box].append(data)
        waiting = self._sorted.get(boxname)
        if not waiting:
            raise queue.Empty
        return waiting.popleft()

    def main(self) -> Generator[Any, None, None]:
        """Shuttle between the queues and the component until it ends."""
        comp = self.comp
        self.addChildren(comp)
        self.link((self, "_outbox"), (comp, "inbox"))
        self.link((self, "_signal"), (comp, "control"))
        self.link((comp, "outbox"), (self, "_inbox"))
        self.link((comp, "signal"), (self, "_control"))
        comp.activate(self.scheduler)
        while True:
            self._shuttle()
            if comp._isStopped():
                self._shuttle()
                break
            self.pause()
            yield 1
        self.removeChild(comp)

    def _shuttle(self) -> None:
        while True:
            try:
                data, box = self.inboundData.get_nowait()
            except queue.Empty:
                break
            self.send(data, "_signal" if box == "control" else "_outbox")
        for data in self.Inbox("_inbox"):
            self.outboundData.put((data, "outbox"))
        for data in self.Inbox("_control"):
            self.outboundData.put((data, "signal"))


__all__ = ["Handle"]
