"""Loopback traffic for a running server: opens N clients, sends lines, reads the echoes, closes.

Sits beside a Session, outside the watched system: its client sockets are registered with the
session scheduler's reactor and its timers with the scheduler, so whatever hosts the scheduler (the
Qt driver, ``Session.run_for``) drives it too. It is not a component, so the live view never draws
it; the local ports of its clients (``local_ports()``) let the view label the server's connections
as "traffic". Loopback only, and bounded in clients, lines and time: it ends by itself.
"""

from __future__ import annotations

import errno
import ipaddress
import logging
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kamaelia_core.net.servers import ServerCore, SingleServer
from kamaelia_core.net.tcpserver import TCPServer
from kamaelia_core.reactor import ERROR, READ, WRITE
from workbench.model.catalog import Catalog
from workbench.model.graph import Graph

log = logging.getLogger(__name__)

MAX_CLIENTS = 5000
"""Most clients one generator opens."""
MAX_DURATION = 600.0
"""Longest a generator runs (seconds) before it closes everything."""
MAX_LINES = 100_000
"""Most lines one client sends."""
_WOULD_BLOCK = (BlockingIOError, InterruptedError)
_IN_PROGRESS = frozenset({errno.EINPROGRESS, errno.EWOULDBLOCK, errno.EAGAIN, 0})


class TrafficError(ValueError):
    """The traffic plan or target is refused (not loopback, out of bounds)."""


def check_loopback(host: str) -> str:
    """Return the loopback address to connect to for ``host``.

    Raises:
        TrafficError: ``host`` is not a loopback address ("localhost", 127.0.0.0/8, ::1).
    """
    if host == "localhost":
        return "127.0.0.1"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise TrafficError(
            f"the traffic generator connects to loopback addresses only "
            f"(127.0.0.1, ::1, localhost); {host!r} is not one"
        ) from None
    if not address.is_loopback:
        raise TrafficError(
            f"the traffic generator connects to loopback addresses only; refusing {host}"
        )
    return str(address)


@dataclass(frozen=True)
class TrafficPlan:
    """What the generator does.

    Attributes:
        clients: How many clients to open (1..MAX_CLIENTS).
        lines: Lines each client sends (0: connect, then close after ``hold``).
        rate: Lines per second per client; 0 sends the next line as soon as the echo is back.
        connect_rate: New connections per second; 0 opens them all at once.
        hold: Seconds a client stays open after its last echo (None: until ``stop``/deadline).
        duration: Hard deadline in seconds; everything is closed then.
        payload: Line template; ``{client}`` and ``{n}`` are filled in.
    """

    clients: int = 3
    lines: int = 5
    rate: float = 2.0
    connect_rate: float = 20.0
    hold: float | None = 0.5
    duration: float = 30.0
    payload: str = "hello {client}.{n}\r\n"

    def check(self) -> None:
        """Raise TrafficError when a bound is exceeded."""
        if not 1 <= self.clients <= MAX_CLIENTS:
            raise TrafficError(f"clients must be 1..{MAX_CLIENTS}, not {self.clients}")
        if not 0 <= self.lines <= MAX_LINES:
            raise TrafficError(f"lines must be 0..{MAX_LINES}, not {self.lines}")
        if not 0 < self.duration <= MAX_DURATION:
            raise TrafficError(f"duration must be in (0, {MAX_DURATION}] s, not {self.duration}")
        if self.rate < 0 or self.connect_rate < 0:
            raise TrafficError("rates cannot be negative")


@dataclass
class TrafficStats:
    """What happened so far (exact counts)."""

    opened: int = 0
    connected: int = 0
    failed: int = 0
    closed: int = 0
    lines_sent: int = 0
    bytes_sent: int = 0
    bytes_received: int = 0
    errors: list[str] = field(default_factory=list)


class _Client:
    __slots__ = ("echoed", "expected", "index", "local_port", "outbuf", "sent", "sock", "state",
                 "timer")  # fmt: skip

    def __init__(self, index: int, sock: socket.socket) -> None:
        self.index = index
        self.sock = sock
        self.state = "connecting"
        self.sent = 0
        self.echoed = 0
        self.expected = 0
        self.outbuf = b""
        self.local_port = 0
        self.timer: Any = None


