"""Reads the message log's filter syntax for the timeline: which messages and lifelines show.

Between the timeline dock's filter box and its Qt-free rows: the text is parsed by the log's own
``LogFilter`` (free words and ``type:``, ``box:``, ``comp:``/``src:``/``sink:``, ``conn:``,
``value:`` terms, globs, a category chip), and matched the way the log matches its rows, against
the same labels (the live controller's ``describe``), so one filter means one thing in both.
"""

from __future__ import annotations

from collections.abc import Callable

from kamaelia_core.instrument import Event
from workbench.runtime.timeline import Lifeline, TimelineModel
from workbench.ui.live import kinds
from workbench.ui.live.log_model import Describe, LogFilter, _match, default_describe

COMPONENT_TERMS = frozenset({"comp", "src", "sink"})


class TimelineFilter:
    """A parsed filter over timeline messages.

    Args:
        text: The filter box's text (the log's syntax).
        category: "all", "data", "lifecycle" or "control" (the log's chips).
        model: The timeline model (for a connection's peer, the ``conn:`` term).
        describe: Event -> (source label, sink label, connection) as the log labels rows.
    """

    def __init__(
        self,
        text: str = "",
        category: str = "all",
        model: TimelineModel | None = None,
        describe: Describe | None = None,
    ) -> None:
        self.parsed = LogFilter(text, category)
        self.model = model
        self.describe = describe or default_describe

    def __bool__(self) -> bool:
        return bool(self.parsed)

    def predicate(self) -> Callable[[Event], bool] | None:
        """The predicate the rows take (None: everything shows)."""
        return self.accepts if self.parsed else None

    def accepts(self, ev: Event) -> bool:
        """Whether message ``ev`` passes the chip and every term."""
        parsed = self.parsed
        if parsed.category != "all" and kinds.category(ev) != parsed.category:
            return False
        if not parsed.terms:
            return True
        source, sink, conn = self.describe(ev)
        if not conn and self.model is not None:
            conn = self._peer(ev.cid) or self._peer(ev.sink_cid)
        for key, value in parsed.terms:
            if key == "type":
                fields: tuple[str, ...] = (ev.msg_type,)
            elif key == "box":
                fields = (ev.box, ev.sink_box)
            elif key == "src":
                fields = (source,)
            elif key == "sink":
                fields = (sink,)
            elif key == "comp":
                fields = (source, sink)
            elif key == "conn":
                fields = (conn, ev.value)
            elif key == "value":
                fields = (ev.value,)
            else:
                fields = (source, sink, ev.msg_type, ev.value, conn)
            if not any(_match(value, f) for f in fields):
                return False
        return True

    def shows_lifeline(self, line: Lifeline, title: str) -> bool:
        """Whether a component term names this lifeline (it shows even without messages)."""
        terms = [value for key, value in self.parsed.terms if key in COMPONENT_TERMS]
        return any(_match(value, title) or _match(value, line.name) for value in terms)

    def _peer(self, cid: int) -> str:
        line = self.model.lines.get(cid) if self.model is not None else None
        return line.peer if line is not None else ""
