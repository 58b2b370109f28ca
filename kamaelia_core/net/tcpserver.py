"""Accepts connections for a listening socket and hands each to a new ConnectedSocketAdapter.

The flow is the seed document's (Kamaelia's TCPServer reference):

1. ``TCPServer(listenport)`` makes a bound, listening, non-blocking socket (``makeTCPServerPort``)
   and registers it with the Selector service, found through the CAT, with
   ``newReader((self, "newconnection"), listener)``.
2. On readiness it accepts every pending connection (until EAGAIN, at most ``accepts_per_turn``
   per turn; it stays runnable when that bound is hit, since an edge-triggered reactor will not
   say so again). For each it creates a CSA, sends ``newCSA(self, csa, sock)`` on
   ``protocolHandlerSignal`` and ``newCSA(self, (csa, sock))`` to the Selector, adopts the CSA as a
   child and links the CSA's ``CreatorFeedback`` to its own ``_feedbackFromCSA``. The consumer of
   ``protocolHandlerSignal`` wires the CSA up and activates it (as in Kamaelia), so no byte is read
   before someone listens to the CSA.
3. On ``socketShutdown`` at ``_feedbackFromCSA`` it closes the socket (if the CSA has not), sends
   ``removeReader``, ``removeWriter`` and ``shutdownCSA(self, (csa, sock))`` to the Selector and
   ``shutdownCSA(self, csa)`` on ``protocolHandlerSignal``.

Running out of descriptors (EMFILE/ENFILE from ``accept``) is an episode, not a stream of errors:
the server logs one ERROR when it starts, then sheds load. It keeps one descriptor in reserve
(``/dev/null``, opened when it starts); on EMFILE it closes the reserve, accepts the pending
connection and closes it at once (the client sees the connection closed, instead of waiting for
a timeout), and reopens the reserve, until the backlog is empty. The first connection accepted
normally again ends the episode with one WARNING that says how many connections were shed and
for how long (``shed`` counts them all). Without a reserve (or on ENOBUFS/ENOMEM) it retries on a
timer.

It does not terminate on its own. On ``control``: ``serverShutdown`` or ``producerFinished`` stop
listening (the listener is deregistered and closed at once) and the server ends once its existing
connections have closed; ``shutdownMicroprocess`` also closes every connection at once. The
Selector is shared with other servers, so the server never shuts it down.
"""

from __future__ import annotations

import errno
import logging
import os
import random
import socket
from collections.abc import Generator
from typing import Any

from kamaelia_core import ipc
from kamaelia_core.component import Component
from kamaelia_core.net.csa import ConnectedSocketAdapter, describe_error
from kamaelia_core.net.selector import Selector

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_BACKLOG = 512
_ACCEPT_RETRY = 0.05
"""Seconds before accepting again when out of resources and no reserve descriptor helps."""
_TRANSIENT_ACCEPT = {errno.ECONNABORTED, errno.EPROTO, errno.EPERM}
_OUT_OF_FDS = {errno.EMFILE, errno.ENFILE}
_OUT_OF_MEMORY = {errno.ENOBUFS, errno.ENOMEM}

SocketOption = tuple[int, int, Any]


