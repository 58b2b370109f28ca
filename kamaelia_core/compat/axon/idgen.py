"""Axon.idGen on kamaelia_core: Axon's id helpers, drawing numbers from one process-wide counter."""

from __future__ import annotations

import itertools
from typing import Any

_counter = itertools.count(1)


class idGen:
    """Hands out increasing ids (shared by every instance, as in Axon)."""

    def nextId(self) -> int:
        """The next id."""
        return next(_counter)

    next = nextId
    __next__ = nextId

    def idToString(self, thing: Any, aNumId: int) -> str:
        """``"module.Class_<id>"`` for ``thing``."""
        cls = type(thing)
        return f"{cls.__module__}.{cls.__qualname__}_{aNumId}"

    def numId(self) -> int:
        """A new numeric id."""
        return self.nextId()

    def strId(self, thing: Any) -> str:
        """A new id as a name for ``thing``."""
        return self.idToString(thing, self.nextId())

    def tupleId(self, thing: Any) -> tuple[int, str]:
        """A new ``(id, name)`` for ``thing``."""
        number = self.nextId()
        return number, self.idToString(thing, number)


_gen = idGen()
newId = _gen.strId
strId = _gen.strId
numId = _gen.numId
tupleId = _gen.tupleId

__all__ = ["idGen", "newId", "numId", "strId", "tupleId"]
