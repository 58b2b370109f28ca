"""Sources: the start of a pipeline: given messages, one message (now or when triggered), a stream.

Each sends on outbox and says it has finished with producerFinished on signal; a full
destination inbox makes a source wait (it is woken when the consumer takes a message).
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from typing import Any

from kamaelia_core.component import ENDINGS, Component
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
        sched = self._running_on()
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


class OneShot(Component):
    """Sends ``msg`` once on outbox, then producerFinished on signal, and ends.

    Args:
        msg: The message.
    """

    Inboxes = {
        "inbox": "Unused",
        "control": "Unused",
    }
    Outboxes = {
        "outbox": "The message",
        "signal": "producerFinished once it is sent",
    }

    def __init__(self, msg: Any = None) -> None:
        super().__init__()
        self.msg = msg

    def main(self) -> Generator[Any, None, None]:
        """Send the message (waiting for room if need be), then producerFinished."""
        while True:
            try:
                self.send(self.msg, "outbox")
                break
            except noSpaceInBox:
                self.pause()
                yield 1
        yield 1
        self.send(producerFinished(self), "signal")


class TriggeredOneShot(Component):
    """Waits for any message on inbox, then sends ``msg`` once on outbox and ends.

    Control messages received while waiting are passed on through signal; a producerFinished
    or shutdownMicroprocess among them ends it without sending.

    Args:
        msg: The message sent when triggered.
    """

    Inboxes = {
        "inbox": "Anything: the trigger",
        "control": "Passed on through signal; producerFinished/shutdownMicroprocess end it",
    }
    Outboxes = {
        "outbox": "The message, once triggered",
        "signal": "producerFinished once it is sent (or the control messages passed on)",
    }

    def __init__(self, msg: Any = None) -> None:
        super().__init__()
        self.msg = msg

    def main(self) -> Generator[Any, None, None]:
        """Wait for the trigger, send, finish."""
        while not self.dataReady("inbox"):
            while self.dataReady("control"):
                message = self.recv("control")
                self.send(message, "signal")
                if isinstance(message, ENDINGS):
                    return
            self.pause()
            yield 1
        self.recv("inbox")
        self.send(self.msg, "outbox")
        yield 1
        self.send(producerFinished(self), "signal")


class TriggeredSource(Component):
    """Sends ``msg`` on outbox each time any message arrives on inbox.

    A producerFinished or shutdownMicroprocess on control ends it after the waiting triggers
    are answered, and is passed on through signal.

    Args:
        msg: The message sent for every trigger.
    """

    Inboxes = {
        "inbox": "Anything: each one is a trigger",
        "control": "producerFinished or shutdownMicroprocess: finish and pass it on",
    }
    Outboxes = {
        "outbox": "The message, once per trigger",
        "signal": "The shutdown message received on control, passed on",
    }

    def __init__(self, msg: Any = None) -> None:
        super().__init__()
        self.msg = msg

    def main(self) -> Generator[Any, None, None]:
        """Answer each trigger with the message."""
        inbox = self.inboxes["inbox"]
        while True:
            while inbox.storage:
                inbox.pop()
                self.send(self.msg, "outbox")
            if self.pass_on_ending():
                return
            self.pause()
            yield 1


class Chargen(Component):
    """Sends ``message`` on outbox every slice, for ever (a character generator for tests).

    A full destination inbox makes it wait until the consumer takes one; a producerFinished or
    shutdownMicroprocess on control ends it and is passed on through signal.

    Args:
        message: What is sent each time.
    """

    Inboxes = {
        "inbox": "Unused",
        "control": "producerFinished or shutdownMicroprocess: stop and pass it on",
    }
    Outboxes = {
        "outbox": "The message, over and over",
        "signal": "The shutdown message received on control, passed on",
    }

    def __init__(self, message: Any = "Hello World") -> None:
        super().__init__()
        self.message = message
        self.sent = 0

    def __repr__(self) -> str:
        return f"<{self.name} {self.state} sent={self.sent}>"

    def main(self) -> Generator[Any, None, None]:
        """Send, yield, repeat."""
        while True:
            if self.pass_on_ending():
                return
            try:
                self.send(self.message, "outbox")
                self.sent += 1
            except noSpaceInBox:
                self.pause()
            yield 1


__kamaelia_components__ = (
    DataSource,
    RateSource,
    OneShot,
    TriggeredOneShot,
    TriggeredSource,
    Chargen,
)
