"""Console components: the terminal at either end of a pipeline (echo out, read lines in)."""

from __future__ import annotations

import sys
from collections.abc import Generator
from typing import Any, TextIO

from kamaelia_core.component import Component
from kamaelia_core.errors import noSpaceInBox
from kamaelia_core.ipc import producerFinished
from kamaelia_core.threaded import ThreadedComponent
from kamaelia_core.util.transformers import ENDINGS


class ConsoleEchoer(Component):
    """Writes every message it receives to a stream (standard output by default).

    Bytes are decoded as UTF-8 (undecodable bytes replaced); other messages are written with
    ``str`` (or ``repr``). A producerFinished or shutdownMicroprocess on control ends it after
    the waiting messages are written, and is passed on through signal.

    Args:
        forwarder: Also send each message on outbox.
        use_repr: Write ``repr(message)`` instead of ``str(message)``.
        tag: Text written before each message.
        forward_only: Write nothing; only forward on outbox (a silent tap in a pipeline).
        stream: Where to write; None means ``sys.stdout`` at the time of writing.
    """

    Inboxes = {
        "inbox": "Messages to write to the console",
        "control": "producerFinished or shutdownMicroprocess: finish and pass it on",
    }
    Outboxes = {
        "outbox": "The messages, passed on (with forwarder or forward_only)",
        "signal": "The shutdown message received on control, passed on",
    }

    def __init__(
        self,
        forwarder: bool = False,
        use_repr: bool = False,
        tag: str = "",
        forward_only: bool = False,
        stream: TextIO | None = None,
    ) -> None:
        super().__init__()
        self.forwarder = forwarder or forward_only
        self.use_repr = use_repr
        self.tag = tag
        self.forward_only = forward_only
        self.stream = stream
        self.written = 0

    def __repr__(self) -> str:
        return f"<{self.name} {self.state} written={self.written}>"

    def render(self, message: Any) -> str:
        """The text written for ``message``."""
        if self.use_repr:
            text = repr(message)
        elif isinstance(message, (bytes, bytearray)):
            text = bytes(message).decode("utf-8", "replace")
        else:
            text = str(message)
        return self.tag + text

    def main(self) -> Generator[Any, None, None]:
        """Write (and forward) what waits, then sleep until more arrives."""
        inbox = self.inboxes["inbox"]
        while True:
            if inbox.storage:
                stream = None if self.forward_only else (self.stream or sys.stdout)
                while inbox.storage:
                    message = inbox.pop()
                    if stream is not None:
                        stream.write(self.render(message))
                        self.written += 1
                    if self.forwarder:
                        self.send(message, "outbox")
                if stream is not None:
                    stream.flush()
            if self.pass_on_ending():
                return
            self.pause()
            yield 1


class ConsoleReader(ThreadedComponent):
    """Reads lines from a stream (standard input by default) in its own thread and sends them.

    Each line is sent on outbox without its line ending, followed by ``eol``. At end of input
    it sends producerFinished on signal and ends; a shutdown message on control ends it at the
    next line.

    Args:
        prompt: Written to standard output before each line is read ("" for none).
        eol: Appended to each line sent.
        stream: Where to read from; None means ``sys.stdin``.
    """

    Inboxes = {
        "inbox": "Unused",
        "control": "shutdownMicroprocess or producerFinished: stop reading and pass it on",
    }
    Outboxes = {
        "outbox": "Each line read (line ending replaced by eol)",
        "signal": "producerFinished at end of input",
    }

    def __init__(self, prompt: str = ">>> ", eol: str = "\n", stream: TextIO | None = None) -> None:
        super().__init__()
        self.prompt = prompt
        self.eol = eol
        self.stream = stream

    # a threaded component's main is a plain function run in its own thread (Axon's design),
    # not the generator Component.main is
    def main(self) -> None:  # type: ignore[override]
        """Read until end of input (or a shutdown message), sending each line."""
        stream = self.stream or sys.stdin
        while True:
            while self.dataReady("control"):
                msg = self.recv("control")
                if isinstance(msg, ENDINGS):
                    self.send(msg, "signal")
                    return
            if self.prompt:
                sys.stdout.write(self.prompt)
                sys.stdout.flush()
            line = stream.readline()
            if not line:
                self.send(producerFinished(self), "signal")
                return
            self._send_waiting(line.rstrip("\r\n") + self.eol)

    def _send_waiting(self, message: Any) -> None:
        """Send, waiting for room while the out-queue is full."""
        while True:
            try:
                self.send(message, "outbox")
                return
            except noSpaceInBox:
                self.pause()


__kamaelia_components__ = (ConsoleEchoer, ConsoleReader)
