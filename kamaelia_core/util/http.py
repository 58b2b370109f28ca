"""HelloHTTP: a tiny HTTP/1.0 responder, one per connection, that answers every request the same."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from kamaelia_core import ipc
from kamaelia_core.component import Component

MAX_REQUEST_HEAD = 16 * 1024
"""Longest request head accepted before answering 431."""


def http_response(
    status: str,
    body: bytes,
    content_type: str = "text/plain; charset=utf-8",
    head_only: bool = False,
) -> bytes:
    """An HTTP/1.0 response with ``Connection: close`` (just the head for a HEAD request)."""
    head = (
        f"HTTP/1.0 {status}\r\n"
        f"Content-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode("ascii") + (b"" if head_only else body)


class HelloHTTP(Component):
    """Reads one request head and answers ``200 OK`` with a greeting, then finishes.

    The request line's method and path are kept in ``request``. A head longer than
    ``MAX_REQUEST_HEAD`` bytes gets ``431``; one that is not HTTP gets ``400``; one not complete
    within ``head_timeout`` seconds of the connection's start gets ``408`` (a client that sends
    a header byte now and then cannot hold the connection open for ever). After answering it
    sends ``producerFinished`` on ``signal`` (which makes a CSA flush and close).

    Args:
        message: Body text of the answer.
        head_timeout: Seconds the whole request head may take to arrive (None: no limit).
        **argd: Accepted and kept (ServerCore passes the peer keywords).

    Raises:
        ValueError: ``head_timeout`` is not a positive number (or None).
    """

    Inboxes = {
        "inbox": "Request bytes from the client",
        "control": "socketShutdown/shutdownMicroprocess: the connection went away",
    }
    Outboxes = {
        "outbox": "The response bytes",
        "signal": "producerFinished once answered",
    }
    Category = "Util"

    head_timeout: float | None = 10.0

    def __init__(
        self,
        message: str = "Hello, world!\n",
        head_timeout: float | None = 10.0,
        **argd: Any,
    ) -> None:
        super().__init__(**argd)
        if head_timeout is not None and not (
            isinstance(head_timeout, (int, float)) and head_timeout > 0
        ):
            raise ValueError(
                f"head_timeout must be a positive number of seconds or None, not {head_timeout!r}"
            )
        self.message = message
        self.head_timeout = head_timeout
        self.request: tuple[str, str] | None = None
        self._late = False

    def main(self) -> Generator[int, None, None]:
        """Collect the head, answer, finish."""
        timer = None
        if self.head_timeout is not None:
            timer = self._running_on().call_later(self.head_timeout, self._head_late)
        head = bytearray()
        inbox = self.inboxes["inbox"]
        try:
            while True:
                while inbox.storage:
                    head += inbox.pop()
                if b"\r\n\r\n" in head or b"\n\n" in head:
                    self.send(self._answer(bytes(head)), "outbox")
                    break
                if len(head) > MAX_REQUEST_HEAD:
                    self.send(http_response("431 Request Header Fields Too Large", b""), "outbox")
                    break
                if self.dataReady("control"):
                    self.send(self.recv("control"), "signal")
                    return
                if self._late:
                    self.send(http_response("408 Request Timeout", b"request timeout\n"), "outbox")
                    break
                self.pause()
                yield 1
        finally:
            if timer is not None:
                timer.cancel()
        self.send(ipc.producerFinished(self), "signal")

    def _head_late(self) -> None:
        self._late = True
        self.unpause()

    def _answer(self, head: bytes) -> bytes:
        line = head.split(b"\n", 1)[0].decode("latin-1").strip()
        parts = line.split()
        if len(parts) != 3 or not parts[2].startswith("HTTP/"):
            return http_response("400 Bad Request", b"bad request\n")
        self.request = (parts[0], parts[1])
        if parts[0] not in ("GET", "HEAD"):
            return http_response("405 Method Not Allowed", b"only GET and HEAD\n")
        body = self.message.encode("utf-8")
        return http_response("200 OK", body, head_only=parts[0] == "HEAD")


__kamaelia_components__ = (HelloHTTP,)
