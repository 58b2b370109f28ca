"""Plans a comic strip: from a recording's events and two moments, which panels show what.

Sits between a recording's events (``Replay.recorded``) and the comic renderer
(``workbench.ui.comic``): it resolves the two moments (seconds into the recording, or an event's
sequence number written ``@SEQ``), picks the panels (evenly spaced between them, or one at each
lifecycle step when the range holds fewer steps than panels) and says what each panel's caption
tells: its time and the event that just happened. Plain Python, no Qt, so bad input is refused
here with messages a person can act on.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from kamaelia_core.instrument import Event
from workbench.ui.live import kinds

MIN_PANELS, MAX_PANELS = 2, 12
STEP_KINDS = frozenset({"spawned", "finished", "stopped", "crashed"})
"""Event kinds that are a step of the story (a component appeared or ended)."""
SLACK_S = 1e-6
"""How far outside the recording a time bound may fall (float noise) and still be taken."""


class ComicError(ValueError):
    """A comic strip cannot be made as asked; the message says why and what would work."""


@dataclass(frozen=True)
class Bound:
    """One end of the range: ``seconds`` into the recording, or the event with ``seq``."""

    seconds: float | None = None
    seq: int | None = None

    def __str__(self) -> str:
        return f"@{self.seq}" if self.seq is not None else f"{self.seconds:g} s"


@dataclass(frozen=True)
class Moment:
    """One panel.

    Attributes:
        t: Seconds into the recording the panel shows.
        index: How many of the recorded events have happened by then.
        event: The event that just happened (its caption), or None before any.
        steps: Lifecycle steps since the panel before (the caption names one of them).
    """

    t: float
    index: int
    event: Event | None
    steps: int = 0

    @property
    def what(self) -> str:
        """The caption's type: the message type of a delivery, else the event kind."""
        if self.event is None:
            return "start"
        return kinds.type_label(self.event)

    @property
    def where(self) -> str:
        """The caption's "source.box → sink.box" (a component alone when there is no sink)."""
        ev = self.event
        if ev is None:
            return ""
        source = kinds.short_name(ev.name) + (f".{ev.box}" if ev.box else "")
        if not ev.sink_cid and not ev.sink_name:
            return source
        return f"{source} → {kinds.short_name(ev.sink_name)}" + (
            f".{ev.sink_box}" if ev.sink_box else ""
        )

    @property
    def token_kind(self) -> str:
        """The colour family of the caption's event ("new", "closing", "eos" or "data")."""
        ev = self.event
        if ev is None or ev.kind != "delivered":
            return "crashed" if ev is not None and ev.kind == "crashed" else "data"
        return kinds.token_kind(ev.msg_type)


def parse_bound(text: str | float | int | Bound | None) -> Bound | None:
    """``"2.5"`` (seconds), ``"@120"`` (event sequence number), a number, or None / "".

    Raises:
        ComicError: Neither a number of seconds nor ``@SEQ``.
    """
    if text is None or isinstance(text, Bound):
        return text
    if isinstance(text, bool):
        raise ComicError(f"a moment is seconds or @SEQ, not {text!r}")
    if isinstance(text, int | float):
        return Bound(seconds=float(text))
    text = text.strip()
    if not text:
        return None
    try:
        if text.startswith("@"):
            return Bound(seq=int(text[1:]))
        return Bound(seconds=float(text.removesuffix("s").strip()))
    except ValueError:
        raise ComicError(
            f"a moment is seconds into the recording (2.5) or an event's sequence number "
            f"(@120), not {text!r}"
        ) from None


def parse_range(text: str) -> tuple[Bound | None, Bound | None]:
    """``"A:B"`` with either side empty (the recording's start or end): ``"1.5:4"``,
    ``"@20:@90"``, ``":3"``.

    Raises:
        ComicError: Not ``A:B``, or a side that is not a moment.
    """
    first, sep, second = text.partition(":")
    if not sep:
        raise ComicError(f"a range is FROM:TO (seconds, or @SEQ for events), not {text!r}")
    return parse_bound(first), parse_bound(second)


def check_layout(panels: int, columns: int) -> None:
    """Refuse a panel count outside 2..12 or a column count outside 1..panels.

    Raises:
        ComicError: Naming the bad value and the allowed ones.
    """
    if isinstance(panels, bool) or not isinstance(panels, int):
        raise ComicError(f"the number of panels is a whole number, not {panels!r}")
    if not MIN_PANELS <= panels <= MAX_PANELS:
        raise ComicError(f"a comic strip has {MIN_PANELS} to {MAX_PANELS} panels, not {panels}")
    if isinstance(columns, bool) or not isinstance(columns, int) or not 1 <= columns <= panels:
        raise ComicError(f"columns must be 1 to {panels} (the panels), not {columns!r}")


