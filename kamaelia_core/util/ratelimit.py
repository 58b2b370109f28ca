"""Rate limits: stages that let messages through no faster than a rate, or one per request.

``MessageRateLimit`` sits in a pipeline and paces what passes on scheduler timers (it never
polls); ``OnDemandLimit`` holds messages until something asks for the next one.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Generator
from typing import Any

from kamaelia_core.component import ENDINGS, Component
from kamaelia_core.errors import noSpaceInBox
from kamaelia_core.ipc import shutdownMicroprocess
from kamaelia_core.timers import TimerHandle, next_tick


class MessageRateLimit(Component):
    """Passes messages from inbox to outbox at most ``messages_per_second`` a second.

    It first waits until ``buffer`` messages are waiting (or the producer has finished), so
    that a bursty producer is smoothed out from the start, then sends one message every
    ``1 / messages_per_second`` seconds for as long as there are messages. A producerFinished
    on control lets it send what is waiting, at the rate, and is then passed on through signal;
    a shutdownMicroprocess ends it at once (passed on).

    Args:
        messages_per_second: The most messages sent in a second.
        buffer: Messages to gather before the first one is sent.
        **argd: Attributes, e.g. ``hardlimit`` (a size limit for the inbox).
    """

    Inboxes = {
        "inbox": "Messages to pass on at the rate",
        "control": "producerFinished: send what waits, then end; shutdownMicroprocess: end now",
    }
    Outboxes = {
        "outbox": "The messages, no faster than the rate",
        "signal": "The shutdown message received on control, passed on",
    }
    hardlimit = 0
    """When non-zero, the inbox is limited to this many messages (senders then wait)."""

    def __init__(self, messages_per_second: float, buffer: int = 60, **argd: Any) -> None:
        super().__init__(**argd)
        if messages_per_second <= 0:
            raise ValueError(f"messages_per_second must be positive, not {messages_per_second!r}")
        if buffer < 0:
            raise ValueError(f"buffer must not be negative, not {buffer!r}")
        self.mps = messages_per_second
        self.interval = 1.0 / messages_per_second
        self.buffer = buffer
        self.sent = 0

    def __repr__(self) -> str:
        return f"<{self.name} {self.state} {self.mps}/s sent={self.sent}>"

    def main(self) -> Generator[Any, None, None]:
        """Gather, then send one message per interval."""
        sched = self._running_on()
        if self.hardlimit:
            self.setInboxSize("inbox", self.hardlimit)
        inbox = self.inboxes["inbox"]
        control = self.inboxes["control"]
        finishing: Any = None
        started = False
        due = sched.clock()
        timer: TimerHandle | None = None
        try:
            while True:
                while control.storage:
                    message = control.pop()
                    if isinstance(message, shutdownMicroprocess):
                        self.send(message, "signal")
                        return
                    if isinstance(message, ENDINGS):
                        finishing = message
                started = started or len(inbox.storage) >= self.buffer or finishing is not None
                if started and inbox.storage:
                    now = sched.clock()
                    if now >= due:
                        try:
                            self.send(inbox.storage[0], "outbox")
                        except noSpaceInBox:
                            self.pause()  # the consumer's next recv wakes us
                            yield 1
                            continue
                        inbox.pop()
                        self.sent += 1
                        due = next_tick(due, now, self.interval)
                    if inbox.storage and (timer is None or timer.when != due):
                        if timer is not None:
                            timer.cancel()
                        timer = sched.call_at(due, self.unpause)
                if started and finishing is not None and not inbox.storage:
                    self.send(finishing, "signal")
                    return
                self.pause()
                yield 1
        finally:
            if timer is not None:
                timer.cancel()


class OnDemandLimit(Component):
    """Holds messages from inbox and sends one on outbox for each "NEXT" on ``slidecontrol``.

    Requests made while nothing is waiting are remembered. A producerFinished or
    shutdownMicroprocess on control ends it and is passed on through signal.
    """

    Inboxes = {
        "inbox": "Messages to pass on, one per request",
        "control": "producerFinished or shutdownMicroprocess: end and pass it on",
        "slidecontrol": '"NEXT": send the next message',
    }
    Outboxes = {
        "outbox": "One message per request",
        "signal": "The shutdown message received on control, passed on",
    }

    def __init__(self) -> None:
        super().__init__()
        self.requested = 0
        self.held: deque[Any] = deque()

    def main(self) -> Generator[Any, None, None]:
        """Match requests with messages."""
        inbox = self.inboxes["inbox"]
        requests = self.inboxes["slidecontrol"]
        while True:
            while inbox.storage:
                self.held.append(inbox.pop())
            while requests.storage:
                if requests.pop() == "NEXT":
                    self.requested += 1
            while self.requested and self.held:
                self.send(self.held.popleft(), "outbox")
                self.requested -= 1
            if self.pass_on_ending():
                return
            self.pause()
            yield 1


__kamaelia_components__ = (MessageRateLimit, OnDemandLimit)
