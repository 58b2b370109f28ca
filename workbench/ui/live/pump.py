"""Pumps a live run's events into its model once per frame, from the Qt event loop.

The only place the window takes events from a run (graph in this process, program in another,
a recording): a frame timer calls ``run.pump()``, which hands the stream's watchers (the live
model, then the log and the inspector) at most ``FRAME_EVENTS`` events; a bigger backlog is taken
on the next turns of the loop (a zero-delay timer), so a flood never blocks the window. Views
subscribe to the run's model and draw what changed; they never pump themselves.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from workbench.runtime.events import FRAME_EVENTS

FRAME_MS = 33
DOZE_MS = 100
"""Frame interval while nothing happens (a run that waits on its sockets)."""
SOON_MS = 12
"""Least time between two pumps asked for by arriving events (``pump_soon``)."""


class FramePump(QObject):
    """Calls ``run.pump()`` every frame while started.

    Args:
        run: A live run (``pump(max_events) -> int``, ``pending() -> int``).
        interval_ms: The frame interval to start with.
    """

    pumped = Signal(int)  #: events handed out by this frame's pump (0 for an idle frame)

    def __init__(self, run: Any, interval_ms: int = FRAME_MS, parent: QObject | None = None):
        super().__init__(parent)
        self.run = run
        self.frames = 0
        self._timer = QTimer(self, interval=interval_ms)
        self._timer.timeout.connect(self.pump)
        self._more = QTimer(self, singleShot=True, interval=0)
        self._more.timeout.connect(self.pump)
        self._last = 0.0

    def start(self) -> None:
        """Begin pumping."""
        self._timer.start()

    def stop(self) -> None:
        """Stop the timers (nothing more is pumped)."""
        self._timer.stop()
        self._more.stop()

    @property
    def active(self) -> bool:
        """Whether the frame timer runs."""
        return self._timer.isActive()

    def set_interval(self, ms: int) -> None:
        """Change the frame interval (the live view asks for 16 ms while tokens move)."""
        if self._timer.interval() != ms:
            self._timer.setInterval(ms)

    def interval(self) -> int:
        """The current frame interval in milliseconds."""
        return self._timer.interval()

    def pump_soon(self) -> None:
        """Something arrived (a watched program's events): pump on the next turn of the loop,
        not at the next frame, unless a pump ran less than ``SOON_MS`` ago."""
        if (time.monotonic() - self._last) * 1000 >= SOON_MS and not self._more.isActive():
            self._more.start()

    def pump(self) -> int:
        """Pump one frame's worth now; returns how many events it handed out."""
        self._last = time.monotonic()
        count = self.run.pump(FRAME_EVENTS)
        self.frames += 1
        if count >= FRAME_EVENTS:
            self._more.start()
        self.pumped.emit(count)
        return count
