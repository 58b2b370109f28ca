"""Replays a recording as a live run: its events, on its own clock, with nothing running.

Sits where a Session would: a ``Replay`` has the ``stream`` (an EventStream draining a
``ReplaySource``) and the ``model`` (a LiveModel) every live view watches, and the run controls
(pause, resume, step, stop), plus a speed and a position to seek to. The source releases the
recorded events as the replay clock passes their recorded times (``speed`` times real time), so
the canvas, the log and the timeline see them as they happened, faster or slower; ``seek``
forwards applies everything up to the new time at once, and backwards starts again from the
beginning (the model is rebuilt from the events, which is what makes a replay the same picture as
the run). No network, no components: only the file.
"""

from __future__ import annotations

import bisect
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kamaelia_core.instrument import Event
from workbench.runtime.events import FRAME_EVENTS, EventStream
from workbench.runtime.live_model import LiveModel
from workbench.runtime.recorder import RecordingError, read_events, read_header
from workbench.runtime.run_state import RunState

SPEEDS = (0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 50.0)
"""The speeds a replay offers (any positive factor works)."""
MAX_EVENTS = 5_000_000
"""Most events a replay loads (a bigger recording is refused with a clear message)."""


class ReplaySource:
    """Hands out a recording's events as a clock passes their times (an EventStream source).

    Args:
        events: The recorded events, in order.
        clock: The replay's wall clock (``time.monotonic``; a fake one in tests).
    """

    def __init__(self, events: list[Event], clock: Callable[[], float] = time.monotonic):
        self.events = events
        self.clock = clock
        self.times = [ev.t for ev in events]
        self.start_t = events[0].t if events else 0.0
        self.end_t = events[-1].t if events else 0.0
        self.index = 0
        """Events handed out so far."""
        self.speed = 1.0
        self.playing = False
        self._position = self.start_t
        self._wall = clock()
        self.dropped = 0
        """Drops the recording noted (a recording made while the tap overflowed)."""

    def __len__(self) -> int:
        return len(self.events) - self.index

    @property
    def position(self) -> float:
        """The replay clock, in recorded time."""
        if not self.playing:
            return self._position
        return min(self.end_t, self._position + (self.clock() - self._wall) * self.speed)

    def play(self, on: bool = True) -> None:
        """Let the replay clock run (or hold it where it is)."""
        self._position = self.position
        self._wall = self.clock()
        self.playing = on

    def set_speed(self, speed: float) -> None:
        """Run the replay clock ``speed`` times as fast as the recording."""
        if speed <= 0:
            raise ValueError(f"a replay speed is positive, not {speed}")
        self._position = self.position
        self._wall = self.clock()
        self.speed = speed

    def move_to(self, t: float) -> None:
        """Put the replay clock at recorded time ``t`` (forwards only: see ``Replay.seek``)."""
        self._position = max(self.start_t, min(self.end_t, t))
        self._wall = self.clock()

    def due(self) -> int:
        """How many events the clock has passed and are not handed out yet."""
        return bisect.bisect_right(self.times, self.position, lo=self.index) - self.index

    def drain(self, max_events: int | None = None) -> list[Event]:
        """The next events whose time has come, at most ``max_events``."""
        due = self.due()
        if max_events is not None:
            due = min(due, max_events)
        batch = self.events[self.index : self.index + due]
        self.index += due
        return batch

    def advance_one(self) -> bool:
        """Move the clock to the next event's time (Step): the next drain hands it out."""
        if self.index >= len(self.events):
            return False
        self._position = max(self.position, self.times[self.index])
        self._wall = self.clock()
        return True

    @property
    def finished(self) -> bool:
        """Every event has been handed out."""
        return self.index >= len(self.events)


