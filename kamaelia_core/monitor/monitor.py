"""The monitor thread: owns the viewer's socket, checks its token, moves frames both ways.

Sits between the watched schedulers (``watcher.SchedulerWatch``, one per scheduler, in their own
threads) and one viewer over a loopback or Unix socket. Schedulers hand it encoded frames; it
queues them in a bounded buffer and writes them as the socket takes them, so a slow or gone
viewer costs dropped (and counted) frames, never a blocked program. The viewer's commands are
passed to the schedulers' threads. ``serve`` mode listens for a viewer (attach); ``connect``
mode dials a workbench that started this program as a child.
"""

from __future__ import annotations

import contextlib
import logging
import os
import selectors
import signal
import socket
import stat
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kamaelia_core.instrument import Event
from kamaelia_core.monitor import protocol as proto
from kamaelia_core.monitor.watcher import SchedulerWatch, deliveries_in
from kamaelia_core.scheduler import Scheduler, add_scheduler_hook

log = logging.getLogger("kamaelia_core.monitor")

DEFAULT_BUDGET = 32
"""Plain deliveries (and paused/woke events) sent as they are per drain tick; the rest counted."""
DEFAULT_TICK = 0.03
"""Seconds between two drains of a watched scheduler while a viewer is attached."""
DEFAULT_BUFFER = 8 * 1024 * 1024
"""Bytes of frames queued for a viewer before new event frames are dropped (and counted)."""
ORPHAN_GRACE = 3.0
"""Seconds a program started by a workbench that went away has to stop before it is ended."""


class MonitorError(RuntimeError):
    """The monitor cannot start or connect; the message says why."""


