"""Axon.util on kamaelia_core: Axon's small helpers (list removal, interface checks, Finality)."""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from typing import Any

from kamaelia_core.errors import invalidComponentInterface

production = False
"""When True, ``axonRaise`` logs nothing and returns False instead of raising (Axon's switch)."""

next = builtins.next
vrange = range


class Finality(Exception):
    """Used by Axon programs to break out of nested loops."""


def logError(someException: Any, *args: Any) -> None:
    """Axon's placeholder for error logging in production mode (does nothing, as there)."""


def axonRaise(someException: type[BaseException], *args: Any) -> bool:
    """Raise ``someException(*args)``, or return False when ``production`` is set."""
    if production:
        logError(someException, *args)
        return False
    raise someException(*args)


def removeAll(xs: list[Any], y: Any) -> None:
    """Remove every occurrence of ``y`` from the list ``xs`` (in place)."""
    xs[:] = [x for x in xs if x != y]


def listSubset(requiredList: Iterable[Any], suppliedList: Iterable[Any]) -> bool:
    """Whether every item of ``requiredList`` is in ``suppliedList``."""
    return set(requiredList).issubset(set(suppliedList))


def testInterface(theComponent: Any, interface: tuple[Iterable[str], Iterable[str]]) -> bool:
    """Check that ``theComponent`` declares the ``(inboxes, outboxes)`` of ``interface``.

    Raises:
        invalidComponentInterface: A box is missing (unless ``production`` is set).
    """
    required_in, required_out = interface
    if not listSubset(required_in, theComponent.Inboxes):
        return axonRaise(invalidComponentInterface, "inboxes", theComponent, interface)
    if not listSubset(required_out, theComponent.Outboxes):
        return axonRaise(invalidComponentInterface, "outboxes", theComponent, interface)
    return True


def safeList(arg: Any = None) -> list[Any]:
    """``list(arg)``, or an empty list when ``arg`` is not iterable."""
    try:
        return list(arg)
    except TypeError:
        return []


__all__ = [
    "Finality",
    "axonRaise",
    "listSubset",
    "logError",
    "next",
    "production",
    "removeAll",
    "safeList",
    "testInterface",
    "vrange",
]