class Replay(RunState):
    """A recording played back as a live run.

    Args:
        path: The JSONL recording (``Recorder``'s format, with or without its header).
        clock: The wall clock (tests pass a fake one).

    Raises:
        RecordingError: The file is not a readable recording, or is too big to replay.
        FileNotFoundError: No such file.
    """

    def __init__(self, path: str | os.PathLike[str], clock: Callable[[], float] = time.monotonic):
        self.path = Path(path)
        self.header: dict[str, Any] = read_header(self.path)
        events: list[Event] = []
        for ev in read_events(self.path):
            events.append(ev)
            if len(events) > MAX_EVENTS:
                raise RecordingError(
                    f"{self.path}: more than {MAX_EVENTS:,} events; cut the recording shorter"
                )
        self._clock = clock
        self.recorded = events
        super().__init__()  # the state: idle, running, paused, stopped, finished
        self._new_run()

    def _new_run(self) -> None:
        self.source = ReplaySource(self.recorded, self._clock)
        self.stream = EventStream(self.source)
        self.model = LiveModel()
        self.stream.subscribe(self.model.apply)

    def __repr__(self) -> str:
        return (
            f"<Replay {self.path.name} {self.state} {self.source.index}/{len(self.recorded)} "
            f"x{self.source.speed:g}>"
        )

    # -- what it is of ----------------------------------------------------------------------
    @property
    def title(self) -> str:
        """What was recorded, for people."""
        return str(self.header.get("title") or self.path.name)

    @property
    def graph_data(self) -> dict[str, Any] | None:
        """The graph document that was run (None for a program or an old recording)."""
        graph = self.header.get("graph")
        return graph if isinstance(graph, dict) else None

    @property
    def duration(self) -> float:
        """Seconds from the first recorded event to the last."""
        return self.source.end_t - self.source.start_t

    @property
    def position(self) -> float:
        """Seconds into the recording the replay clock stands at."""
        return self.source.position - self.source.start_t

    @property
    def events_shown(self) -> int:
        """Events handed to the views so far."""
        return self.source.index

    # -- run controls -----------------------------------------------------------------------
    def start(self) -> None:
        """Start playing from the beginning."""
        self.source.play(True)
        self._set_state("running")

    def pause(self) -> None:
        """Hold the replay clock."""
        if self.state == "running":
            self.source.play(False)
            self._set_state("paused")

    def resume(self) -> None:
        """Let the replay clock run again."""
        if self.state in ("paused", "finished") and not self.source.finished:
            self.source.play(True)
            self._set_state("running")

    def step(self) -> int:
        """Hand the views the next event (works while paused); returns 1, or 0 at the end."""
        if not self.source.advance_one():
            return 0
        return len(self.stream.pump(1))

    def set_speed(self, speed: float) -> None:
        """Play at ``speed`` times the recorded pace."""
        self.source.set_speed(speed)

    def seek(self, seconds: float) -> bool:
        """Move to ``seconds`` into the recording.

        Forwards, the events up to there are handed to the views at once (the host keeps
        pumping ``FRAME_EVENTS`` a turn). Backwards, the run starts afresh (a new model:
        whoever watches must attach again) and plays up to there. Returns True when it
        started afresh.
        """
        target = self.source.start_t + max(0.0, seconds)
        if target >= self.source.position:
            self.source.move_to(target)
            return False
        playing, speed = self.source.playing, self.source.speed
        self._new_run()
        self.source.set_speed(speed)
        self.source.move_to(target)
        self.source.play(playing)
        return True

    def pump(self, max_events: int | None = FRAME_EVENTS) -> int:
        """Hand the watchers the events whose time has come (at most ``max_events``)."""
        count = len(self.stream.pump(max_events))
        if self.source.finished and self.state == "running":
            self.source.play(False)
            self._set_state("finished")
        return count

    def pending(self) -> int:
        """Events whose time has come and that are not handed out yet."""
        return self.source.due()

    def stop(self) -> None:
        """End the replay (nothing more is handed out)."""
        self.source.play(False)
        self._set_state("stopped")

    @property
    def finished(self) -> bool:
        """Every recorded event has been replayed."""
        return self.source.finished
