"""Servers built on TCPServer: one protocol handler per connection, or one connection at a time.

``ServerCore`` (Kamaelia.Chassis.ConnectedServer) listens to a TCPServer's
``protocolHandlerSignal``. For each ``newCSA`` it builds a protocol handler from its factory, links
CSA ``outbox`` -> handler ``inbox``, handler ``outbox`` -> CSA ``inbox``, handler ``signal`` -> CSA
``control``, plus two private outboxes to the handler's and the CSA's ``control``, then activates
both. On ``shutdownCSA`` it sends ``socketShutdown`` to the handler and ``shutdownMicroprocess`` to
the CSA and forgets them. A handler that finishes closes its connection after a flush; one that
crashes closes it at once: either way only its own connection ends. Once a connection has ended
and nothing links to them any more, the CSA and the handler let go of their boxes
(``Component._transient``): they are freed at once rather than left to the cyclic collector, which
cost about a fifth of the CPU of a connect/close churn.

``SingleServer`` serves one client at a time through its own ``inbox``/``outbox``.
"""

from __future__ import annotations

import inspect
import logging
import socket
from collections import deque
from collections.abc import Callable, Generator
from typing import Any

from kamaelia_core import ipc
from kamaelia_core.component import Component
from kamaelia_core.net._boxes import add_outbox, delete_outbox
from kamaelia_core.net.csa import ConnectedSocketAdapter, check_timeout
from kamaelia_core.net.tcpserver import DEFAULT_HOST, TCPServer

log = logging.getLogger(__name__)

PEER_KEYS = ("peer", "peerport", "localip", "localport")
REUSEADDR = (socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)


def accepts_peer_info(factory: Callable[..., Any]) -> bool:
    """Whether ``factory`` takes ``peer, peerport, localip, localport`` as keyword arguments."""
    try:
        params = inspect.signature(factory).parameters.values()
    except (TypeError, ValueError):
        return False
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):
        return True
    names = {p.name for p in params if p.kind is not inspect.Parameter.POSITIONAL_ONLY}
    return all(key in names for key in PEER_KEYS)


def peer_info(sock: Any, port: int, peer: Any = None, host: str | None = None) -> dict[str, Any]:
    """The four peer keywords for ``sock`` (Kamaelia's fallbacks when the socket has gone).

    Args:
        sock: The connected socket.
        port: The server's port (the local port).
        peer: ``(host, port)`` of the peer when already known (no system call then).
        host: The listening address when it is a specific one (no system call then).
    """
    if peer is None:
        try:
            peer = sock.getpeername()[:2]
        except OSError:
            peer = ("0.0.0.0", 0)
    if host and host not in ("0.0.0.0", "::", ""):
        localip, localport = host, port
    else:
        try:
            localip, localport = sock.getsockname()[:2]
        except OSError:
            localip, localport = DEFAULT_HOST, port
    return {"peer": peer[0], "peerport": peer[1], "localip": localip, "localport": localport}


class _Connection:
    __slots__ = ("csa", "csa_box", "handler", "handler_box", "links")

    def __init__(self, csa: Component, handler: Component, handler_box: str, csa_box: str):
        self.csa = csa
        self.handler = handler
        self.handler_box = handler_box
        self.csa_box = csa_box
        self.links: list[Any] = []


class _ServerOwner(Component):
    """What ServerCore and SingleServer share: the TCPServer they make when constructed."""

    server: TCPServer

    def live_details(self) -> dict[str, Any]:
        """For the ``spawned`` event: the port its TCPServer listens on."""
        return {"port": self.server.port, "listening": f"{self.server.host}:{self.server.port}"}

    def _start_server(self, activity_inbox: str) -> TCPServer:
        """Wire the TCPServer's news to ``activity_inbox`` and our shutdowns to it; start it."""
        server = self.server
        self.link((server, "protocolHandlerSignal"), (self, activity_inbox))
        self.link((self, "_serversignal"), (server, "control"))
        self.addChildren(server)
        server.activate(self.scheduler)
        return server

    def stop(self) -> None:
        """End now; a TCPServer that never ran (not even started by our first slice) closes
        its listening socket here."""
        if self.server.scheduler is None:
            self.server.stop()
        super().stop()


