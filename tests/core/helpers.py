"""Small components the engine tests share (written against the Kamaelia API only)."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from kamaelia_core.component import Component
from kamaelia_core.ipc import producerFinished, shutdownMicroprocess


def finished(comp: Component) -> bool:
    """True once the component's main has ended (Kamaelia's ``_isStopped``)."""
    return comp._isStopped()


def waiting(comp: Component) -> bool:
    """True while the component is activated, alive and paused."""
    return not comp._isStopped() and not comp._isRunnable()


class Sink(Component):
    """Keeps everything from inbox in ``got`` and from control in ``ctl``; ends on a shutdown."""

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        self.got: list[Any] = []
        self.ctl: list[Any] = []

    def main(self) -> Generator[Any, None, None]:
        while True:
            while self.dataReady("inbox"):
                self.got.append(self.recv("inbox"))
            while self.dataReady("control"):
                msg = self.recv("control")
                self.ctl.append(msg)
                if isinstance(msg, (producerFinished, shutdownMicroprocess)):
                    return
            if not self.anyReady():
                self.pause()
            yield 1


class Relay(Component):
    """Passes inbox to outbox and control to signal (ending on a shutdown), draining per slice."""

    def main(self) -> Generator[Any, None, None]:
        while True:
            while self.dataReady("inbox"):
                self.send(self.recv("inbox"), "outbox")
            while self.dataReady("control"):
                msg = self.recv("control")
                self.send(msg, "signal")
                if isinstance(msg, (producerFinished, shutdownMicroprocess)):
                    return
            if not self.anyReady():
                self.pause()
            yield 1


class Emitter(Component):
    """Sends ``items`` one per slice, then producerFinished on signal."""

    def __init__(self, items: list[Any], **argd: Any) -> None:
        super().__init__(**argd)
        self.items = list(items)

    def main(self) -> Generator[Any, None, None]:
        for item in self.items:
            self.send(item, "outbox")
            yield 1
        self.send(producerFinished(self), "signal")


class Idle(Component):
    """Pauses until anything arrives on control, then ends."""

    def main(self) -> Generator[Any, None, None]:
        while not self.dataReady("control"):
            self.pause()
            yield 1
        self.recv("control")


class Counter(Component):
    """Counts its slices; pauses after each one."""

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        self.slices = 0

    def main(self) -> Generator[Any, None, None]:
        while True:
            self.slices += 1
            while self.dataReady("inbox"):
                self.recv("inbox")
            self.pause()
            yield 1