def makeTCPServerPort(
    suppliedport: int | None = None,
    HOST: str | None = None,
    minrange: int = 2000,
    maxrange: int = 50000,
    maxlisten: int = DEFAULT_BACKLOG,
    socketOptions: SocketOption | list[SocketOption] | None = None,
    tries: int = 50,
) -> tuple[socket.socket, int]:
    """Make a bound, listening, non-blocking TCP socket.

    Args:
        suppliedport: The port; 0 lets the OS choose; None picks a random free port in
            ``[minrange, maxrange]``.
        HOST: Address to bind (default 127.0.0.1: loopback unless asked otherwise).
        minrange: Lowest random port.
        maxrange: Highest random port.
        maxlisten: Listen backlog (Kamaelia used 5, which refuses bursts; 512 here).
        socketOptions: One ``(level, option, value)`` or a list of them, set before binding.
        tries: Random ports tried before giving up.

    Returns:
        ``(socket, port)``.

    Raises:
        OSError: Binding failed (the message names the address), unlike Kamaelia's silent
            ``(None, None)``.
        TypeError: ``suppliedport`` is not a whole number (checked before any socket exists).
    """
    if suppliedport is not None and (
        isinstance(suppliedport, bool) or not isinstance(suppliedport, int)
    ):
        raise TypeError(f"the port must be a whole number, not {suppliedport!r}")
    host = DEFAULT_HOST if HOST is None else HOST
    if suppliedport is None:
        candidates = [random.randint(minrange, maxrange) for _ in range(tries)]
    else:
        candidates = [suppliedport]
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    last: OSError | None = None
    for port in candidates:
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            for level, option, value in _options(socketOptions):
                sock.setsockopt(level, option, value)
            sock.bind((host, port))
            sock.listen(maxlisten)
        except OSError as exc:
            sock.close()
            last = exc
            if exc.errno != errno.EADDRINUSE or suppliedport is not None:
                break
            continue
        sock.setblocking(False)
        return sock, sock.getsockname()[1]
    shown = "a random port" if suppliedport is None else f"port {suppliedport}"
    assert last is not None
    raise OSError(last.errno, f"cannot listen on {host}, {shown}: {last.strerror}") from last


def _options(options: SocketOption | list[SocketOption] | None) -> list[SocketOption]:
    if options is None:
        return []
    if isinstance(options, tuple) and options and isinstance(options[0], int):
        return [options]
    return list(options)