class TrafficGenerator:
    """Bounded loopback clients, driven by a kamaelia_core Scheduler.

    Args:
        scheduler: The scheduler whose reactor and timers drive the clients.
        port: The server's port.
        host: A loopback address (anything else is refused).
        plan: What to do.
        on_done: Called once when every client has closed.

    Raises:
        TrafficError: Not loopback, or the plan is out of bounds.
    """

    def __init__(
        self,
        scheduler: Any,
        port: int,
        host: str = "127.0.0.1",
        plan: TrafficPlan | None = None,
        on_done: Callable[[TrafficGenerator], None] | None = None,
    ) -> None:
        self.host = check_loopback(host)
        if not 0 < port < 65536:
            raise TrafficError(f"port must be 1..65535, not {port}")
        self.plan = plan or TrafficPlan()
        self.plan.check()
        self.port = port
        self.scheduler = scheduler
        self.stats = TrafficStats()
        self.clients: list[_Client] = []
        self._on_done = on_done
        self._to_open = self.plan.clients
        self._deadline: Any = None
        self._started = False
        self.done = False

    def __repr__(self) -> str:
        s = self.stats
        state = "done" if self.done else ("running" if self._started else "ready")
        return (
            f"<TrafficGenerator {state} {self.host}:{self.port} open={self.open_count}"
            f" closed={s.closed} sent={s.lines_sent}>"
        )

    @property
    def open_count(self) -> int:
        """Clients currently connecting or connected."""
        return sum(1 for c in self.clients if c.state != "closed")

    def local_ports(self) -> set[int]:
        """Local ports of the clients opened so far (the server sees them as peer ports)."""
        return {c.local_port for c in self.clients if c.local_port}

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> TrafficGenerator:
        """Begin (from any host code: the first step runs at the scheduler's next poll)."""
        if self._started:
            return self
        self._started = True
        self.scheduler.io.call_soon_threadsafe(self._begin)
        return self

    def _begin(self) -> None:
        if self.done:
            return
        self._deadline = self.scheduler.call_later(self.plan.duration, self._expire)
        self._open_some()

    def _expire(self) -> None:
        log.info("traffic generator reached its %.1f s deadline", self.plan.duration)
        self.stop()

    def stop(self) -> None:
        """Close every client now and end (idempotent)."""
        self._to_open = 0
        for client in self.clients:
            self._close(client)
        self._finish()

    def close_client(self, index: int) -> None:
        """Close client ``index`` now (the server sees its peer close)."""
        self._close(self.clients[index])

    def _finish(self) -> None:
        if self.done:
            return
        if self._to_open or any(c.state != "closed" for c in self.clients):
            return
        self.done = True
        if self._deadline is not None:
            self._deadline.cancel()
        if self._on_done is not None:
            self._on_done(self)

    # -- connecting ------------------------------------------------------------------------
    def _open_some(self) -> None:
        if self.done or not self._to_open:
            return
        rate = self.plan.connect_rate
        batch = self._to_open if rate <= 0 else max(1, int(rate / 50))
        for _ in range(min(batch, self._to_open)):
            self._open_one()
        if self._to_open:
            delay = 0.0 if rate <= 0 else batch / rate
            self.scheduler.call_later(delay, self._open_some)

    def _open_one(self) -> None:
        self._to_open -= 1
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setblocking(False)
        client = _Client(len(self.clients), sock)
        self.clients.append(client)
        self.stats.opened += 1
        code = sock.connect_ex((self.host, self.port))
        if code not in _IN_PROGRESS:
            self._fail(client, f"connect to {self.host}:{self.port}: {errno.errorcode.get(code)}")
            return
        client.local_port = sock.getsockname()[1]
        self.scheduler.io.register(sock, READ | WRITE, lambda fd, ev: self._ready(client, ev))

    def _fail(self, client: _Client, reason: str) -> None:
        self.stats.failed += 1
        if len(self.stats.errors) < 20:
            self.stats.errors.append(reason)
        log.info("traffic client %d failed: %s", client.index, reason)
        self._close(client)

    # -- readiness -------------------------------------------------------------------------
    def _ready(self, client: _Client, events: int) -> None:
        if client.state == "closed":
            return
        if client.state == "connecting":
            code = client.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if code:
                self._fail(client, f"connect: {errno.errorcode.get(code, code)}")
                return
            if not events & (WRITE | READ):
                return
            client.state = "open"
            self.stats.connected += 1
            self.scheduler.io.modify(client.sock, READ)
            self._next_line(client)
            if client.state == "closed":
                return
        if events & READ:
            self._read(client)
        if client.state != "closed" and events & WRITE and client.outbuf:
            self._flush(client)
        if client.state != "closed" and events & ERROR and not events & READ:
            self._close(client)

    def _read(self, client: _Client) -> None:
        while client.state != "closed":
            try:
                data = client.sock.recv(65536)
            except _WOULD_BLOCK:
                return
            except OSError as exc:
                self._fail(client, f"recv: {exc}")
                return
            if not data:
                self._close(client)
                return
            self.stats.bytes_received += len(data)
            client.echoed += len(data)
            if client.echoed >= client.expected:
                self._echo_complete(client)

    def _echo_complete(self, client: _Client) -> None:
        if client.sent < self.plan.lines:
            if self.plan.rate <= 0:
                self._next_line(client)
            return
        if client.sent == self.plan.lines and client.echoed >= client.expected:
            self._schedule_close(client)

    # -- sending ---------------------------------------------------------------------------
    def _next_line(self, client: _Client) -> None:
        if client.state != "open":
            return
        if client.sent >= self.plan.lines:
            if self.plan.lines == 0:
                self._schedule_close(client)
            return
        line = self.plan.payload.format(client=client.index, n=client.sent).encode()
        client.sent += 1
        client.expected += len(line)
        self.stats.lines_sent += 1
        client.outbuf += line
        self._flush(client)
        if self.plan.rate > 0 and client.sent < self.plan.lines:
            client.timer = self.scheduler.call_later(
                1.0 / self.plan.rate, lambda: self._next_line(client)
            )

    def _flush(self, client: _Client) -> None:
        try:
            sent = client.sock.send(client.outbuf)
        except _WOULD_BLOCK:
            sent = 0
        except OSError as exc:
            self._fail(client, f"send: {exc}")
            return
        self.stats.bytes_sent += sent
        client.outbuf = client.outbuf[sent:]
        self.scheduler.io.modify(client.sock, READ | WRITE if client.outbuf else READ)

    # -- closing ---------------------------------------------------------------------------
    def _schedule_close(self, client: _Client) -> None:
        hold = self.plan.hold
        if hold is None or client.state != "open":
            return
        if hold <= 0:
            self._close(client)
            return
        client.state = "holding"
        client.timer = self.scheduler.call_later(hold, lambda: self._close(client))

    def _close(self, client: _Client) -> None:
        if client.state == "closed":
            return
        client.state = "closed"
        if client.timer is not None:
            client.timer.cancel()
        self.scheduler.io.unregister(client.sock)
        client.sock.close()
        self.stats.closed += 1
        self._finish()


