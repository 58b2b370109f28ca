"""The monitor's socket: a thread that takes (or dials) the viewer, checks its hello, writes the
queued frames as the socket takes them and hands the viewer's lines on.

The transport under ``monitor.Monitor``, which decides what the frames mean (its sockets are opened
by ``monitor.sockets``; ``MonitorError`` is importable from here too). Schedulers' threads
queue encoded frames here without ever waiting: the queue is bounded in bytes, and a frame that
does not fit is dropped and counted. Everything on the socket happens in this one thread.
"""

from __future__ import annotations

import contextlib
import logging
import os
import selectors
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from kamaelia_core.monitor import protocol as proto
from kamaelia_core.monitor.sockets import MonitorError, dial, open_listener, peer_name

log = logging.getLogger("kamaelia_core.monitor")


class _Peer:
    """One connection: in its handshake, or the viewer."""

    def __init__(self, sock: socket.socket, deadline: float, limit: int = proto.MAX_HELLO) -> None:
        self.sock = sock
        self.reader = proto.LineReader(limit)
        self.deadline = deadline
        self.name = peer_name(sock)


class ViewerLink:
    """One viewer's connection, owned by a thread of its own.

    Args:
        token: The secret a viewer must present (serve mode).
        buffer_limit: Bytes of queued frames before event frames are dropped and counted.
        sndbuf: The kernel send buffer of the viewer's socket (None: the system's).
        greet: The frames to send a new viewer first (after the welcome).
        on_attached: Called (in this thread) with the new ``generation`` once a viewer is in.
        on_gone: Called (in this thread) with the reason once the viewer has gone.
        on_line: Called (in this thread) with each line the viewer sends.
    """

    def __init__(
        self,
        token: str,
        *,
        buffer_limit: int,
        sndbuf: int | None,
        greet: Callable[[], list[bytes]],
        on_attached: Callable[[int], None],
        on_gone: Callable[[str], None],
        on_line: Callable[[bytes], None],
    ) -> None:
        self.token = token
        self.buffer_limit = buffer_limit
        self.sndbuf = sndbuf
        self._greet, self._on_attached = greet, on_attached
        self._on_gone, self._on_line = on_gone, on_line
        self.address: proto.Address | None = None
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
        """Set while no viewer is attached, once ``on_gone`` has run."""
        self.no_viewer.set()
        self._drained = threading.Event()
        self._drained.set()
        self._lock = threading.Lock()
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
        self._timer: tuple[float, Callable[[], None]] | None = None
        self._closing = False
        self._thread = threading.Thread(target=self._run, name="kamaelia-monitor", daemon=True)

    @property
    def attached(self) -> bool:
        """Whether a viewer is attached."""
        return self._viewer is not None

    # -- opening -------------------------------------------------------------------------------

    def listen(self, address: proto.Address) -> None:
        """Listen on ``address`` for viewers (a free port when its port is 0).

        Raises:
            MonitorError: It cannot listen there.
        """
        sock = open_listener(address)
        self._listener = sock
        port = 0 if address.path else sock.getsockname()[1]
        self.address = proto.Address(address.host, port, address.path)
        self._sel.register(sock, selectors.EVENT_READ, self._on_accept)

    def dial(self, address: proto.Address, timeout: float = proto.HANDSHAKE_TIMEOUT) -> None:
        """Connect to a listening workbench and pass its handshake (before ``start``).

        Raises:
            MonitorError: It cannot be reached, or it refused us (the message says why).
        """
        sock = dial(address, self.token, timeout)
        self.address = address
        peer = _Peer(sock, 0.0, proto.MAX_FRAME)
        self._viewer = peer
        self.generation = 1
        self._sel.register(sock, selectors.EVENT_READ, self._on_viewer)
        for data in self._greet():
            self._queue(data)
        self.viewer_attached.set()
        self.no_viewer.clear()

    def start(self) -> None:
        """Start the thread."""
        self._thread.start()

    def call_at(self, when: float, callback: Callable[[], None]) -> None:
        """Call ``callback`` in this thread at ``time.monotonic()`` >= ``when`` (one at a time)."""
        self._timer = (when, callback)
        self.wake()

    # -- frames from the schedulers (any thread) -------------------------------------------

    def pressured(self) -> bool:
        """Whether the viewer lags (half the buffer is queued)."""
        return self._out_bytes > self.buffer_limit // 2

    def queue_events(self, data: bytes, events: int, deliveries: int, generation: int) -> None:
        """Queue an events frame for viewer session ``generation``, or drop and count it."""
        with self._lock:
            if generation != self.generation or self._viewer is None:
                return
            if self._out_bytes + len(data) > self.buffer_limit:
                self.lost_events += events
                self.lost_deliveries += deliveries
                return
            wake = self._queue_locked(data)
        if wake:
            self.wake()

    def queue_control(self, data: bytes, generation: int | None) -> None:
        """Queue a small frame for the viewer (of session ``generation``, when given).

        Dropped (and counted as one lost event) only when twice the buffer is queued.
        """
        with self._lock:
            if self._viewer is None or generation not in (None, self.generation):
                return
            if self._out_bytes + len(data) > 2 * self.buffer_limit:
                self.lost_events += 1
                return
            wake = self._queue_locked(data)
        if wake:
            self.wake()

    def wait_drained(self, timeout: float) -> bool:
        """Wait up to ``timeout`` for the viewer to take everything queued."""
        if self._viewer is None or not self._thread.is_alive():
            return self._viewer is None
        return self._drained.wait(timeout)

    def _queue(self, data: bytes) -> None:
        with self._lock:
            wake = self._queue_locked(data)
        if wake:
            self.wake()

    def _queue_locked(self, data: bytes) -> bool:
        self._drained.clear()
        self._out.append(memoryview(data))
        self._out_bytes += len(data)
        wake = not self._wake_pending
        self._wake_pending = True
        return wake

    def wake(self) -> None:
        """Make the thread look at its queue and timer (from any thread)."""
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
        if self._timer is not None:
            deadlines.append(self._timer[0])
        if not deadlines:
            return None
        return max(0.0, min(deadlines) - time.monotonic())

    def _check_deadlines(self) -> None:
        now = time.monotonic()
        for peer in [p for p in self._pending.values() if p.deadline <= now]:
            self._refuse(peer, "hello", "no hello within the handshake time")
        if self._timer is not None and now >= self._timer[0]:
            callback = self._timer[1]
            self._timer = None
            callback()

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
                self._gone(f"cannot write to the viewer: {exc}")
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
            elif len(self._pending) >= proto.MAX_HANDSHAKES:
                self._refuse(peer, "busy", "too many connections are in their handshake")
            else:
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
        if why is None and self._viewer is not None:
            why = ("busy", "another viewer is attached to this program")
        if why is not None:
            self._refuse(peer, *why)
            return
        self._welcome(peer)

    def _welcome(self, peer: _Peer) -> None:
        del self._pending[peer.sock.fileno()]
        peer.reader = proto.LineReader(proto.MAX_FRAME)
        with self._lock:
            self.generation += 1
            generation = self.generation
            self._viewer = peer
            self._out.clear()
            self._out_bytes = 0
            self.lost_events = self.lost_deliveries = 0
            self._queue_locked(proto.encode(proto.welcome()))
            for data in self._greet():
                self._queue_locked(data)
        if self.sndbuf is not None:
            peer.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, self.sndbuf)
        self._sel.modify(peer.sock, selectors.EVENT_READ | selectors.EVENT_WRITE, self._on_viewer)
        self.no_viewer.clear()
        log.info("a viewer attached from %s", peer.name)
        self._on_attached(generation)
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
        if not mask & selectors.EVENT_READ or self._viewer is None:
            return
        try:
            data = sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as exc:
            self._gone(f"the viewer's connection failed: {exc}")
            return
        if not data:
            self._gone("the viewer closed the connection")
            return
        try:
            lines = viewer.reader.feed(data)
        except proto.ProtocolError as exc:
            self._gone(f"the viewer sent a bad frame: {exc}")
            return
        for line in lines:
            self._on_line(line)

    def _gone(self, why: str) -> None:
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
        if not self._closing:
            self._on_gone(why)
        self.no_viewer.set()

    def _drop_all(self) -> None:
        for peer in list(self._pending.values()):
            self._drop_pending(peer)
        viewer, self._viewer = self._viewer, None
        if viewer is not None:
            with contextlib.suppress(KeyError, ValueError):
                self._sel.unregister(viewer.sock)
            viewer.sock.close()

    # -- closing -------------------------------------------------------------------------------

    def close(self) -> None:
        """End the thread and close every socket (a Unix socket file is removed)."""
        self._closing = True
        self.wake()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=2.0)
        elif not self._thread.is_alive():
            self._drop_all()
        if self._listener is not None:
            self._listener.close()
            if self.address is not None and self.address.path:
                with contextlib.suppress(OSError):
                    os.unlink(self.address.path)
        self._sel.close()
        self._wake_r.close()
        self._wake_w.close()
        self.viewer_attached.clear()


__all__ = ["MonitorError", "ViewerLink"]
