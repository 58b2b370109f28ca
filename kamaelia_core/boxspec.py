"""Box declarations: a component class's ``Inboxes``/``Outboxes``, normalised once per class.

A class declares its boxes as a dict of ``{name: one-line description}`` (the palette and the docs
read the descriptions) or as a list of names. ``Component.__init__`` asks for the names of its
class's boxes on every instance made, so they are normalised once per class and cached.
"""

from __future__ import annotations

import weakref
from typing import Any

from kamaelia_core.errors import invalidComponentInterface

BoxSpec = dict[str, str] | list[str] | tuple[str, ...]


def box_descriptions(spec: BoxSpec) -> dict[str, str]:
    """Normalise an ``Inboxes``/``Outboxes`` declaration to ``{name: description}``."""
    if isinstance(spec, dict):
        return {str(k): str(v) for k, v in spec.items()}
    if isinstance(spec, (list, tuple)):
        return {str(name): "" for name in spec}
    raise invalidComponentInterface(
        f"boxes must be declared as a dict or a list of names, not {type(spec).__name__}"
    )


_NamesEntry = tuple[Any, int, tuple[str, ...]]
"""One side's declaration last seen, its length and its normalised box names."""
_box_names: weakref.WeakKeyDictionary[type, tuple[_NamesEntry, _NamesEntry]] = (
    weakref.WeakKeyDictionary()
)
"""Per class: the entries of its inboxes (side 0) and outboxes (side 1)."""


def _names(cls: type, spec: BoxSpec, side: int) -> tuple[str, ...]:
    """The box names of ``spec`` (``cls.Inboxes`` or ``cls.Outboxes``), normalised once per class.

    The cache is keyed by the class itself (a subclass gets its own entry) and checked against the
    declaration object and its length, so a class whose ``Inboxes`` is reassigned (or, against
    advice, changed in place) is normalised again. Class dicts are never written to.
    """
    cached = _box_names.get(cls)
    if cached is not None:
        entry = cached[side]
        if entry[0] is spec and entry[1] == len(spec):
            return entry[2]
    names = tuple(box_descriptions(spec))
    other: _NamesEntry = (None, -1, ()) if cached is None else cached[1 - side]
    this: _NamesEntry = (spec, len(spec), names)
    _box_names[cls] = (this, other) if side == 0 else (other, this)
    return names
