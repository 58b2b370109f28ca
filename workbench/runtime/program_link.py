"""The viewer's socket to one watched program: connect or listen, handshake, lines in, bytes out.

The transport under ``remote.RemoteSource``, which decides what the frames mean. Nothing here
blocks once connected and there is no thread: the owner calls ``poll`` (a host loop watches
``fileno()``, one descriptor whatever the socket's state). In listen mode this side checks the
connecting program's hello (token, version, role: docs/PROTOCOL.md) and welcomes or refuses it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import selectors
import socket
import time
from collections.abc import Callable
from typing import Any

from kamaelia_core.monitor import protocol as proto

log = logging.getLogger("workbench.runtime.remote")

READS_PER_POLL = 16
"""Most reads of 1 MiB per poll: a flood must not keep the host loop here."""


class RemoteError(ConnectionError):
    """The program cannot be reached, or refused us; the message says why."""


class ProgramLink:
    """One connection to a watched program. Build one with ``attach`` or ``listen``.

    Args:
        token: The shared secret.
        on_line: Called with every line the program sends.
        on_connected: Called once the connection is up (listen: its hello was accepted).
        on_lost: Called with the reason when the connection ends (not on ``close``).
    """

    def __init__(
        self,
        token: str,
        on_line: Callable[[bytes], None],
        on_connected: Callable[[], None],
        on_lost: Callable[[str], None],
    ) -> None:
        self.token = token
        self.address = ""
        """Where it is connected (attach) or listens (listen): ``host:port`` or ``unix:path``."""
        self.listening = False
        self.closed = False
        self._on_line, self._on_connected, self._on_lost = on_line, on_connected, on_lost
        self._sel = selectors.DefaultSelector()
        self._conn: socket.socket | None = None
        self._reader = proto.LineReader(proto.MAX_FRAME)
        self._out = bytearray()
        self._listener: socket.socket | None = None
        self._handshakes: dict[int, tuple[socket.socket, proto.LineReader, float]] = {}
        self._unix_path = ""

    @property
    def connected(self) -> bool:
        """Whether a connection to the program is open."""
        return self._conn is not None

    def attach(self, address: str, timeout: float) -> None:
        """Connect to a program serving its monitor and send the hello.

        Raises:
            RemoteError: The address is not loopback or a Unix socket, or nobody listens there.
        """
        where = _parse(address)
        sock = socket.socket(where.family, socket.SOCK_STREAM)
        try:
            sock.settimeout(timeout)
            sock.connect(where.sockaddr)
            sock.sendall(proto.encode(proto.hello(self.token, "viewer")))
        except OSError as exc:
            sock.close()
            raise RemoteError(f"cannot attach to {where}: {exc}") from None
        sock.setblocking(False)
        self.address = str(where)
        self._conn = sock
        self._sel.register(sock, selectors.EVENT_READ, self._on_conn)

    def listen(self, address: str) -> None:
        """Listen for one program to connect back.

        Raises:
            RemoteError: The address is not loopback or a Unix socket, or cannot be bound.
        """
        where = _parse(address)
        sock = socket.socket(where.family, socket.SOCK_STREAM)
        try:
            sock.bind(where.sockaddr)
            if where.path:
                self._unix_path = where.path
                os.chmod(where.path, 0o600)
            sock.listen(4)
        except OSError as exc:
            sock.close()
            raise RemoteError(f"cannot listen on {where}: {exc}") from None
        sock.setblocking(False)
        self._listener = sock
        self.listening = True
        self.address = str(where) if where.path else f"{where.host}:{sock.getsockname()[1]}"
        self._sel.register(sock, selectors.EVENT_READ, self._on_accept)

    # -- driving ---------------------------------------------------------------------------

    def fileno(self) -> int:
        """One descriptor, readable whenever ``poll`` has something to do."""
        return self._sel.fileno()

    def poll(self, timeout: float | None = 0) -> None:
        """Wait up to ``timeout`` seconds for something to do, and do it."""
        if self.closed:
            return
        for key, mask in self._sel.select(timeout):
            key.data(key.fileobj, mask)
        self._check_handshakes()

    def send(self, data: bytes) -> None:
        """Queue ``data`` for the program (written now if the socket takes it)."""
        conn = self._conn
        if conn is None:
            return
        if not self._out:
            try:
                sent = conn.send(data)
            except (BlockingIOError, InterruptedError):
                sent = 0
            except OSError as exc:
                self._lost(f"cannot write to the program: {exc}")
                return
            data = data[sent:]
        if data:
            self._out += data
            self._sel.modify(conn, selectors.EVENT_READ | selectors.EVENT_WRITE, self._on_conn)

    def drop(self) -> None:
        """Close the connection (the program refused us, or we are done with it)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(KeyError, ValueError):
                self._sel.unregister(conn)
            conn.close()
        self._out.clear()

    def close(self) -> None:
        """Close the connection and the listener (a Unix socket file is removed)."""
        if self.closed:
            return
        for conn, _reader, _deadline in list(self._handshakes.values()):
            self._end_handshake(conn, None)
        self.drop()
        if self._listener is not None:
            with contextlib.suppress(KeyError, ValueError):
                self._sel.unregister(self._listener)
            self._listener.close()
            self._listener = None
            if self._unix_path:
                with contextlib.suppress(OSError):
                    os.unlink(self._unix_path)
        self._sel.close()
        self.closed = True

    # -- the socket ------------------------------------------------------------------------

    def _on_conn(self, conn: Any, mask: int) -> None:
        if mask & selectors.EVENT_WRITE and self._out:
            try:
                sent = conn.send(self._out)
            except (BlockingIOError, InterruptedError):
                sent = 0
            except OSError as exc:
                self._lost(f"cannot write to the program: {exc}")
                return
            del self._out[:sent]
            if not self._out:
                self._sel.modify(conn, selectors.EVENT_READ, self._on_conn)
        if not mask & selectors.EVENT_READ:
            return
        for _ in range(READS_PER_POLL):
            try:
                data = conn.recv(1 << 20)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                self._lost(f"the connection to the program failed: {exc}")
                return
            if not data:
                self._lost("the program closed the connection")
                return
            try:
                lines = self._reader.feed(data)
            except proto.ProtocolError as exc:
                self._lost(f"the program sent a bad frame: {exc}")
                return
            for line in lines:
                self._on_line(line)
            if self._conn is not conn:
                return

    def _lost(self, why: str) -> None:
        if self._conn is None:
            return
        self.drop()
        self._on_lost(why)

    def _on_accept(self, sock: Any, mask: int) -> None:
        assert self._listener is not None
        while True:
            try:
                conn, _addr = self._listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                log.warning("could not accept a program's connection: %s", exc)
                return
            conn.setblocking(False)
            if self._conn is not None or len(self._handshakes) >= proto.MAX_HANDSHAKES:
                _refuse(conn, "busy", "a program is already connected or connecting here")
                continue
            deadline = time.monotonic() + proto.HANDSHAKE_TIMEOUT
            self._handshakes[conn.fileno()] = (conn, proto.LineReader(proto.MAX_HELLO), deadline)
            self._sel.register(conn, selectors.EVENT_READ, self._on_handshake)

    def _on_handshake(self, conn: Any, mask: int) -> None:
        entry = self._handshakes.get(conn.fileno())
        if entry is None:
            return
        try:
            data = conn.recv(65536)
            lines = entry[1].feed(data) if data else None
        except (BlockingIOError, InterruptedError):
            return
        except (OSError, proto.ProtocolError) as exc:
            self._end_handshake(conn, ("hello", str(exc)))
            return
        if lines is None:
            self._end_handshake(conn, None)
            return
        if not lines:
            return
        try:
            why = proto.check_hello(proto.decode(lines[0]), self.token, "program")
        except proto.ProtocolError as exc:
            why = ("hello", str(exc))
        if why is None and self._conn is not None:
            why = ("busy", "a program is already connected here")
        if why is not None:
            self._end_handshake(conn, why)
            return
        del self._handshakes[conn.fileno()]
        self._sel.modify(conn, selectors.EVENT_READ, self._on_conn)
        self._conn = conn
        self.send(proto.encode(proto.welcome()))
        self._on_connected()
        for line in lines[1:]:
            self._on_line(line)

    def _end_handshake(self, conn: socket.socket, why: tuple[str, str] | None) -> None:
        self._handshakes.pop(conn.fileno(), None)
        with contextlib.suppress(KeyError, ValueError):
            self._sel.unregister(conn)
        if why is not None:
            _refuse(conn, *why)
        else:
            conn.close()

    def _check_handshakes(self) -> None:
        if not self._handshakes:
            return
        now = time.monotonic()
        for conn, _reader, deadline in list(self._handshakes.values()):
            if deadline <= now:
                self._end_handshake(conn, ("hello", "no hello within the handshake time"))


def _parse(address: str) -> proto.Address:
    try:
        return proto.parse_address(address)
    except proto.ProtocolError as exc:
        raise RemoteError(str(exc)) from None


def _refuse(conn: socket.socket, reason: str, message: str) -> None:
    log.warning("refused a program's connection: %s", message)
    with contextlib.suppress(OSError):
        conn.send(proto.encode(proto.refused(reason, message)))
    conn.close()
