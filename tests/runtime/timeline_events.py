"""Synthetic engine events for the timeline tests (the fields a real tap would give)."""

from __future__ import annotations

from itertools import count
from typing import Any

from kamaelia_core.instrument import Event


class Events:
    """Makes events with gap-free sequence numbers and a clock the test moves."""

    def __init__(self, t: float = 100.0) -> None:
        self.t = t
        self._seq = count(1)

    def spawned(self, cid: int, name: str, **extra: Any) -> Event:
        extra.setdefault("cls", f"tests.{name.partition('#')[0]}")
        return self._event("spawned", cid, name, extra=extra)

    def ended(self, cid: int, name: str, kind: str = "finished", traceback: str = "") -> Event:
        extra = {"traceback": traceback} if kind == "crashed" else None
        return self._event(kind, cid, name, value=traceback, extra=extra)

    def sent(
        self,
        src: tuple[int, str],
        box: str,
        dst: tuple[int, str],
        sink_box: str,
        msg_type: str = "str",
        value: str = "'x'",
        extra: dict | None = None,
        kind: str = "delivered",
    ) -> Event:
        return Event(next(self._seq), self.t, kind, src[0], src[1], box, dst[0], dst[1],
                     sink_box, msg_type, value, extra)  # fmt: skip

    def _event(self, kind: str, cid: int, name: str, value: str = "", extra=None) -> Event:
        return Event(next(self._seq), self.t, kind, cid, name, "", 0, "", "", "", value, extra)
