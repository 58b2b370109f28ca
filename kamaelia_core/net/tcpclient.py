"""Connects to a TCP server and carries the connection's bytes through its own boxes.

``TCPClient(host, port)`` connects without blocking the scheduler (a non-blocking ``connect``
finished when the Selector reports the socket writable), then hands the socket to a
ConnectedSocketAdapter: ``inbox`` -> socket, socket -> ``outbox``. It ends with one
``producerFinished(self, reason)`` on ``signal``: ``reason`` is a readable sentence when the
connection failed ("connection to 127.0.0.1:9 failed: ECONNREFUSED (Connection refused)") or the
way the open connection ended ("peer closed", "producerFinished", "ECONNRESET", ...).
"""

from __future__ import annotations

import errno
import logging
import os
import socket
from collections.abc import Generator
from typing import Any

from kamaelia_core import ipc
from kamaelia_core.component import Component
from kamaelia_core.net.csa import ConnectedSocketAdapter
from kamaelia_core.net.selector import Selector

log = logging.getLogger(__name__)


class TCPClient(Component):
    """A client connection as a component.

    Args:
        host: Server address or name (names are resolved with a blocking lookup; prefer
            addresses inside a busy system).
        port: Server port.
        delay: Seconds to wait before connecting.
        connect_timeout: Seconds before an unanswered connection attempt fails.
        wait_for_serverclose: Keep the connection open after a ``producerFinished`` on
            ``control`` (the request has been sent, the answer is still to come) until the
            server closes it; a ``shutdownMicroprocess`` still closes it at once. Without it a
            ``producerFinished`` flushes, closes and ends the client.
        **argd: Attributes, e.g. ``CSA`` (the adapter class).
    """

    Inboxes = {
        "inbox": "Bytes to send to the server",
        "control": "producerFinished: flush then close; shutdownMicroprocess: close at once",
        "_socketFeedback": "socketShutdown from the CSA when the connection closed",
        "_connectReady": "The Selector sends the socket here when the connection attempt ends",
    }
    Outboxes = {
        "outbox": "Bytes received from the server",
        "signal": "producerFinished(self, reason) once, when the client ends",
        "_selectorSignal": "Registrations to the Selector service",
        "_csaControl": "Shutdown requests to the CSA (with wait_for_serverclose)",
    }
    Category = "Internet"
    SpawnsChildren = True

    CSA = ConnectedSocketAdapter

    def __init__(
        self,
        host: str,
        port: int,
        delay: float = 0,
        connect_timeout: float = 60,
        wait_for_serverclose: bool = False,
        **argd: Any,
    ) -> None:
        super().__init__(**argd)
        self.host = host
        self.port = port
        self.delay = delay
        self.connect_timeout = connect_timeout
        self.wait_for_serverclose = wait_for_serverclose
        self.connectedSocket: ConnectedSocketAdapter | None = None
        self.reason: str | None = None
        self._timed_out = False

    def live_details(self) -> dict[str, Any]:
        """For the ``spawned`` event: the address it connects to, ``"host:port"``."""
        return {"remote": f"{self.host}:{self.port}"}

    def __repr__(self) -> str:
        state = "connected" if self.connectedSocket is not None else (self.reason or "connecting")
        return f"<TCPClient#{self.cid} {self.host}:{self.port} {state}>"

    def main(self) -> Generator[int, None, None]:
        """Connect, run the CSA, report how it ended."""
        if self.delay > 0:
            self._wait(self.delay)
            while not self._timed_out:
                self.pause()
                yield 1
        service, new_selector = Selector.getSelectorService(self.tracker)
        if new_selector is not None:
            new_selector.activate(self.scheduler)
        self.link((self, "_selectorSignal"), service)
        sock: socket.socket | None = None
        try:
            sock = yield from self._connect()
            if sock is None:
                return
            csa = self.CSA(sock, service)
            self.connectedSocket = csa
            self._wire(csa)
            self.send(ipc.newCSA(self, (csa, sock)), "_selectorSignal")
            csa.activate(self.scheduler)
            sock = None  # the CSA owns it now
            feedback = self.inboxes["_socketFeedback"].storage
            control = self.inboxes["control"].storage
            while not feedback:
                if self.wait_for_serverclose:
                    while control:  # a producerFinished leaves the connection to the server
                        message = self.recv("control")
                        if isinstance(message, ipc.shutdownMicroprocess):
                            self.send(message, "_csaControl")
                self.pause()
                yield 1
            message = self.recv("_socketFeedback")
            self.reason = message.message[1] if isinstance(message.message, tuple) else "closed"
            self.send(ipc.shutdownCSA(self, (csa, csa.socket)), "_selectorSignal")
            self.removeChild(csa)
        finally:
            if sock is not None:
                self.send(ipc.removeWriter(self, sock), "_selectorSignal")
                sock.close()
            if self.connectedSocket is not None and not self.connectedSocket._isStopped():
                self.connectedSocket.stop()
            self.send(ipc.producerFinished(self, self.reason or "stopped"), "signal")

    def _wait(self, seconds: float) -> None:
        self._timed_out = False
        self._running_on().call_later(seconds, self._time_out)

    def _time_out(self) -> None:
        self._timed_out = True
        self.unpause()

    def _connect(self) -> Generator[int, None, socket.socket | None]:
        """The connected socket, or None once ``self.reason`` says why there is none."""
        where = f"{self.host}:{self.port}"
        if isinstance(self.port, int) and not 0 <= self.port <= 65535:
            # getaddrinfo would quietly take the port modulo 65536 (70000 -> 4464)
            self._fail(f"invalid port {self.port!r}: a TCP port is an int from 0 to 65535")
            return None
        try:
            family, kind, proto, _name, address = socket.getaddrinfo(
                self.host, self.port, type=socket.SOCK_STREAM
            )[0]
        except (socket.gaierror, UnicodeError) as exc:
            self._fail(f"cannot resolve {self.host!r}: {exc}")
            return None
        try:
            sock = socket.socket(family, kind, proto)
        except OSError as exc:  # out of descriptors (EMFILE/ENFILE) or of buffers
            self._fail(f"cannot open a socket to {where}: {_describe(exc)}")
            return None
        sock.setblocking(False)
        code = sock.connect_ex(address)
        if code == errno.EINPROGRESS:
            self.send(ipc.newWriter(self, ((self, "_connectReady"), sock)), "_selectorSignal")
            self._wait(self.connect_timeout)
            ready = self.inboxes["_connectReady"].storage
            control = self.inboxes["control"].storage
            try:
                while not ready and not self._timed_out and not _cancelled(control):
                    self.pause()
                    yield 1
            except GeneratorExit:
                sock.close()
                raise
            self.send(ipc.removeWriter(self, sock), "_selectorSignal")
            if _cancelled(control) and not ready:
                sock.close()
                self._fail(f"connection to {where} cancelled by shutdownMicroprocess")
                return None
            if not ready:
                sock.close()
                self._fail(f"connection to {where} timed out after {self.connect_timeout}s")
                return None
            ready.clear()
            code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if code != 0:
            sock.close()
            name = errno.errorcode.get(code, str(code))
            self._fail(f"connection to {where} failed: {name} ({os.strerror(code)})")
            return None
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError as exc:
            log.debug("TCP_NODELAY not set: %s", exc)
        return sock

    def _fail(self, reason: str) -> None:
        """Record why there is no connection (the reason ``signal`` will carry)."""
        self.reason = reason
        log.info("%s", reason)

    def _wire(self, csa: ConnectedSocketAdapter) -> None:
        pending_data = list(self.Inbox("inbox"))
        pending_control = list(self.Inbox("control"))
        self.addChildren(csa)
        self.link((self, "inbox"), (csa, "inbox"), passthrough=1)
        if self.wait_for_serverclose:  # only a shutdownMicroprocess reaches the csa
            self.link((self, "_csaControl"), (csa, "control"))
            to_csa = self.outboxes["_csaControl"]
            pending_control = [
                m for m in pending_control if isinstance(m, ipc.shutdownMicroprocess)
            ]
        else:
            self.link((self, "control"), (csa, "control"), passthrough=1)
            to_csa = self.inboxes["control"]
        self.link((csa, "outbox"), (self, "outbox"), passthrough=2)
        self.link((csa, "CreatorFeedback"), (self, "_socketFeedback"))
        inbox = self.inboxes["inbox"]  # passes through to the csa
        for data in pending_data:
            inbox.target.put(data, inbox.route)
        for message in pending_control:
            to_csa.target.put(message, to_csa.route)


def _describe(exc: OSError) -> str:
    name = errno.errorcode.get(exc.errno, "") if exc.errno is not None else ""
    text = exc.strerror or str(exc)
    return f"{name} ({text})" if name else text


def _cancelled(control: Any) -> bool:
    return any(isinstance(m, ipc.shutdownMicroprocess) for m in control)


__kamaelia_components__ = (TCPClient,)
