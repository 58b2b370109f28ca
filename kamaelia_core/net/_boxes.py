"""Outboxes added and removed at run time, for the net services that link one per client.

The Selector adds an outbox per registered socket and ServerCore two per connection; these helpers
keep that bookkeeping (unique names, unlinking before removal) in one place.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from kamaelia_core.linkage import Box, Linkage

if TYPE_CHECKING:
    from kamaelia_core.component import Component

_suffixes = itertools.count(1)


def add_outbox(comp: Component, prefix: str) -> str:
    """Add an outbox named ``prefix`` plus a unique number to ``comp``; return its name."""
    name = f"{prefix}{next(_suffixes)}"
    comp.outboxes[name] = Box(comp, name, False)
    sched = comp._sched
    if sched is not None and sched.tap is not None:
        sched.tap.record("box_added", comp, name, extra={"inbox": False})
    return name


def delete_outbox(comp: Component, name: str, linkage: Linkage | None = None) -> None:
    """Unlink and remove the outbox ``name`` of ``comp`` (unknown names are ignored).

    Args:
        comp: The owner of the outbox.
        name: The outbox to remove.
        linkage: The one linkage leaving it, when the caller kept it (saves a search).
    """
    box = comp.outboxes.pop(name, None)
    if box is None:
        return
    sched = comp._sched
    if sched is not None and sched.tap is not None:
        sched.tap.record("box_removed", comp, name, extra={"inbox": False})
    if linkage is not None:
        comp.unlink(thelinkage=linkage)
    else:
        for found in [lk for lk in comp.linkages if lk.source_box is box]:
            comp.unlink(thelinkage=found)
    box.let_go()
