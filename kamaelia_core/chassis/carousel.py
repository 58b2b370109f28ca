"""Carousel: holds one child at a time, made by a factory, and swaps it for a new one on request.

Each message on ``next`` is handed to the factory; the component it returns becomes the child,
wired so that the Carousel's ``inbox`` feeds the child and the child's ``outbox`` comes out of the
Carousel's ``outbox``. When a child finishes, the Carousel asks for the next one on
``requestNext``. A request arriving while a child is running first shuts that child down.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

from kamaelia_core.component import Component
from kamaelia_core.ipc import producerFinished, shutdown, shutdownMicroprocess

NEXT = "NEXT"
"""What the Carousel sends on ``requestNext`` when it wants a new child."""


class Carousel(Component):
    """Runs one child at a time, made by ``componentFactory`` from each message on ``next``.

    A producerFinished on control lets the Carousel deal with the requests already waiting,
    then shuts the current child down with it and ends, passing it on through signal. A
    shutdownMicroprocess on control shuts the child down at once and ends the same way.

    Args:
        componentFactory: Called with each ``next`` message; returns the new child component.
        make1stRequest: Send a first "NEXT" on ``requestNext`` when starting.
    """

    Inboxes = {
        "inbox": "Passed through to the current child's inbox",
        "next": "Arguments for the factory: replace the child with a new one made from them",
        "control": "producerFinished (finish the requests, then end) or shutdownMicroprocess",
        "_control": "The child's signal (its producerFinished when it ends)",
    }
    Outboxes = {
        "outbox": "The current child's outbox, passed through",
        "signal": "The shutdown message received on control, passed on when the Carousel ends",
        "_signal": "Shutdown messages to the current child's control",
        "requestNext": 'Sends "NEXT" when a child has finished and no request is waiting',
    }

    def __init__(
        self, componentFactory: Callable[[Any], Component], make1stRequest: bool = False
    ) -> None:
        super().__init__()
        self.factory = componentFactory
        self.make1stRequest = make1stRequest
        self.mustStop: Any = None
        self.pleaseStop: Any = None
        self.made = 0

    def __repr__(self) -> str:
        child = self.children[0].name if self.children else "no child"
        return f"<{self.name} {self.state} {child} made={self.made}>"

    def main(self) -> Generator[Any, None, None]:
        """Alternate between waiting for a request and running a child."""
        if self.make1stRequest:
            self.send(NEXT, "requestNext")
        while True:
            # no child: wait for a request or a shutdown
            while not self.children:
                self._drop_finished_children()
                self._check_control()
                if self.mustStop is not None:
                    self.send(self.mustStop, "signal")
                    return
                if self.dataReady("next"):
                    self._make_child(self.recv("next"))
                elif self.pleaseStop is not None:
                    self.send(self.pleaseStop, "signal")
                    return
                else:
                    self.pause()
                    yield 1
            yield 1
            # a child runs: wait for it to end, asking it to when something needs that
            asked = False
            while self.children:
                self._drop_finished_children()
                if not self.children:
                    break
                self._check_control()
                if not asked:
                    if self.mustStop is not None:
                        self.send(self.mustStop, "_signal")
                        asked = True
                    elif self.dataReady("next"):
                        self.send(shutdownMicroprocess(self), "_signal")
                        asked = True
                    elif self.pleaseStop is not None:
                        self.send(self.pleaseStop, "_signal")
                        asked = True
                self.pause()
                yield 1
            if not self.dataReady("next") and self.pleaseStop is None and self.mustStop is None:
                self.send(NEXT, "requestNext")

    def _check_control(self) -> None:
        while self.dataReady("control"):
            msg = self.recv("control")
            if isinstance(msg, shutdownMicroprocess):
                self.mustStop = msg
            elif isinstance(msg, (producerFinished, shutdown)):
                self.pleaseStop = msg
        while self.dataReady("_control"):
            self.recv("_control")  # the child's own end-of-work message: its ending wakes us

    def _drop_finished_children(self) -> None:
        for child in self.childComponents():
            if child._isStopped():
                self.removeChild(child)

    def _make_child(self, args: Any) -> None:
        child = self.factory(args)
        self.made += 1
        self.addChildren(child)
        self.link((self, "inbox"), (child, "inbox"), passthrough=1)
        self.link((self, "_signal"), (child, "control"))
        self.link((child, "outbox"), (self, "outbox"), passthrough=2)
        self.link((child, "signal"), (self, "_control"))
        child.activate(self.scheduler)


__kamaelia_components__ = (Carousel,)
