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
    ``MAX_REQUEST_HEAD`` bytes gets ``431``; one that is not HTTP gets ``400``. After answering it
    sends ``producerFinished`` on ``signal`` (which makes a CSA flush and close).

    Args:
        message: Body text of the answer.
        **argd: Accepted and kept (ServerCore passes the peer keywords).
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

    def __init__(self, message: str = "Hello, world!\n", **argd: Any) -> None:
        super().__init__(**argd)
        self.message = message
        self.request: tuple[str, str] | None = None

    def main(self) -> Generator[int, None, None]:
        """Collect the head, answer, finish."""
        head = bytearray()
        inbox = self.inboxes["inbox"]
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
            self.pause()
            yield 1
        self.send(ipc.producerFinished(self), "signal")

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
