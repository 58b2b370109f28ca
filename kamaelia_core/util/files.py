"""Files at either end of a pipeline: read a file's lines or chunks out, write messages in.

``SimpleReader`` streams a file's lines, ``PromptedFileReader`` reads as much as it is asked for
each time, ``SimpleFileWriter`` writes whatever it receives. Each opens its file when it starts
(a missing file is a crash naming it) and closes it however it ends.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import IO, Any

from kamaelia_core.component import Component
from kamaelia_core.errors import noSpaceInBox
from kamaelia_core.ipc import producerFinished, shutdownMicroprocess

LINES_PER_SLICE = 64
"""Lines a SimpleReader sends before it lets others run."""


class SimpleReader(Component):
    """Sends every line of ``filename`` (line endings kept) on outbox, then producerFinished.

    A full destination makes it wait; a shutdownMicroprocess on control stops it early (passed
    on through signal, and then no producerFinished follows).

    Args:
        filename: The file to read.
        **argd: Attributes, e.g. ``mode`` ("r" text, "rb" bytes) and ``buffering``.
    """

    Inboxes = {
        "inbox": "Unused",
        "control": "shutdownMicroprocess: stop reading and pass it on",
    }
    Outboxes = {
        "outbox": "The file's lines, in order",
        "signal": "producerFinished at the end of the file",
    }
    mode = "r"
    buffering = -1

    def __init__(self, filename: str, **argd: Any) -> None:
        super().__init__(**argd)
        self.filename = filename
        self.sent = 0

    def __repr__(self) -> str:
        return f"<{self.name} {self.filename!r} {self.state} sent={self.sent}>"

    def main(self) -> Generator[Any, None, None]:
        """Send the lines, a batch per slice."""
        control = self.inboxes["control"]
        with open(self.filename, self.mode, self.buffering) as handle:
            pending = None
            while True:
                for _ in range(LINES_PER_SLICE):
                    line = pending if pending is not None else handle.readline()
                    pending = None
                    if not line:
                        self.send(producerFinished(self), "signal")
                        return
                    try:
                        self.send(line, "outbox")
                    except noSpaceInBox:
                        pending = line
                        self.pause()  # the consumer's next recv wakes us
                        break
                    self.sent += 1
                while control.storage:
                    message = control.pop()
                    if isinstance(message, shutdownMicroprocess):
                        self.send(message, "signal")
                        return
                yield 1


class PromptedFileReader(Component):
    """Reads ``n`` bytes (or lines) of ``filename`` for each ``n`` on inbox and sends them.

    At the end of the file it sends producerFinished on signal and ends. A shutdownMicroprocess
    on control ends it early (passed on).

    Args:
        filename: The file to read (opened in binary mode: the data is bytes).
        readmode: ``"bytes"`` or ``"lines"``.

    Raises:
        ValueError: Another ``readmode``.
    """

    Inboxes = {
        "inbox": "How much to read next: a number of bytes or lines",
        "control": "shutdownMicroprocess: stop and pass it on",
    }
    Outboxes = {
        "outbox": "What was read (bytes)",
        "signal": "producerFinished at the end of the file",
    }

    def __init__(self, filename: str, readmode: str = "bytes") -> None:
        super().__init__()
        if readmode not in ("bytes", "lines"):
            raise ValueError(f"readmode must be 'bytes' or 'lines', not {readmode!r}")
        self.filename = filename
        self.readmode = readmode

    def main(self) -> Generator[Any, None, None]:
        """Answer each request from the file."""
        inbox = self.inboxes["inbox"]
        control = self.inboxes["control"]
        with open(self.filename, "rb") as handle:
            while True:
                while inbox.storage:
                    data = self._read(handle, int(inbox.pop()))
                    if not data:
                        self.send(producerFinished(self), "signal")
                        return
                    self.send(data, "outbox")
                while control.storage:
                    message = control.pop()
                    if isinstance(message, shutdownMicroprocess):
                        self.send(message, "signal")
                        return
                self.pause()
                yield 1

    def _read(self, handle: IO[bytes], count: int) -> bytes:
        if self.readmode == "bytes":
            return handle.read(count)
        return b"".join(handle.readline() for _ in range(count))


class SimpleFileWriter(Component):
    """Writes every message from inbox to ``filename``; a producerFinished or
    shutdownMicroprocess on control ends it (after the waiting messages) and is passed on.

    In a binary mode text is written as UTF-8; in a text mode bytes are decoded as UTF-8.

    Args:
        filename: The file to write.
        mode: How to open it ("wb", "ab", "w", "a"...).
    """

    Inboxes = {
        "inbox": "Data to write",
        "control": "producerFinished or shutdownMicroprocess: finish and pass it on",
    }
    Outboxes = {
        "outbox": "Unused",
        "signal": "The shutdown message received on control, passed on",
    }

    def __init__(self, filename: str, mode: str = "wb") -> None:
        super().__init__()
        self.filename = filename
        self.mode = mode
        self.written = 0

    def __repr__(self) -> str:
        return f"<{self.name} {self.filename!r} {self.state} written={self.written}>"

    def main(self) -> Generator[Any, None, None]:
        """Write what arrives; flush after each batch."""
        inbox = self.inboxes["inbox"]
        binary = "b" in self.mode
        with open(self.filename, self.mode) as handle:
            while True:
                if inbox.storage:
                    while inbox.storage:
                        data = inbox.pop()
                        if binary and isinstance(data, str):
                            data = data.encode("utf-8")
                        elif not binary and isinstance(data, (bytes, bytearray)):
                            data = bytes(data).decode("utf-8", "replace")
                        handle.write(data)
                        self.written += 1
                    handle.flush()
                if self.pass_on_ending():
                    return
                self.pause()
                yield 1


__kamaelia_components__ = (SimpleReader, PromptedFileReader, SimpleFileWriter)
