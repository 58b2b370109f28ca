"""Kamaelia's modules on kamaelia_core: which Kamaelia names each ``Kamaelia.X`` module offers.

One module here per family of Kamaelia modules (chassis, internet, IPC, util, protocol). Each
declares ``MODULES``: Kamaelia module name -> (docstring, {Kamaelia name: object}); the objects
are kamaelia_core's own components and messages, or, for a few Kamaelia-only spellings
(``nullSinkComponent``, ``pipeline``...), aliases of them. ``kamaelia_core.compat`` builds each
``Kamaelia.X`` module from its entry when a program imports it.
"""

from __future__ import annotations

from typing import Any

ModuleTable = dict[str, tuple[str, dict[str, Any]]]
"""Kamaelia module name -> (its docstring, {Kamaelia name: object}): a family's ``MODULES``."""


def old_home(table: ModuleTable, old: str, new: str, what: str) -> None:
    """Add to ``table`` the module ``old`` where Kamaelia used to keep ``what``: the names ``new``
    offers (a copy of them, so that the two cannot drift apart)."""
    table[old] = (f"Kamaelia's old home of {what} (now {new}).", dict(table[new][1]))