class ServerCore(_ServerOwner):
    """A TCP server running one protocol handler per connection.

    Args:
        protocol: Factory making a handler component per connection; called with
            ``peer, peerport, localip, localport`` keywords when it accepts them.
        port: Port to listen on (0: any free one); after construction ``self.port`` is the real one.
        host: Address to bind (default 127.0.0.1).
        socketOptions: ``(level, option, value)`` (or a list) for the listener.
        idle_timeout: Seconds a connection may move no byte either way before it is closed
            (default None: never). Each CSA gets it before it starts (see ConnectedSocketAdapter).
        **argd: Attributes, e.g. ``TCPS`` (the server class).

    Raises:
        TypeError: No protocol was given.
        ValueError: ``idle_timeout`` is neither None nor a positive number.
    """

    Inboxes = {
        "_socketactivity": "newCSA / shutdownCSA from the TCPServer",
        "control": "producerFinished/serverShutdown: stop listening; shutdownMicroprocess: all",
    }
    Outboxes = {
        "_serversignal": "Shutdown requests to the TCPServer",
        "signal": "producerFinished(self) when the server has ended",
    }
    Category = "Internet"
    SpawnsChildren = True

    protocol: Callable[..., Component] | None = None
    port = 1601
    host = DEFAULT_HOST
    socketOptions: Any = None
    TCPS = TCPServer
    pass_peer_info = True
    idle_timeout: float | None = None

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        if self.protocol is None:
            raise TypeError(f"{type(self).__name__} needs a protocol factory: protocol=...")
        check_timeout("idle_timeout", self.idle_timeout)
        self._with_peer = self.pass_peer_info and accepts_peer_info(self.protocol)
        self.server = self.TCPS(
            listenport=self.port, host=self.host, socketOptions=self.socketOptions
        )
        self.port = self.server.port
        self.connections: dict[Component, _Connection] = {}
        self.refused = 0
        """Connections closed because the protocol factory raised."""
        self._ended: deque[tuple[Component, bool]] = deque()

    def __repr__(self) -> str:
        kind, count = type(self).__name__, len(self.connections)
        return f"<{kind}#{self.cid} port={self.port} connections={count}>"

    def main(self) -> Generator[int, None, None]:
        """Start the TCPServer; make and retire protocol handlers."""
        server = self._start_server("_socketactivity")
        activity = self.inboxes["_socketactivity"].storage
        control = self.inboxes["control"].storage
        while True:
            while activity:
                message = self.recv("_socketactivity")
                if isinstance(message, ipc.newCSA):
                    self.handleNewConnection(message)
                elif isinstance(message, ipc.shutdownCSA):
                    self.handleClosedCSA(message)
            while self._ended:
                self._handler_ended(*self._ended.popleft())
            while control:
                message = self.recv("control")
                if isinstance(message, (ipc.producerFinished, ipc.shutdownMicroprocess)):
                    self.send(message, "_serversignal")
            if server._isStopped() and not self.connections:
                self.removeChild(server)
                self.send(ipc.producerFinished(self), "signal")
                return
            self.pause()
            yield 1

    def mkProtocolHandler(self, **sock_info: Any) -> Component:
        """Build one protocol handler (with peer keywords when the factory takes them)."""
        assert self.protocol is not None
        return self.protocol(**sock_info) if self._with_peer else self.protocol()

    def handleNewConnection(self, newCSAMessage: ipc.newCSA) -> None:
        """Wire a handler to the new CSA and start both."""
        csa = newCSAMessage.csa
        info = {}
        if self._with_peer:
            known = getattr(csa, "peer", None)
            info = peer_info(newCSAMessage.sock, self.port, known, self.host)
        try:
            handler = self.mkProtocolHandler(**info)
        except Exception:  # the factory is user code: refuse this connection, keep serving
            log.exception("%r: the protocol factory failed for %r; closing that connection",
                          self, csa)  # fmt: skip
            self.refused += 1
            csa._deliver(ipc.shutdownMicroprocess(self), "control")
            csa.activate(self.scheduler)
            return
        handler._transient = True  # freed as soon as it has ended and is unlinked
        handler._connection_cid = csa.cid  # the live view pairs the two by it (instrument)
        to_handler = add_outbox(self, "_toHandler")
        conn = _Connection(csa, handler, to_handler, "")
        link = self.link
        conn.links = [
            link((self, to_handler), (handler, "control")),
            None,  # the outbox to the CSA's control, made when first needed
            link((csa, "outbox"), (handler, "inbox")),
            link((handler, "outbox"), (csa, "inbox")),
            link((handler, "signal"), (csa, "control")),
        ]
        if "serversignal" in handler.outboxes:
            conn.links.append(link((handler, "serversignal"), (self, "control")))
        self.connections[csa] = conn
        if self.idle_timeout is not None:
            csa.idle_timeout = self.idle_timeout
        # The CSA stays the TCPServer's child (that is who spawned it); the handler is ours.
        self.addChildren(handler)
        handler._callOnCloseDown.append(lambda: self._note_handler_end(csa, handler))
        csa.activate(self.scheduler)
        handler.activate(self.scheduler)

    def _note_handler_end(self, csa: Component, handler: Component) -> None:
        if csa not in self.connections:  # the connection closed first: nothing left to do
            return
        self._ended.append((csa, handler.state == "crashed"))
        self.unpause()

    def _handler_ended(self, csa: Component, crashed: bool) -> None:
        conn = self.connections.get(csa)
        if conn is None or csa._isStopped():
            return
        message = ipc.shutdownMicroprocess(csa) if crashed else ipc.producerFinished(self)
        self.send(message, self._to_csa(conn))

    def _to_csa(self, conn: _Connection) -> str:
        """The private outbox to the CSA's control, made on first use."""
        if not conn.csa_box:
            conn.csa_box = add_outbox(self, "_toCSA")
            conn.links[1] = self.link((self, conn.csa_box), (conn.csa, "control"))
        return conn.csa_box

    def handleClosedCSA(self, shutdownCSAMessage: ipc.shutdownCSA) -> None:
        """Tell the handler its connection closed and forget both."""
        conn = self.connections.pop(shutdownCSAMessage.csa, None)
        if conn is None:
            return
        self.send(ipc.socketShutdown(self), conn.handler_box)
        if not conn.csa._isStopped():
            self.send(ipc.shutdownMicroprocess(conn.csa), self._to_csa(conn))
        delete_outbox(self, conn.handler_box, conn.links[0])
        if conn.csa_box:
            delete_outbox(self, conn.csa_box, conn.links[1])
        for linkage in conn.links[2:]:
            self.unlink(thelinkage=linkage)
        self._disown(conn.handler)


