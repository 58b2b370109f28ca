"""Folds the deliveries a tap counted into ``counted`` events (see ``Tap.limit_deliveries``).

While a tap counts, the boxes append ``(route, message)`` pairs to a plain list, as they would
to the event buffer, but nothing else happens per delivery: no time is noted, nothing is
decoded. Folding the list is done at C speed (slices, ``Counter``, ``dict(zip(...))``), so a
delivery costs two appends and a fraction of a hash; only ipc messages, which a viewer must see
one by one (newCSA, shutdownCSA, producerFinished...), are looked at in Python.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from kamaelia_core.ipc import ipc

COUNTED = "counted"
"""The kind of the synthetic events that stand for many deliveries on one route."""


def flush_counted(counting: list[Any], buf: list[Any]) -> None:
    """Append to ``buf`` the events standing for the counted pairs of ``counting``.

    A pair's key is a delivery's ``(source box, terminal box)`` route or, for a send on an
    unlinked outbox, ``(component, box, sink, sink box)``. Each run of plain messages becomes one
    ``counted`` event per key (``extra = {"n": how many}``, ``"discarded": True`` for sends
    that went nowhere) carrying the key's last message; each ipc delivery stays a delivery of
    its own, in its place, so what is counted before it is recorded before it.
    """
    keys = counting[0::2]
    values = counting[1::2]
    if not any(issubclass(cls, ipc) for cls in set(map(type, values))):
        _fold(keys, values, buf)
        return
    start = 0
    for index, value in enumerate(values):
        if isinstance(value, ipc):
            _fold(keys[start:index], values[start:index], buf)
            buf.append(keys[index])
            buf.append(value)
            start = index + 1
    _fold(keys[start:], values[start:], buf)


def _fold(keys: list[Any], values: list[Any], buf: list[Any]) -> None:
    if not keys:
        return
    lasts = dict(zip(keys, values, strict=True))
    append = buf.append
    for key, n in Counter(keys).items():
        last = lasts[key]
        if len(key) == 2:
            source, target = key
            append(
                (COUNTED, source.owner, source.name, target.owner, target.name,
                 last.__class__, {"n": n})
            )  # fmt: skip
        else:
            comp, box, sink, sink_box = key
            append(
                (COUNTED, comp, box, sink, sink_box, last.__class__, {"n": n, "discarded": True})
            )
        append(last)


__all__ = ["COUNTED", "flush_counted"]