class TCPServer(Component):
    """Listens on a port and announces each accepted connection as a new CSA.

    Args:
        listenport: Port to listen on (0: any free port; None: a random one in 2000-50000). The
            port actually used is ``self.port``.
        socketOptions: ``(level, option, value)`` or a list of them, set on the listener.
        host: Address to bind (default 127.0.0.1).
        backlog: Listen backlog.
        **argd: Attributes, e.g. ``CSA`` (the adapter class) or ``accepts_per_turn``.
    """

    Inboxes = {
        "_feedbackFromCSA": "socketShutdown from CSAs whose socket closed",
        "newconnection": "The Selector sends the listener here when connections are pending",
        "control": "serverShutdown/producerFinished: stop listening; shutdownMicroprocess: all",
    }
    Outboxes = {
        "protocolHandlerSignal": "newCSA(self, csa, sock) per connection; shutdownCSA when gone",
        "signal": "producerFinished(self) when the server has ended",
        "_selectorSignal": "Registrations to the Selector service",
        "_selectorShutdownSignal": "The Selector's control (linked; the shared Selector is kept)",
    }
    Category = "Internet"
    SpawnsChildren = True

    CSA = ConnectedSocketAdapter
    accepts_per_turn = 256
    nodelay = True

    def __init__(
        self,
        listenport: int | None = 0,
        socketOptions: SocketOption | list[SocketOption] | None = None,
        host: str = DEFAULT_HOST,
        backlog: int = DEFAULT_BACKLOG,
        **argd: Any,
    ) -> None:
        super().__init__(**argd)
        self.listener, self.port = makeTCPServerPort(
            listenport, host, maxlisten=backlog, socketOptions=socketOptions
        )
        self.listenport = self.port
        self.host = host
        self.socket_handlers: dict[ConnectedSocketAdapter, Any] = {}
        self._feedback_links: dict[ConnectedSocketAdapter, Any] = {}
        self.accepted = 0
        self.shed = 0
        """Connections closed unserved because the process was out of descriptors."""
        self._listening = True
        self._pending = False
        self._reserve: int | None = None
        self._starved: tuple[float, int, str] | None = None
        """While out of resources: (since, shed at the start, errno name); None otherwise."""

    def live_details(self) -> dict[str, Any]:
        """For the ``spawned`` event: the address it listens on, ``"host:port"``."""
        return {"listening": f"{self.host}:{self.port}", "port": self.port}

    def __repr__(self) -> str:
        where = "listening" if self._listening else "closed"
        shed = f" shed={self.shed}" if self.shed else ""
        return (
            f"<TCPServer#{self.cid} {self.host}:{self.port} {where} "
            f"connections={len(self.socket_handlers)}{shed}>"
        )

    def main(self) -> Generator[int, None, None]:
        """Accept connections and report their ends until told to stop."""
        service, shutdown_service, new_selector = Selector.getSelectorServices(self.tracker)
        if new_selector is not None:
            new_selector.activate(self.scheduler)
        self.selectorService = service
        self.link((self, "_selectorSignal"), service)
        self.link((self, "_selectorShutdownSignal"), shutdown_service)
        self.send(ipc.newReader(self, ((self, "newconnection"), self.listener)), "_selectorSignal")
        self._open_reserve()
        feedback = self.inboxes["_feedbackFromCSA"].storage
        newconn = self.inboxes["newconnection"].storage
        control = self.inboxes["control"].storage
        try:
            while True:
                if newconn:
                    newconn.clear()
                    self._pending = True
                if self._pending and self._listening:
                    self._accept_some()
                while feedback:
                    self._feedback(self.recv("_feedbackFromCSA"))
                while control:
                    self._control(self.recv("control"))
                if not self._listening and not self.socket_handlers:
                    self.send(ipc.producerFinished(self), "signal")
                    return
                if self._pending and self._listening:
                    yield 1
                    continue
                self.pause()
                yield 1
        finally:
            self._stop_listening()
            self._close_unstarted()

    def _close_unstarted(self) -> None:
        """Close the sockets of connections whose CSA nobody started (the run was stopped
        between the accept and the protocol handler's start, e.g. held at a breakpoint)."""
        for csa, sock in list(self.socket_handlers.items()):
            if csa.scheduler is None:
                del self.socket_handlers[csa]
                try:
                    sock.close()
                except OSError as exc:
                    log.debug("%r: closing %r failed: %s", self, csa, describe_error(exc))

    # -- accepting -----------------------------------------------------------------------------

    def _accept_some(self) -> None:
        accept = self.listener.accept
        for _ in range(self.accepts_per_turn):
            try:
                sock, address = accept()
            except (BlockingIOError, InterruptedError):
                self._pending = False
                return
            except OSError as exc:
                if exc.errno in _TRANSIENT_ACCEPT:
                    continue
                if exc.errno in _OUT_OF_FDS or exc.errno in _OUT_OF_MEMORY:
                    self._starving(exc)
                    if exc.errno in _OUT_OF_FDS and self._shed_one():
                        continue
                    if not self._pending:  # every pending connection was shed: wait for more
                        return
                    self._pending = False
                    self._running_on().call_later(_ACCEPT_RETRY, self._retry_accept)
                    return
                raise
            if self._starved is not None:
                self._recovered()
            self.createConnectedSocket(sock, address)

    def _retry_accept(self) -> None:
        if self._reserve is None:
            self._open_reserve()
        self._pending = True
        self.unpause()

    # -- running out of descriptors ------------------------------------------------------------

    def _open_reserve(self) -> None:
        try:
            self._reserve = os.open(os.devnull, os.O_RDONLY | os.O_CLOEXEC)
        except OSError as exc:
            self._reserve = None
            log.debug("%r has no reserve descriptor: %s", self, describe_error(exc))

    def _close_reserve(self) -> None:
        if self._reserve is not None:
            os.close(self._reserve)
            self._reserve = None

    def _shed_one(self) -> bool:
        """Free the reserve, accept one pending connection and close it; False if none could be.

        The client then sees its connection closed at once instead of waiting in the backlog
        for a timeout, and the backlog empties so the readiness edge comes again for the next.
        """
        if self._reserve is None:
            return False
        self._close_reserve()
        try:
            sock, _address = self.listener.accept()
        except (BlockingIOError, InterruptedError):
            self._open_reserve()
            self._pending = False
            return False
        except OSError as exc:
            self._open_reserve()
            log.debug("%r could not shed a connection: %s", self, describe_error(exc))
            return False
        sock.close()
        self.shed += 1
        self._open_reserve()
        return self._reserve is not None

    def _starving(self, exc: OSError) -> None:
        if self._starved is not None:
            return
        self._starved = (self._running_on().clock(), self.shed, describe_error(exc))
        log.error(
            "%r cannot accept: %s; closing new connections at once until resources free up",
            self,
            describe_error(exc),
        )

    def _recovered(self) -> None:
        assert self._starved is not None
        since, shed_before, reason = self._starved
        self._starved = None
        seconds = self._running_on().clock() - since
        log.warning(
            "%r accepts again after %.1f s out of resources (%s): "
            "%d connections were closed unserved",
            self,
            seconds,
            reason,
            self.shed - shed_before,
        )

    def createConnectedSocket(
        self, sock: socket.socket, address: Any = None
    ) -> ConnectedSocketAdapter:
        """Wrap an accepted socket in a CSA and announce it (seed: the per-connection flow)."""
        sock.setblocking(False)
        if self.nodelay:
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError as exc:
                log.debug("TCP_NODELAY not set: %s", describe_error(exc))
        peer = (address[0], address[1]) if isinstance(address, tuple) else None
        csa = self.CSA(sock, self.selectorService, peer=peer)
        csa._transient = True  # freed as soon as it has ended and is unlinked
        self.socket_handlers[csa] = sock
        self.accepted += 1
        self.addChildren(csa)
        self._feedback_links[csa] = self.link((csa, "CreatorFeedback"), (self, "_feedbackFromCSA"))
        self.send(ipc.newCSA(self, (csa, sock)), "_selectorSignal")
        self.send(ipc.newCSA(self, csa, sock), "protocolHandlerSignal")
        return csa

    # -- endings -------------------------------------------------------------------------------

    def _feedback(self, message: Any) -> None:
        if isinstance(message, ipc.socketShutdown):
            self.closeSocket(message)
        else:
            log.debug("%r ignores feedback %r", self, message)

    def closeSocket(self, shutdownMessage: ipc.socketShutdown) -> None:
        """Handle a CSA's socketShutdown: close, deregister, tell the protocol side."""
        csa = shutdownMessage.caller
        sock = self.socket_handlers.pop(csa, None)
        if sock is None:
            payload = shutdownMessage.message
            log.warning("%r: socketShutdown from unknown %r (%r)", self, csa, payload)
            return
        if sock.fileno() != -1:
            sock.close()
        self.send(ipc.removeReader(self, sock), "_selectorSignal")
        self.send(ipc.removeWriter(self, sock), "_selectorSignal")
        self.send(ipc.shutdownCSA(self, (csa, sock)), "_selectorSignal")
        self.send(ipc.shutdownCSA(self, csa), "protocolHandlerSignal")
        self.unlink(thelinkage=self._feedback_links.pop(csa, None))
        self._disown(csa)

    def _control(self, message: Any) -> None:
        if isinstance(message, (ipc.producerFinished, ipc.shutdownMicroprocess)):
            self._stop_listening()
            if isinstance(message, ipc.shutdownMicroprocess) and not isinstance(
                message, ipc.serverShutdown
            ):
                for csa in list(self.socket_handlers):
                    csa.stop()
        else:
            log.debug("%r ignores control message %r", self, message)

    def _stop_listening(self) -> None:
        if not self._listening:
            return
        self._listening = False
        self._pending = False
        if self.scheduler is not None and self.outboxes["_selectorSignal"].linked_to is not None:
            self.send(ipc.removeReader(self, self.listener), "_selectorSignal")
        self.listener.close()
        self._close_reserve()
        log.debug("%r stopped listening", self)

    def stop(self) -> None:
        """End now; the listener is closed even if the server never ran."""
        if self.scheduler is None:
            self._stop_listening()
        super().stop()


__kamaelia_components__ = (TCPServer,)
