"""Small components and a catalog of them, for runtime tests that need no network."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from kamaelia_core.chassis.graphline import Graphline
from kamaelia_core.chassis.pipeline import Pipeline
from kamaelia_core.component import Component
from kamaelia_core.ipc import producerFinished, shutdownMicroprocess
from workbench.model.catalog import Catalog


class Numbers(Component):
    """Emit ``0..count-1`` then producerFinished.

    Args:
        count: How many numbers.
    """

    def __init__(self, count: int = 3) -> None:
        super().__init__()
        self.count = count

    def main(self) -> Generator[Any, None, None]:
        for i in range(self.count):
            self.send(i)
        yield 1
        self.send(producerFinished(self), "signal")


class Double(Component):
    """Double every number; pass shutdown on."""

    def main(self) -> Generator[Any, None, None]:
        while True:
            while self.dataReady():
                self.send(self.recv() * 2)
            if self.dataReady("control"):
                msg = self.recv("control")
                if isinstance(msg, (producerFinished, shutdownMicroprocess)):
                    self.send(msg, "signal")
                    return
            self.pause()
            yield 1


class Keep(Component):
    """Keep what arrives in ``got``; end on shutdown."""

    def __init__(self) -> None:
        super().__init__()
        self.got: list[Any] = []

    def main(self) -> Generator[Any, None, None]:
        while True:
            while self.dataReady():
                self.got.append(self.recv())
            if self.dataReady("control"):
                self.recv("control")
                return
            self.pause()
            yield 1


class Explode(Component):
    """Raise on the first message."""

    def main(self) -> Generator[Any, None, None]:
        while not self.dataReady():
            self.pause()
            yield 1
        raise ValueError("boom: " + repr(self.recv()))


def fake_catalog() -> Catalog:
    """A catalog of the fakes plus the real chassis."""
    return Catalog([Numbers, Double, Keep, Explode, Pipeline, Graphline])


def cid(cls: type) -> str:
    """Catalog id of a fake."""
    return f"{cls.__module__}.{cls.__qualname__}"