def server_ports(scheduler: Any) -> list[int]:
    """Ports of the listening TCP sockets held by live components of ``scheduler``."""
    ports = []
    for comp in scheduler.components:
        for value in vars(comp).values():
            if isinstance(value, socket.socket) and _is_listening(value):
                ports.append(value.getsockname()[1])
    return sorted(set(ports))


LISTENING_CLASSES: tuple[type, ...] = (TCPServer, ServerCore, SingleServer)
"""Components that open a listening socket once they run (and their subclasses)."""


def server_nodes(graph: Graph, catalog: Catalog) -> list[str]:
    """Ids of the design nodes that will listen for TCP connections when ``graph`` runs.

    Read from the design alone (no run needed): nodes whose catalogued class is one of
    ``LISTENING_CLASSES``. A node of an uncatalogued component is not counted.
    """
    found = []
    for node in graph.nodes:
        try:
            cls = catalog.resolve_class(node.component)
        except LookupError:  # not catalogued, or seen only in a program elsewhere
            continue
        if isinstance(cls, type) and issubclass(cls, LISTENING_CLASSES):
            found.append(node.id)
    return found


def _is_listening(sock: socket.socket) -> bool:
    try:
        return (
            sock.fileno() >= 0
            and sock.type == socket.SOCK_STREAM
            and bool(sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN))
        )
    except OSError:
        return False


def wait_until(scheduler: Any, condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Drive ``scheduler`` headless until ``condition()`` holds or ``timeout`` passes."""
    end = time.monotonic() + timeout
    while not condition():
        now = time.monotonic()
        if now >= end:
            return False
        if scheduler.has_runnable():
            scheduler.step(0.005)
            scheduler.poll_io(0)
            continue
        deadline = scheduler.next_deadline()
        wait = min(0.05, end - now)
        if deadline is not None:
            wait = max(0.0, min(wait, deadline - now))
        scheduler.poll_io(wait)
    return True
