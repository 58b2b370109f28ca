"""Events from a program in another process: the viewer's end of the monitor protocol.

A ``RemoteSource`` stands where a Tap stands for an in-process run: ``drain()`` gives the
program's events in batches and ``dropped`` counts what was lost, so an ``EventStream`` takes
it as it takes a tap. Underneath it is one non-blocking socket to a program watched by
``kamaelia_core.monitor`` (docs/PROTOCOL.md): ``attach`` dials a program that serves, ``listen``
waits for a child the workbench started to dial back. A host loop watches ``fileno()`` (one
descriptor, whatever the socket's state) and calls ``on_readable()``; headless callers use
``poll(timeout)`` or ``wait_until``. Commands (pause, resume, step, stop) go the other way.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kamaelia_core.instrument import Event
from kamaelia_core.monitor import protocol as proto
from kamaelia_core.monitor.watcher import deliveries_in
from workbench.model.observers import Observers
from workbench.runtime.program_link import ProgramLink, RemoteError

log = logging.getLogger(__name__)

MAX_PENDING = 262_144
"""Events received and not yet drained before the oldest are dropped (and counted)."""
MAX_STALLS = 100


@dataclass(frozen=True)
class Stall:
    """A component holding its scheduler (reported while it does, and once more when over).

    Attributes:
        sid: The scheduler. cid, name: The component. seconds: How long it had held it when
        reported. where: Its innermost frames then. over: True for the report that it ended.
    """

    sid: int
    cid: int
    name: str
    seconds: float
    where: str
    over: bool


@dataclass(frozen=True)
class ProgramExit:
    """How the program ended, from its ``exit`` frame.

    Attributes:
        status: Its exit status (None when not known).
        signal: The signal that ended it ("SIGTERM"), or None.
        exception: The traceback of the exception that ended it, or None.
    """

    status: int | None
    signal: str | None
    exception: str | None

    def describe(self) -> str:
        """One line: "exited with status 1: ZeroDivisionError: division by zero"."""
        text = f"ended by {self.signal}" if self.signal else f"exited with status {self.status}"
        if self.exception:
            text += ": " + self.exception.rstrip().splitlines()[-1]
        return text


Notice = Callable[[str, Any], None]
"""``callback(kind, data)``: "connected", "program", "state", "stall", "reply", "exit",
"refused", "error", "closed"."""


class RemoteSource:
    """The events and controls of one program watched over a socket.

    Build one with ``attach`` or ``listen``.

    Args:
        token: The shared secret.
        max_pending: Events held undrained before the oldest are dropped (and counted).
    """

    def __init__(self, token: str, *, max_pending: int = MAX_PENDING) -> None:
        self.token = token
        self.max_pending = max_pending
        self.program: dict[str, Any] | None = None
        """The program's ``program`` frame (pid, argv, program, python...) once received."""
        self.schedulers: dict[int, str] = {}
        """Scheduler id -> running, paused, stopping, ended, untapped."""
        self.stalls: deque[Stall] = deque(maxlen=MAX_STALLS)
        self.exit: ProgramExit | None = None
        self.error: str | None = None
        """Why the connection was refused or lost, for people to read."""
        self.replies: dict[int, dict[str, Any]] = {}
        """Replies to the newest commands, by command id."""
        self.connected = False
        """Whether the program has been reached (its welcome seen, or its hello accepted)."""
        self.lost_deliveries = 0
        """Deliveries known to be among the dropped events."""
        self._pending: deque[Event] = deque()
        self._tap_dropped: dict[int, int] = {}
        self._lost = 0
        self._local_dropped = 0
        self._remote_lost_deliveries = 0
        self._local_lost_deliveries = 0
        self._refused = False
        self._next_id = 1
        self._notices: Observers[[str, Any]] = Observers("remote source watcher")
        self.link = ProgramLink(token, self._on_frame, self._connected, self._lost_connection)

    @classmethod
    def attach(
        cls, address: str, token: str, *, timeout: float = 5.0, max_pending: int = MAX_PENDING
    ) -> RemoteSource:
        """Connect to a program serving its monitor (``kamaelia_core.monitor.serve``).

        The handshake completes in ``on_readable``/``poll`` (``state`` leaves "connecting").

        Raises:
            RemoteError: The address is not loopback or a Unix socket, or nobody listens there.
        """
        source = cls(token, max_pending=max_pending)
        try:
            source.link.attach(address, timeout)
        except RemoteError:
            source.close()
            raise
        return source

    @classmethod
    def listen(
        cls,
        address: str = "127.0.0.1:0",
        token: str | None = None,
        *,
        max_pending: int = MAX_PENDING,
    ) -> RemoteSource:
        """Listen for one program to connect back (a child started with ``address``/``token``).

        Raises:
            RemoteError: The address is not loopback or a Unix socket, or cannot be bound.
        """
        source = cls(token or proto.new_token(), max_pending=max_pending)
        try:
            source.link.listen(address)
        except RemoteError:
            source.close()
            raise
        return source

    @property
    def address(self) -> str:
        """Where it is connected (attach) or listens (listen): ``host:port`` or ``unix:path``."""
        return self.link.address

    @property
    def closed(self) -> bool:
        """Whether ``close`` was called."""
        return self.link.closed

    def __repr__(self) -> str:
        return f"<RemoteSource {self.state} {self.address} pending={len(self._pending)}>"

    def __enter__(self) -> RemoteSource:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- what a host loop and an EventStream use -------------------------------------------

    def fileno(self) -> int:
        """One descriptor, readable whenever ``on_readable`` has something to do."""
        return self.link.fileno()

    def on_readable(self) -> None:
        """Do what is ready: accept, read frames, write queued commands (never blocks)."""
        self.link.poll(0)

    def poll(self, timeout: float | None = 0) -> None:
        """Wait up to ``timeout`` seconds for something to do, and do it."""
        self.link.poll(timeout)

    def wait_until(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """Poll until ``predicate()`` holds or ``timeout`` seconds passed; return it."""
        deadline = time.monotonic() + timeout
        while not predicate():
            left = deadline - time.monotonic()
            if left <= 0 or self.closed:
                return predicate()
            self.poll(min(left, 0.1))
        return True

    def drain(self, max_events: int | None = None) -> list[Event]:
        """Remove and return the oldest received events, at most ``max_events``."""
        pending = self._pending
        if max_events is None or max_events >= len(pending):
            batch = list(pending)
            pending.clear()
            return batch
        popleft = pending.popleft
        return [popleft() for _ in range(max(0, max_events))]

    def __len__(self) -> int:
        return len(self._pending)

    @property
    def dropped(self) -> int:
        """Events lost on the way: the program's taps overflowing, frames the program could not
        send to a slow viewer, and events this side dropped undrained."""
        return sum(self._tap_dropped.values()) + self._lost + self._local_dropped

    @property
    def state(self) -> str:
        """listening, connecting, running, paused, ended, exited, refused or closed."""
        if self.exit is not None:
            return "exited"
        if self.error is not None and not self.connected:
            return "refused" if self._refused else "closed"
        if self.closed or (self.connected and not self.link.connected):
            return "closed"
        if not self.connected:
            return "listening" if self.link.listening else "connecting"
        states = set(self.schedulers.values())
        if states and states <= {"paused"}:
            return "paused"
        if states and states <= {"ended", "untapped"}:
            return "ended"
        return "running"

    def subscribe(self, callback: Notice) -> Callable[[], None]:
        """Call ``callback(kind, data)`` on every notice; returns an unsubscribe function."""
        return self._notices.subscribe(callback)

    # -- commands --------------------------------------------------------------------------

    def command(self, name: str, **args: Any) -> int:
        """Send command ``name`` (pause, resume, step, stop); returns its id (see ``replies``).

        Raises:
            RemoteError: Not connected to a program.
        """
        if not self.connected or not self.link.connected:
            raise RemoteError(f"cannot {name}: not connected to a program ({self.state})")
        cid = self._next_id
        self._next_id += 1
        self.link.send(proto.encode({"type": "command", "id": cid, "command": name, "args": args}))
        return cid

    def pause(self, sid: int | None = None) -> int:
        """Hold the program's schedulers (or scheduler ``sid``)."""
        return self.command("pause", **({} if sid is None else {"sid": sid}))

    def resume(self, sid: int | None = None) -> int:
        """Let them run again."""
        return self.command("resume", **({} if sid is None else {"sid": sid}))

    def step(self, sid: int | None = None) -> int:
        """Run one cycle (each runnable component once), then hold."""
        return self.command("step", **({} if sid is None else {"sid": sid}))

    def stop(self, sid: int | None = None) -> int:
        """Stop the program's schedulers: their ``run()`` returns."""
        return self.command("stop", **({} if sid is None else {"sid": sid}))

    # -- frames ----------------------------------------------------------------------------

    def _on_frame(self, line: bytes) -> None:
        try:
            frame = proto.decode(line)
            kind = frame["type"]
            if kind == "events":
                self._on_events(frame)
            elif kind == "welcome":
                self._connected()
            elif kind == "refused":
                self._refused = True
                self.error = str(frame.get("message", "refused"))
                self.link.drop()
                self._notices.notify("refused", self.error)
            elif kind == "program":
                self.program = frame
                self._notices.notify("program", frame)
            elif kind == "state":
                self.schedulers[int(frame["sid"])] = str(frame["state"])
                self._notices.notify("state", frame)
            elif kind == "stall":
                self._on_stall(frame)
            elif kind == "reply":
                self._on_reply(frame)
            elif kind == "exit":
                self._on_exit(frame)
            elif kind == "error":
                log.warning("the program reports a protocol error: %s", frame.get("message"))
                self._notices.notify("error", frame.get("message"))
            else:
                log.warning("ignoring an unknown frame type %r", kind)
        except (proto.ProtocolError, KeyError, TypeError, ValueError) as exc:
            log.warning("ignoring a bad frame from the program: %s", exc)
            self._notices.notify("error", str(exc))

    def _connected(self) -> None:
        if not self.connected:
            self.connected = True
            self._notices.notify("connected", self.address)

    def _on_events(self, frame: dict[str, Any]) -> None:
        events = proto.events_of(frame)
        sid = int(frame.get("sid", 0))
        self._tap_dropped[sid] = int(frame.get("dropped", 0))
        self._lost = max(self._lost, int(frame.get("lost", 0)))
        self._remote_lost_deliveries = max(
            self._remote_lost_deliveries, int(frame.get("lost_deliveries", 0))
        )
        pending = self._pending
        pending.extend(events)
        excess = len(pending) - self.max_pending
        if excess > 0:
            gone = [pending.popleft() for _ in range(excess)]
            self._local_dropped += excess
            self._local_lost_deliveries += deliveries_in(gone)
        self.lost_deliveries = self._remote_lost_deliveries + self._local_lost_deliveries

    def _on_stall(self, frame: dict[str, Any]) -> None:
        stall = Stall(
            int(frame["sid"]),
            int(frame["cid"]),
            str(frame["name"]),
            float(frame.get("seconds", 0.0)),
            str(frame.get("where", "")),
            bool(frame.get("over", False)),
        )
        self.stalls.append(stall)
        self._notices.notify("stall", stall)

    def _on_reply(self, frame: dict[str, Any]) -> None:
        cid = int(frame["id"])
        self.replies[cid] = frame
        if len(self.replies) > 1000:
            del self.replies[min(self.replies)]
        if frame.get("ok") and "sid" in frame and "state" in frame:
            self.schedulers[int(frame["sid"])] = str(frame["state"])
        self._notices.notify("reply", frame)

    def _on_exit(self, frame: dict[str, Any]) -> None:
        status = frame.get("status")
        self._lost = max(self._lost, int(frame.get("lost", 0)))
        self.exit = ProgramExit(
            status if isinstance(status, int) else None,
            frame.get("signal") or None,
            frame.get("exception") or None,
        )
        self._notices.notify("exit", self.exit)

    def _lost_connection(self, why: str) -> None:
        if self.exit is None:
            self.error = why
        self._notices.notify("closed", why)

    def close(self) -> None:
        """Close the connection and the listener (the program keeps running when attached)."""
        self.link.close()


def read_token(token: str | None = None, token_file: str | None = None) -> str:
    """The token given directly, or read from a monitor's token file.

    Raises:
        RemoteError: Neither given, or the file cannot be used (the message says why).
    """
    if token:
        return token
    if token_file:
        try:
            return proto.read_token_file(token_file)
        except proto.ProtocolError as exc:
            raise RemoteError(str(exc)) from None
    raise RemoteError("attaching needs the program's token: pass --token-file FILE or --token")