class Planner:
    """Resolves moments and picks panels over one recording's events.

    Args:
        events: The recorded events, in order (at least one).

    Raises:
        ComicError: There are no events.
    """

    def __init__(self, events: Sequence[Event]) -> None:
        if not events:
            raise ComicError("the recording holds no events: there is nothing to draw")
        self.events = events
        self.times = [ev.t for ev in events]
        self.t0 = self.times[0]
        self.duration = self.times[-1] - self.t0
        self.seqs = [ev.seq for ev in events]

    def span(self) -> str:
        """The recording's extent, for messages."""
        return f"0 to {self.duration:.3g} s, events @{self.seqs[0]} to @{self.seqs[-1]}"

    def resolve(self, bound: Bound | None, end: bool) -> tuple[float, int]:
        """(seconds into the recording, events happened by then) of ``bound``.

        Raises:
            ComicError: The moment lies outside the recording.
        """
        if bound is None:
            return (self.duration, len(self.events)) if end else (0.0, self._index_at(0.0))
        if bound.seq is not None:
            if not self.seqs[0] <= bound.seq <= self.seqs[-1]:
                raise ComicError(f"event @{bound.seq} is not in the recording ({self.span()})")
            i = bisect.bisect_left(self.seqs, bound.seq)
            return self.times[i] - self.t0, i + 1
        seconds = float(bound.seconds or 0.0)
        if not -SLACK_S <= seconds <= self.duration + SLACK_S:
            raise ComicError(f"{seconds:g} s is outside the recording ({self.span()})")
        seconds = min(max(seconds, 0.0), self.duration)
        return seconds, self._index_at(seconds)

    def _index_at(self, seconds: float) -> int:
        return bisect.bisect_right(self.times, self.t0 + seconds + SLACK_S)

    def plan(self, start: Bound | None, end: Bound | None, panels: int) -> list[Moment]:
        """The panels from ``start`` to ``end`` (None: the recording's start / end).

        Evenly spaced moments, both ends included; but when fewer lifecycle steps than
        ``panels`` happen after ``start`` up to ``end``, one panel at each of them (at least
        two panels: a range with one step shows its start and that step).

        Raises:
            ComicError: A moment outside the recording, a range that is empty or backwards, or a
                panel count outside 2..12.
        """
        check_layout(panels, 1)
        t_a, i_a = self.resolve(start, end=False)
        t_b, i_b = self.resolve(end, end=True)
        if t_b < t_a or (t_b == t_a and i_b <= i_a):
            raise ComicError(
                f"the range from {start or 'the start'} to {end or 'the end'} is empty or "
                f"backwards ({self.span()})"
            )
        steps = [i for i in range(i_a, i_b) if is_step(self.events[i])]
        if 0 < len(steps) < panels:
            moments = [self._moment(i + 1, i) for i in steps]  # each told by its own step
            if len(moments) == 1:
                moments.insert(0, self._moment(i_a, None))
            return moments
        moments, previous = [], None
        for k in range(panels):
            if k == 0:
                index = i_a
                seconds = t_a
            elif k == panels - 1:
                index, seconds = i_b, t_b
            else:
                seconds = t_a + (t_b - t_a) * k / (panels - 1)
                index = max(i_a, min(i_b, self._index_at(seconds)))
            moments.append(self._moment(index, previous, seconds))
            previous = index
        return moments

    def _moment(self, index: int, since: int | None, seconds: float | None = None) -> Moment:
        """The moment after ``index`` events. Its caption is the telling step since ``since``
        (the previous panel): a crash, else the last lifecycle message, else the last component
        that came or went; with none, the last event a person would see in the log."""
        if seconds is None:
            seconds = self.times[index - 1] - self.t0 if index else 0.0
        caption, rank, steps = None, 0, 0
        for i in range(index - 1, (since if since is not None else index) - 1, -1):
            ev = self.events[i]
            if not is_step(ev):
                continue
            steps += 1
            weight = 3 if ev.kind == "crashed" else 2 if ev.kind == "delivered" else 1
            if weight > rank:
                caption, rank = ev, weight
        if caption is None:
            caption = next(
                (self.events[i] for i in range(index - 1, -1, -1)
                 if self.events[i].kind in kinds.LOGGED_KINDS),
                None,
            )  # fmt: skip
        return Moment(seconds, index, caption, steps)


def is_step(ev: Event) -> bool:
    """True for a lifecycle step: a component spawned or ended, or a lifecycle message
    (newCSA, shutdownCSA, producerFinished...) delivered."""
    if ev.kind in STEP_KINDS:
        return True
    return ev.kind == "delivered" and ev.msg_type in kinds.SPECIAL_TYPES
