"""An insertion-ordered collection of distinct objects with O(1) membership and removal.

A component's ``children`` and ``linkages`` used to be plain lists: a server with thousands of
connections then paid O(connections) for every ``in`` and ``remove`` as connections came and
went (closing 4,000 connections in reverse order took seconds). ``OrderedRefs`` keeps the list's
reading interface (iteration in insertion order, ``len``, truth, indexing, ``==`` with a list,
``append``/``remove``) on top of a dict, so those operations cost O(1).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class OrderedRefs(Generic[T]):
    """Distinct items in insertion order; membership, ``append`` and ``remove`` are O(1).

    Items are compared by hash and equality as dict keys (components and linkages hash by
    identity). Appending an item already present leaves it where it is.
    """

    __slots__ = ("_items",)
    __hash__ = None  # type: ignore[assignment]  # unhashable, as a list is (mypy wants a method)

    def __init__(self, items: Iterable[T] | None = None) -> None:
        self._items: dict[T, None] = {} if items is None else dict.fromkeys(items)

    def append(self, item: T) -> None:
        """Add ``item`` at the end (no-op when already present)."""
        self._items[item] = None

    def extend(self, items: Iterable[T]) -> None:
        """Append each of ``items``."""
        for item in items:
            self._items[item] = None

    def remove(self, item: T) -> None:
        """Remove ``item``.

        Raises:
            ValueError: ``item`` is not present (as ``list.remove``).
        """
        try:
            del self._items[item]
        except KeyError:
            raise ValueError(f"{item!r} is not in the collection") from None

    def discard(self, item: T) -> None:
        """Remove ``item`` if present."""
        self._items.pop(item, None)

    def clear(self) -> None:
        """Remove everything."""
        self._items.clear()

    def copy(self) -> list[T]:
        """A list of the items, in order."""
        return list(self._items)

    def __contains__(self, item: object) -> bool:
        return item in self._items

    def __iter__(self) -> Iterator[T]:
        return iter(self._items)

    def __reversed__(self) -> Iterator[T]:
        return reversed(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)

    def __getitem__(self, index: Any) -> Any:
        if index == 0:
            try:
                return next(iter(self._items))
            except StopIteration:
                raise IndexError("index out of range") from None
        if index == -1:
            try:
                return next(reversed(self._items))
            except StopIteration:
                raise IndexError("index out of range") from None
        return list(self._items)[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, OrderedRefs):
            return list(self._items) == list(other._items)
        if isinstance(other, list):
            return list(self._items) == other
        return NotImplemented

    def __repr__(self) -> str:
        return repr(list(self._items))