class SimpleServer(ServerCore):
    """ServerCore whose protocol factory is called with no arguments."""

    pass_peer_info = False


class FastRestartServer(ServerCore):
    """ServerCore with SO_REUSEADDR on the listener (restart without waiting for TIME_WAIT)."""

    socketOptions = REUSEADDR


class MoreComplexServer(ServerCore):
    """Kamaelia's older name for the ServerCore contract (factory gets the peer keywords)."""


class SingleServer(_ServerOwner):
    """Serves one connection at a time through its own boxes.

    Data on ``inbox`` goes to the connected client; the client's data comes out of ``outbox``;
    ``signal`` gets ``producerFinished`` when that client disconnects. Connections arriving while
    one is served are closed after a flush (nothing sent). It keeps listening for the next client
    until ``control`` says to stop.

    Args:
        port: Port to listen on (0: any free one); ``self.port`` is the real one.
        host: Address to bind.
        socketOptions: Options for the listener.
    """

    Inboxes = {
        "inbox": "Data to send to the connected client",
        "control": "producerFinished/shutdownMicroprocess: close the client and stop",
        "_oobinfo": "newCSA / shutdownCSA from the TCPServer",
    }
    Outboxes = {
        "outbox": "Data received from the connected client",
        "signal": "producerFinished when the client disconnects",
        "_CSA_signal": "Control messages to the connected CSA",
        "_serversignal": "Shutdown requests to the TCPServer",
    }
    Category = "Internet"
    SpawnsChildren = True

    port = 1601
    host = DEFAULT_HOST
    socketOptions: Any = None
    TCPS = TCPServer

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        self.server = self.TCPS(
            listenport=self.port, host=self.host, socketOptions=self.socketOptions
        )
        self.port = self.listenport = self.server.port
        self.CSA: ConnectedSocketAdapter | None = None
        self._links: list[Any] = []

    def main(self) -> Generator[int, None, None]:
        """Accept clients one at a time until told to stop."""
        server = self._start_server("_oobinfo")
        oob = self.inboxes["_oobinfo"].storage
        control = self.inboxes["control"].storage
        stopping = False
        while True:
            while oob:
                message = self.recv("_oobinfo")
                if isinstance(message, ipc.newCSA):
                    self._new_csa(message.csa)
                elif isinstance(message, ipc.shutdownCSA):
                    self._gone(message.csa)
            if control and not stopping:
                message = self.recv("control")
                if isinstance(message, (ipc.producerFinished, ipc.shutdownMicroprocess)):
                    stopping = True
                    self.send(ipc.shutdownMicroprocess(self), "_serversignal")
            if stopping and server._isStopped():
                self.removeChild(server)
                return
            self.pause()
            yield 1

    def _new_csa(self, csa: ConnectedSocketAdapter) -> None:
        self.addChildren(csa)
        if self.CSA is None:
            self.CSA = csa
            pending = list(self.Inbox("inbox"))
            self._links = [
                self.link((csa, "outbox"), (self, "outbox"), passthrough=2),
                self.link((self, "inbox"), (csa, "inbox"), passthrough=1),
                self.link((self, "_CSA_signal"), (csa, "control")),
            ]
            inbox = self.inboxes["inbox"]  # now passing through to the CSA's inbox
            for data in pending:
                inbox.target.put(data, inbox.route)
        else:
            control = csa.inboxes["control"]
            control.put(ipc.producerFinished(self), (self.inboxes["control"], control))
        csa.activate(self.scheduler)

    def _gone(self, csa: Component) -> None:
        if csa is self.CSA:
            for linkage in self._links:
                self.unlink(thelinkage=linkage)
            self._links = []
            self.CSA = None
            self.send(ipc.producerFinished(self), "signal")
        self.removeChild(csa)


class FastRestartSingleServer(SingleServer):
    """SingleServer with SO_REUSEADDR on the listener."""

    socketOptions = REUSEADDR


__kamaelia_components__ = (
    ServerCore,
    SimpleServer,
    FastRestartServer,
    MoreComplexServer,
    SingleServer,
    FastRestartSingleServer,
)