class _Peer:
    """One connection: in its handshake, or the viewer."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self.sock = sock
        self.reader = proto.LineReader(proto.MAX_HELLO)
        self.deadline = deadline
        self.authenticated = False
        self.name = _peer_name(sock)


def _peer_name(sock: socket.socket) -> str:
    try:
        peer = sock.getpeername()
    except OSError:
        return "?"
    return f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) else "unix socket"


class Monitor:
    """Streams the events of every scheduler of this process to one viewer.

    Made by ``kamaelia_core.monitor.serve`` or ``connect``; not meant to be built directly.

    Args:
        mode: "serve" (wait for viewers) or "connect" (the viewer is a workbench we dial).
        token: The secret a viewer (serve) or we (connect) must present.
        budget: Per drain tick, how many plain deliveries and state events go as they are.
        tick: Seconds between drains.
        buffer_limit: Bytes of queued frames before event frames are dropped and counted.
        stall_limit: Seconds a slice may hold its scheduler before it is reported.
        tap_capacity: Events each scheduler's tap holds between two drains.
        when_viewer_lost: connect mode: "exit" (stop, then SIGTERM after ``ORPHAN_GRACE``),
            "stop" (stop the schedulers) or "continue".
        info: Facts about the program for the ``program`` frame (the runner adds the path).
        sndbuf: The kernel send buffer of the viewer's socket in bytes (None: the system's).
    """

    def __init__(
        self,
        mode: str,
        token: str,
        *,
        budget: int = DEFAULT_BUDGET,
        tick: float = DEFAULT_TICK,
        buffer_limit: int = DEFAULT_BUFFER,
        stall_limit: float = 1.0,
        tap_capacity: int = 262_144,
        when_viewer_lost: str = "exit",
        info: dict[str, Any] | None = None,
        sndbuf: int | None = None,
    ) -> None:
        if budget < 0 or tick <= 0 or buffer_limit < 1024:
            raise MonitorError(
                f"bad monitor settings: budget {budget} (>= 0), tick {tick} (> 0), "
                f"buffer {buffer_limit} (>= 1024 bytes)"
            )
        if when_viewer_lost not in ("exit", "stop", "continue"):
            raise MonitorError(
                f"when_viewer_lost must be exit, stop or continue, not {when_viewer_lost!r}"
            )
        self.mode = mode
        self.token = token
        self.budget = budget
        self.tick = tick
        self.buffer_limit = buffer_limit
        self.stall_limit = stall_limit
        self.tap_capacity = tap_capacity
        self.when_viewer_lost = when_viewer_lost
        self.info: dict[str, Any] = dict(info or {})
        self.sndbuf = sndbuf
        self.address: proto.Address | None = None
        """Where it listens (serve) or what it dialled (connect)."""
        self.token_file: Path | None = None
        self.generation = 0
        """Bumped whenever a viewer comes or goes; frames of an older one are not sent."""
        self.lost_events = 0
        """Events in frames dropped because the viewer did not keep up (this viewer session)."""
        self.lost_deliveries = 0
        """Deliveries those dropped frames stood for."""
        self.refusals = 0
        self.viewer_attached = threading.Event()
        """Set while a viewer is attached (after its handshake)."""
        self.no_viewer = threading.Event()
        """Set while no viewer is attached, once the schedulers have been asked to drop taps."""
        self.no_viewer.set()
        self._drained = threading.Event()
        self._drained.set()
        self._lock = threading.Lock()
        self._watches: dict[int, SchedulerWatch] = {}
        self._next_sid = 1
        self._viewer: _Peer | None = None
        self._pending: dict[int, _Peer] = {}
        self._listener: socket.socket | None = None
        self._out: deque[memoryview] = deque()
        self._out_bytes = 0
        self._sel = selectors.DefaultSelector()
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self._wake_pending = False
        self._sel.register(self._wake_r, selectors.EVENT_READ, self._on_wake)
        self._closing = False
        self._closed = False
        self._orphan_deadline: float | None = None
        self._thread = threading.Thread(target=self._run, name="kamaelia-monitor", daemon=True)
        self._remove_hook: Callable[[], None] = lambda: None

    def __repr__(self) -> str:
        viewer = "viewer" if self._viewer is not None else "no viewer"
        return f"<Monitor {self.mode} {self.address} {viewer} schedulers={len(self._watches)}>"

    # -- starting ------------------------------------------------------------------------------

    def listen(self, address: proto.Address) -> None:
        """Serve mode: listen on ``address`` (a free port when its port is 0)."""
        sock = socket.socket(address.family, socket.SOCK_STREAM)
        try:
            if address.path:
                _clear_stale_socket(address.path)
                sock.bind(address.path)
                os.chmod(address.path, 0o600)
            else:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                sock.bind(address.sockaddr)
            sock.listen(4)
        except OSError as exc:
            sock.close()
            raise MonitorError(f"the monitor cannot listen on {address}: {exc}") from None
        sock.setblocking(False)
        self._listener = sock
        if address.path:
            self.address = address
        else:
            self.address = proto.Address(address.host, sock.getsockname()[1])
        self._sel.register(sock, selectors.EVENT_READ, self._on_accept)

    def dial(self, address: proto.Address, timeout: float = proto.HANDSHAKE_TIMEOUT) -> None:
        """Connect mode: connect to a listening workbench and pass its handshake.

        Raises:
            MonitorError: It cannot be reached, or it refused us (the message says why).
        """
        sock = socket.socket(address.family, socket.SOCK_STREAM)
        try:
            sock.settimeout(timeout)
            sock.connect(address.sockaddr)
            sock.sendall(proto.encode(proto.hello(self.token, "program")))
            answer = _read_line(sock, proto.MAX_HELLO)
        except (OSError, proto.ProtocolError) as exc:
            sock.close()
            raise MonitorError(f"cannot reach the workbench at {address}: {exc}") from None
        if answer.get("type") != "welcome":
            sock.close()
            raise MonitorError(
                f"the workbench at {address} refused this program: "
                f"{answer.get('message', answer.get('type'))}"
            )
        sock.setblocking(False)
        self.address = address
        peer = _Peer(sock, 0.0)
        peer.authenticated = True
        peer.reader = proto.LineReader(proto.MAX_FRAME)
        self._viewer = peer
        self.generation = 1
        self._sel.register(sock, selectors.EVENT_READ, self._on_viewer)
        self._queue(proto.encode(self._program_frame()))
        self.viewer_attached.set()
        self.no_viewer.clear()

    def start(self, schedulers: tuple[Scheduler, ...] = ()) -> None:
        """Begin: watch ``schedulers`` and every scheduler made from now on; start the thread."""
        self._remove_hook = add_scheduler_hook(self._on_scheduler)
        for sched in schedulers:
            self._on_scheduler(sched)
        self._thread.start()

    def _program_frame(self) -> dict[str, Any]:
        return {
            "type": "program",
            "pid": os.getpid(),
            "argv": list(sys.argv),
            "executable": sys.executable,
            "cwd": os.getcwd(),
            "python": sys.version.split()[0],
            "mode": self.mode,
            "budget": self.budget,
            "tick": self.tick,
            **self.info,
        }

    # -- schedulers ----------------------------------------------------------------------------

    def _on_scheduler(self, sched: Scheduler) -> None:
        """A new scheduler: watch it; with a viewer already there, tap it at once."""
        with self._lock:
            sid = self._next_sid
            self._next_sid += 1
            watch = SchedulerWatch(self, sched, sid)
            self._watches[sid] = watch
            generation = self.generation if self._viewer is not None else 0
        if generation:  # a brand-new scheduler: no other thread runs it yet
            watch._guarded(lambda: watch.attach(generation))

    def _forget(self, sid: int) -> Callable[[Any], None]:
        def forget(_ref: Any) -> None:
            with self._lock:
                self._watches.pop(sid, None)

        return forget

    def watches(self) -> list[SchedulerWatch]:
        """The schedulers being watched."""
        with self._lock:
            return list(self._watches.values())

    # -- frames from the schedulers (any thread) -------------------------------------------

    def pressured(self) -> bool:
        """Whether the viewer lags (half the buffer is queued): send counts, not traffic."""
        return self._out_bytes > self.buffer_limit // 2

    def post_events(self, sid: int, events: list[Event], dropped: int, generation: int) -> None:
        """Queue ``events`` of scheduler ``sid`` for the viewer, or drop and count them."""
        step = proto.EVENTS_PER_FRAME
        for start in range(0, len(events), step):
            chunk = events[start : start + step]
            frame = {
                "type": "events",
                "sid": sid,
                "events": chunk,
                "dropped": dropped,
                "lost": self.lost_events,
                "lost_deliveries": self.lost_deliveries,
            }
            data = proto.encode(frame)
            with self._lock:
                if generation != self.generation or self._viewer is None:
                    return
                if self._out_bytes + len(data) > self.buffer_limit:
                    self.lost_events += len(chunk)
                    self.lost_deliveries += deliveries_in(chunk)
                    continue
                wake = self._queue_locked(data)
            if wake:
                self._wake()

    def post_control(self, frame: dict[str, Any], generation: int | None) -> None:
        """Queue a small frame (state, reply, stall, exit) for the current viewer.

        Control frames are not dropped for a slow viewer until the queue holds twice the
        buffer; then they are dropped and counted as one lost event each.
        """
        data = proto.encode(frame)
        with self._lock:
            viewer = self._viewer
            if viewer is None or not viewer.authenticated:
                return
            if generation is not None and generation != self.generation:
                return
            if self._out_bytes + len(data) > 2 * self.buffer_limit:
                self.lost_events += 1
                return
            wake = self._queue_locked(data)
        if wake:
            self._wake()

    def _queue(self, data: bytes) -> None:
        with self._lock:
            wake = self._queue_locked(data)
        if wake:
            self._wake()

    def _queue_locked(self, data: bytes) -> bool:
        self._drained.clear()
        self._out.append(memoryview(data))
        self._out_bytes += len(data)
        wake = not self._wake_pending
        self._wake_pending = True
        return wake

    def _wake(self) -> None:
        with contextlib.suppress(BlockingIOError, OSError):  # full: a wake-up is pending anyway
            self._wake_w.send(b"\0")

    # -- the thread ----------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            while not self._closing:
                for key, mask in self._sel.select(self._timeout()):
                    key.data(key.fileobj, mask)
                self._check_deadlines()
        except Exception:  # a bug here must not pass silently, nor take the program down
            log.exception("the monitor thread failed; the viewer is disconnected")
        finally:
            self._drop_all()

    def _timeout(self) -> float | None:
        deadlines = [p.deadline for p in self._pending.values()]
        if self._orphan_deadline is not None:
            deadlines.append(self._orphan_deadline)
        if not deadlines:
            return None
        return max(0.0, min(deadlines) - time.monotonic())

    def _check_deadlines(self) -> None:
        now = time.monotonic()
        for peer in [p for p in self._pending.values() if p.deadline <= now]:
            self._refuse(peer, "hello", "no hello within the handshake time")
        if self._orphan_deadline is not None and now >= self._orphan_deadline:
            self._orphan_deadline = None
            log.warning("the program did not stop after its workbench went away; ending it")
            os.kill(os.getpid(), signal.SIGTERM)

    def _on_wake(self, sock: Any, mask: int) -> None:
        with contextlib.suppress(BlockingIOError):
            while self._wake_r.recv(4096):
                pass
        self._write()

    def _write(self) -> None:
        viewer = self._viewer
        if viewer is None:
            return
        out = self._out
        with self._lock:
            self._wake_pending = False  # what is queued from now on wakes this thread again
        while True:
            with self._lock:
                if not out:
                    self._drained.set()
                    break
                chunk = out[0]
            try:
                sent = viewer.sock.send(chunk)
            except (BlockingIOError, InterruptedError):
                sent = 0
            except OSError as exc:
                self._viewer_gone(f"cannot write to the viewer: {exc}")
                return
            with self._lock:
                self._out_bytes -= sent
                if sent == len(chunk):
                    out.popleft()
                    continue
                out[0] = chunk[sent:]
            break
        events = selectors.EVENT_READ | (selectors.EVENT_WRITE if out else 0)
        with contextlib.suppress(KeyError, ValueError):
            self._sel.modify(viewer.sock, events, self._on_viewer)

    def _on_accept(self, sock: Any, mask: int) -> None:
        assert self._listener is not None
        while True:
            try:
                conn, _addr = self._listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                log.warning("the monitor could not accept a viewer: %s", exc)
                return
            conn.setblocking(False)
            peer = _Peer(conn, time.monotonic() + proto.HANDSHAKE_TIMEOUT)
            if self._viewer is not None:
                self._refuse(peer, "busy", "another viewer is attached to this program")
                continue
            if len(self._pending) >= proto.MAX_HANDSHAKES:
                self._refuse(peer, "busy", "too many connections are in their handshake")
                continue
            self._pending[conn.fileno()] = peer
            self._sel.register(conn, selectors.EVENT_READ, self._on_pending)

    def _on_pending(self, sock: Any, mask: int) -> None:
        peer = self._pending.get(sock.fileno())
        if peer is None:
            return
        try:
            data = sock.recv(65536)
            lines = peer.reader.feed(data) if data else None
        except (BlockingIOError, InterruptedError):
            return
        except (OSError, proto.ProtocolError) as exc:
            self._refuse(peer, "hello", str(exc))
            return
        if lines is None:
            self._drop_pending(peer)
            return
        if not lines:
            return
        try:
            why = proto.check_hello(proto.decode(lines[0]), self.token, "viewer")
        except proto.ProtocolError as exc:
            why = ("hello", str(exc))
        if why is not None:
            self._refuse(peer, *why)
            return
        if self._viewer is not None:
            self._refuse(peer, "busy", "another viewer is attached to this program")
            return
        self._welcome(peer)

    def _welcome(self, peer: _Peer) -> None:
        del self._pending[peer.sock.fileno()]
        peer.authenticated = True
        peer.reader = proto.LineReader(proto.MAX_FRAME)
        with self._lock:
            self.generation += 1
            generation = self.generation
            self._viewer = peer
            self._out.clear()
            self._out_bytes = 0
            self.lost_events = self.lost_deliveries = 0
            self._queue_locked(proto.encode(proto.welcome()))
            self._queue_locked(proto.encode(self._program_frame()))
        if self.sndbuf is not None:
            peer.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, self.sndbuf)
        self._sel.modify(peer.sock, selectors.EVENT_READ | selectors.EVENT_WRITE, self._on_viewer)
        self.no_viewer.clear()
        log.info("a viewer attached from %s", peer.name)
        for watch in self.watches():
            watch.ask(lambda w=watch: w.attach(generation))
        self.viewer_attached.set()
        self._write()

    def _refuse(self, peer: _Peer, reason: str, message: str) -> None:
        self.refusals += 1
        log.warning("refused a viewer from %s: %s", peer.name, message)
        with contextlib.suppress(OSError):
            peer.sock.send(proto.encode(proto.refused(reason, message)))
        self._drop_pending(peer)

    def _drop_pending(self, peer: _Peer) -> None:
        self._pending.pop(peer.sock.fileno(), None)
        with contextlib.suppress(KeyError, ValueError):
            self._sel.unregister(peer.sock)
        peer.sock.close()

    def _on_viewer(self, sock: Any, mask: int) -> None:
        viewer = self._viewer
        if viewer is None:
            return
        if mask & selectors.EVENT_WRITE:
            self._write()
        if not mask & selectors.EVENT_READ:
            return
        try:
            data = sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as exc:
            self._viewer_gone(f"the viewer's connection failed: {exc}")
            return
        if not data:
            self._viewer_gone("the viewer closed the connection")
            return
        try:
            lines = viewer.reader.feed(data)
        except proto.ProtocolError as exc:
            self._viewer_gone(f"the viewer sent a bad frame: {exc}")
            return
        for line in lines:
            self._on_frame(line)

    def _on_frame(self, line: bytes) -> None:
        try:
            frame = proto.decode(line)
        except proto.ProtocolError as exc:
            self._error(str(exc))
            return
        if frame["type"] != "command":
            self._error(f"unknown frame {frame['type']!r}")
            return
        cid, name, args = frame.get("id"), frame.get("command"), frame.get("args") or {}
        if not isinstance(cid, int) or not isinstance(args, dict):
            self._error("a command needs an int id and an args object")
            return
        if name not in proto.COMMANDS:
            known = ", ".join(proto.COMMANDS)
            self.post_control(
                {"type": "reply", "id": cid, "ok": False,
                 "error": f"unknown command {name!r} (known: {known})"},
                None,
            )  # fmt: skip
            return
        targets = [w for w in self.watches() if args.get("sid") in (None, w.sid)]
        if not targets:
            self.post_control(
                {"type": "reply", "id": cid, "ok": False, "error": "no scheduler to " + name}, None
            )
            return
        for watch in targets:
            watch.ask(lambda w=watch: w.command(name, args, cid))

    def _error(self, message: str) -> None:
        log.warning("the viewer sent a frame the monitor cannot use: %s", message)
        self.post_control({"type": "error", "message": message}, None)

    def _viewer_gone(self, why: str) -> None:
        viewer = self._viewer
        if viewer is None:
            return
        log.info("viewer detached: %s", why)
        with self._lock:
            self.generation += 1
            self._viewer = None
            self._out.clear()
            self._out_bytes = 0
            self._drained.set()
        with contextlib.suppress(KeyError, ValueError):
            self._sel.unregister(viewer.sock)
        viewer.sock.close()
        self.viewer_attached.clear()
        for watch in self.watches():
            watch.ask(watch.detach)
        self.no_viewer.set()
        if self.mode == "connect" and not self._closing:
            self._orphaned()

    def _orphaned(self) -> None:
        if self.when_viewer_lost == "continue":
            return
        log.warning("the workbench that started this program went away; stopping it")
        for watch in self.watches():
            sched = watch.sched()
            if sched is not None:
                sched.io.call_soon_threadsafe(sched.release)
                sched.io.call_soon_threadsafe(sched.stop)
        if self.when_viewer_lost == "exit":
            self._orphan_deadline = time.monotonic() + ORPHAN_GRACE

    def _drop_all(self) -> None:
        for peer in list(self._pending.values()):
            self._drop_pending(peer)
        viewer, self._viewer = self._viewer, None
        if viewer is not None:
            with contextlib.suppress(KeyError, ValueError):
                self._sel.unregister(viewer.sock)
            viewer.sock.close()

    # -- ending --------------------------------------------------------------------------------

    def finish(
        self,
        status: int | None = None,
        signal_name: str | None = None,
        exception: str | None = None,
        timeout: float = 2.0,
    ) -> None:
        """The program ends: send the last events and an ``exit`` frame, then close.

        Schedulers of this thread (or of threads that have ended) are drained first; others are
        left alone (their taps are theirs). Waits up to ``timeout`` for the viewer to take it all.
        """
        if self._closed:
            return
        me = threading.current_thread()
        for watch in self.watches():
            if watch.tap is not None and (watch.thread is me or not watch.thread.is_alive()):
                watch.flush()
        self.post_control(
            {"type": "exit", "status": status, "signal": signal_name, "exception": exception,
             "lost": self.lost_events, "lost_deliveries": self.lost_deliveries},
            None,
        )  # fmt: skip
        if self._viewer is not None and self._thread.is_alive():
            self._drained.wait(timeout)  # the monitor thread writes it out
        self.close()

    def close(self) -> None:
        """Stop watching, close the sockets, remove the token file (and Unix socket)."""
        if self._closed:
            return
        self._closed = True
        self._remove_hook()
        for watch in self.watches():
            watch.ask(watch.detach)
            watch.close()
        self._closing = True
        self._wake()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=2.0)
        elif not self._thread.is_alive():
            self._drop_all()
        if self._listener is not None:
            self._listener.close()
        self._sel.close()
        self._wake_r.close()
        self._wake_w.close()
        if self.address is not None and self.address.path and self.mode == "serve":
            with contextlib.suppress(OSError):
                os.unlink(self.address.path)
        if self.token_file is not None:
            with contextlib.suppress(OSError):
                self.token_file.unlink()
        self.viewer_attached.clear()


def _read_line(sock: socket.socket, limit: int) -> dict[str, Any]:
    """Read one frame from a blocking socket (the handshake of connect mode)."""
    reader = proto.LineReader(limit)
    while True:
        data = sock.recv(4096)
        if not data:
            raise proto.ProtocolError("the connection closed during the handshake")
        lines = reader.feed(data)
        if lines:
            return proto.decode(lines[0])


def _clear_stale_socket(path: str) -> None:
    """Remove a Unix socket file left by a process that is gone (never a regular file)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    if not stat.S_ISSOCK(info.st_mode):
        raise MonitorError(f"{path} exists and is not a socket; choose another path")
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(path)
    except OSError:
        os.unlink(path)  # nobody listens there any more
        return
    finally:
        probe.close()
    raise MonitorError(f"another program already listens on unix:{path}")
