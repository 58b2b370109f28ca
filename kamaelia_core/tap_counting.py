"""Folds the deliveries a tap counted into ``counted`` events (see ``Tap.limit_deliveries``).

While a tap counts, the boxes append ``(route, message)`` pairs to a plain list, as they would
to the event buffer, but nothing else happens per delivery: no time is noted, nothing is
decoded. Folding the list is done at C speed (slices, ``Counter``, and per route a backwards
scan for its last message), so a delivery costs two appends and a fraction of a hash; only ipc
messages, which a viewer must see one by one (newCSA, shutdownCSA, producerFinished...), are
looked at in Python, and only when the boxes saw a message that is not plain data.
"""

from __future__ import annotations

from collections import Counter
from itertools import islice
from typing import Any

from kamaelia_core.ipc import ipc

COUNTED = "counted"
"""The kind of the synthetic events that stand for many deliveries on one route."""


FOLD_EVERY = 2048
"""Items (two per delivery) a counting list holds before it is tallied: folded while it is
still in the CPU's caches, and its messages freed soon (a flood's bytes are not kept alive)."""


class Tally:
    """What a counting tap folded so far in a window: counts per key, and each key's last
    message (both C-level updates)."""

    __slots__ = ("counts", "lasts")

    def __init__(self) -> None:
        self.counts: Counter[Any] = Counter()
        self.lasts: dict[Any, Any] = {}

    def add(self, counting: list[Any], start: int, stop: int) -> None:
        """Tally the pairs of ``counting[start:stop]``."""
        if start >= stop:
            return
        keys = counting[start:stop:2]  # a slice is a C copy: cheaper than any iterator
        chunk = Counter(keys)
        self.counts.update(chunk)
        # each key's last message: a few keys, found from the end (a C scan, and a key's last
        # delivery is usually close to it) instead of a dict store per delivery
        backwards = keys[::-1]
        last = len(keys) - 1
        lasts = self.lasts
        for key in chunk:
            lasts[key] = counting[start + 2 * (last - backwards.index(key)) + 1]

    def emit(self, buf: list[Any]) -> None:
        """Append one ``counted`` event per key to ``buf``, and start over."""
        lasts = self.lasts
        append = buf.append
        for key, n in self.counts.items():
            last = lasts[key]
            if len(key) == 2:
                source, target = key
                append(
                    (COUNTED, source.owner, source.name, target.owner, target.name,
                     last.__class__, {"n": n})
                )  # fmt: skip
            else:
                comp, box, sink, sink_box = key
                extra = {"n": n, "discarded": True}
                append((COUNTED, comp, box, sink, sink_box, last.__class__, extra))
            append(last)
        self.counts.clear()
        lasts.clear()


def holds_ipc(counting: list[Any]) -> bool:
    """Whether any counted message is an ipc message (one look per message type)."""
    return any(issubclass(cls, ipc) for cls in set(map(type, islice(counting, 1, None, 2))))


def flush_counted(counting: list[Any], tally: Tally, buf: list[Any], mixed: bool = True) -> None:
    """Append to ``buf`` the events standing for what ``tally`` holds and the pairs of
    ``counting``, which come after it (``mixed``: some message was not kept as it is, so one
    may be an ipc message; when False, none is).

    A pair's key is a delivery's ``(source box, terminal box)`` route or, for a send on an
    unlinked outbox, ``(component, box, sink, sink box)``. Each run of plain messages becomes one
    ``counted`` event per key (``extra = {"n": how many}``, ``"discarded": True`` for sends
    that went nowhere) carrying the key's last message; each ipc delivery stays a delivery of
    its own, in its place, so what is counted before it is recorded before it.
    """
    start = 0
    if mixed and holds_ipc(counting):
        for index in range(1, len(counting), 2):
            value = counting[index]
            if isinstance(value, ipc):
                tally.add(counting, start, index - 1)
                tally.emit(buf)
                buf.append(counting[index - 1])
                buf.append(value)
                start = index + 1
    tally.add(counting, start, len(counting))
    tally.emit(buf)


__all__ = ["COUNTED", "FOLD_EVERY", "Tally", "flush_counted", "holds_ipc"]
