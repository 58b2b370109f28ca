"""A bare viewer for the monitor tests: a blocking socket that speaks the protocol by hand."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from typing import Any

from kamaelia_core.instrument import Event
from kamaelia_core.monitor import protocol as proto

Frame = dict[str, Any]


class RawViewer:
    """Connects to a monitor, says hello, and collects every frame it receives.

    Args:
        address: The monitor's address (``proto.Address``).
        token: The token to present (anything, to test refusals).
        hello: Extra or replaced hello fields (``protocol`` to test versions).
        rcvbuf: A small receive buffer, to play a slow viewer.
    """

    def __init__(
        self,
        address: proto.Address,
        token: str,
        hello: Frame | None = None,
        rcvbuf: int | None = None,
    ) -> None:
        self.sock = socket.socket(address.family, socket.SOCK_STREAM)
        if rcvbuf is not None:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(5)
        self.sock.connect(address.sockaddr)
        self.reader = proto.LineReader()
        self.frames: list[Frame] = []
        self.eof = False
        self._next_id = 1
        self.sock.sendall(proto.encode({**proto.hello(token, "viewer"), **(hello or {})}))

    def read_until(self, wanted: Callable[[Frame], bool], timeout: float = 10.0) -> Frame:
        """Read frames until one satisfies ``wanted`` (already received ones count)."""
        for frame in self.frames:
            if wanted(frame):
                return frame
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self.eof:
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                data = self.sock.recv(1 << 20)
            except TimeoutError:
                break
            if not data:
                self.eof = True
                break
            fresh = [proto.decode(line) for line in self.reader.feed(data)]
            self.frames += fresh
            for frame in fresh:
                if wanted(frame):
                    return frame
        raise AssertionError(f"no such frame within {timeout} s; got {self.kinds()}")

    def read_to_end(self, timeout: float = 10.0) -> None:
        """Read until the monitor closes the connection."""
        try:
            self.read_until(lambda frame: False, timeout)
        except AssertionError:
            if not self.eof:
                raise

    def kinds(self) -> list[str]:
        return [f["type"] for f in self.frames]

    def events(self) -> list[Event]:
        return [e for f in self.frames if f["type"] == "events" for e in proto.events_of(f)]

    def command(self, name: str, **args: Any) -> int:
        cid = self._next_id
        self._next_id += 1
        self.sock.sendall(
            proto.encode({"type": "command", "id": cid, "command": name, "args": args})
        )
        return cid

    def reply(self, cid: int) -> Frame:
        return self.read_until(lambda f: f["type"] == "reply" and f["id"] == cid)

    def close(self) -> None:
        self.sock.close()
