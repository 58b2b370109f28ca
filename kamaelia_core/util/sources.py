"""Sources: the start of a pipeline, emitting a given list of messages and then producerFinished."""

from __future__ import annotations

from collections.abc import Generator, Iterable
from typing import Any

from kamaelia_core.component import Component
from kamaelia_core.errors import noSpaceInBox
from kamaelia_core.ipc import producerFinished


class DataSource(Component):
    """Sends each of ``messages`` on outbox, then producerFinished on signal, and ends.

    A full destination inbox makes it wait until the consumer takes something. A shutdown
    message on control ends it early (passed on through signal).

    Args:
        messages: The messages to send, in order.
    """

    Inboxes = {
        "inbox": "Unused",
        "control": "shutdownMicroprocess or producerFinished: stop early and pass it on",
    }
    Outboxes = {
        "outbox": "The messages, in order",
        "signal": "producerFinished once every message is sent",
    }

    def __init__(self, messages: Iterable[Any] = ()) -> None:
        super().__init__()
        self.messages = list(messages)
        self.sent = 0

    def __repr__(self) -> str:
        return f"<{self.name} {self.state} sent={self.sent}/{len(self.messages)}>"

    def main(self) -> Generator[Any, None, None]:
        """Send everything (waiting while the destination is full), then producerFinished."""
        messages = self.messages
        while self.sent < len(messages):
            if self.pass_on_ending():
                return
            try:
                while self.sent < len(messages):
                    self.send(messages[self.sent], "outbox")
                    self.sent += 1
            except noSpaceInBox:
                self.pause()  # the consumer's next recv wakes us
            yield 1
        self.send(producerFinished(self), "signal")


class RateSource(Component):
    """Sends ``messages`` at ``rate`` per second on outbox, then producerFinished on signal.

    It sleeps between messages on a scheduler timer (no polling). A shutdown message on control
    ends it early (passed on through signal).

    Args:
        messages: The messages to send, in order.
        rate: Messages per second.
    """

    Inboxes = {
        "inbox": "Unused",
        "control": "shutdownMicroprocess or producerFinished: stop early and pass it on",
    }
    Outboxes = {
        "outbox": "The messages, one every 1/rate seconds",
        "signal": "producerFinished once every message is sent",
    }

    def __init__(self, messages: Iterable[Any] = (), rate: float = 10.0) -> None:
        super().__init__()
        if rate <= 0:
            raise ValueError(f"rate must be positive, not {rate!r}")
        self.messages = list(messages)
        self.rate = rate
        self.sent = 0

    def __repr__(self) -> str:
        return f"<{self.name} {self.state} sent={self.sent}/{len(self.messages)} rate={self.rate}>"

    def main(self) -> Generator[Any, None, None]:
        """Send one message per tick; sleep on a timer in between."""
        sched = self.scheduler
        assert sched is not None
        interval = 1.0 / self.rate
        due = sched.clock()
        while self.sent < len(self.messages):
            if self.pass_on_ending():
                return
            now = sched.clock()
            if now >= due:
                try:
                    self.send(self.messages[self.sent], "outbox")
                except noSpaceInBox:
                    self.pause()  # woken when the consumer takes one
                    yield 1
                    continue
                self.sent += 1
                due = max(due + interval, now)
                if self.sent < len(self.messages):
                    sched.call_at(due, self.unpause)
                    self.pause()
            else:
                self.pause()  # woken early by control; the timer is still pending
            yield 1
        self.send(producerFinished(self), "signal")


__kamaelia_components__ = (DataSource, RateSource)
