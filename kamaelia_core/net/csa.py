"""Moves bytes between one connected socket and the component graph (the transport).

A ConnectedSocketAdapter (CSA) reads when the Selector says its socket is readable and sends what it
read on ``outbox``; it writes what arrives on ``inbox``. It knows nothing about the meaning of the
bytes: that is the protocol handler's job.

Back-pressure policy (a slow reader must not grow memory without limit):

* Bytes the socket would not take wait in a write buffer; writability is watched (``newWriter`` to
  the Selector) only while that buffer is non-empty, and released (``removeWriter``) once it drains.
* When the buffer grows past ``high_water`` bytes the CSA *pauses*: it stops taking messages from
  its ``inbox``, limits that inbox to ``paused_inbox_limit`` messages (a producer then gets
  ``noSpaceInBox`` and, as in Axon, is woken when the CSA takes from the inbox again), and stops
  reading from its socket (so request/response protocols such as echo stop producing by
  themselves). Once the buffer drains to ``low_water`` bytes it resumes, lifts the inbox limit and
  wakes the blocked producers. Memory held per connection is therefore bounded by ``high_water``
  plus one message plus the paused inbox's messages.
* ``producerFinished`` on ``control`` flushes the inbox and the buffer, then closes (giving up
  after ``linger`` seconds if the peer never reads); ``shutdownMicroprocess`` closes at once.
* End of stream from the peer (including a half-close) stops reading; what is already queued is
  flushed, then the socket closes. When bytes were passed to the handler after the last write
  (it may still be answering the last request), what arrives within the next
  ``eof_grace_rounds`` scheduler rounds is flushed too; otherwise the CSA closes at once. Peer
  reset, EPIPE and ECONNRESET close at once.
* ``idle_timeout`` (seconds, off by default): a connection that moves no byte either way for that
  long is closed at once (reason ``"idle timeout"``). One scheduler timer per connection, moved
  on only when it fires: a busy connection costs a counter comparison per slice, not a timer.

However a CSA ends, it closes its socket once and sends exactly one ``socketShutdown(self, (sock,
reason))`` on ``CreatorFeedback`` and one ``shutdownCSA(self, (self, sock))`` on ``signal``.
"""

from __future__ import annotations

import errno
import logging
from collections.abc import Generator
from typing import Any

from kamaelia_core import ipc
from kamaelia_core.component import Component
from kamaelia_core.errors import noSpaceInBox

log = logging.getLogger(__name__)


def describe_error(exc: OSError) -> str:
    """A short, stable reason for a socket error: its errno name (``"ECONNRESET"``) or its text."""
    if exc.errno is not None and exc.errno in errno.errorcode:
        return errno.errorcode[exc.errno]
    return str(exc) or type(exc).__name__


def peer_of(sock: Any) -> tuple[str, int] | None:
    """``(host, port)`` of the socket's peer, or None when it has none (any more)."""
    try:
        address = sock.getpeername()
    except OSError:
        return None
    return (address[0], address[1]) if isinstance(address, tuple) else None


class ConnectedSocketAdapter(Component):
    """The transport for one connected, non-blocking socket.

    Args:
        listensocket: The connected socket (Kamaelia's name for it); made non-blocking here.
        selectorService: ``(selector, "notify")``, where writability requests go; None when the
            CSA is driven by hand (tests).
        crashOnBadDataToSend: Raise on a message that is not bytes/str instead of logging it.
        noisyErrors: Log socket errors at warning level (default: debug).
        peer: The peer's ``(host, port)`` when the caller knows it (saves a system call).
        **argd: Overrides of ``high_water``, ``low_water``, ``paused_inbox_limit``,
            ``read_size``, ``max_reads``, ``linger``, ``eof_grace_rounds``, ``idle_timeout``.

    Raises:
        ValueError: ``idle_timeout`` is neither None nor a positive number of seconds.
    """

    Inboxes = {
        "inbox": "Bytes to send to the peer (str is encoded as UTF-8)",
        "control": "producerFinished: flush then close; shutdownMicroprocess: close at once",
        "ReadReady": "The Selector sends the socket here when it becomes readable",
        "SendReady": "The Selector sends the socket here when it becomes writable",
    }
    Outboxes = {
        "outbox": "Bytes received from the peer",
        "CreatorFeedback": "socketShutdown(self, (sock, reason)) once, when the socket closed",
        "signal": "shutdownCSA(self, (self, sock)) once, when the socket closed",
        "_selectorSignal": "newWriter/removeWriter while unsent data waits",
    }
    Category = "Internet"

    high_water = 64 * 1024
    low_water = 16 * 1024
    paused_inbox_limit = 32
    read_size = 64 * 1024
    max_reads = 16
    linger = 30.0
    eof_grace_rounds = 2
    idle_timeout: float | None = None

    def __init__(
        self,
        listensocket: Any,
        selectorService: tuple[Component, str] | None = None,
        crashOnBadDataToSend: bool = False,
        noisyErrors: bool = False,
        peer: tuple[str, int] | None = None,
        **argd: Any,
    ) -> None:
        super().__init__(**argd)
        if self.idle_timeout is not None:
            check_timeout("idle_timeout", self.idle_timeout)
        self.socket = listensocket
        self.selectorService = selectorService
        self.crashOnBadDataToSend = crashOnBadDataToSend
        self.noisyErrors = noisyErrors
        if listensocket.gettimeout() != 0.0:  # the TCPServer has made it non-blocking already
            listensocket.setblocking(False)
        self.peer: tuple[str, int] | None = peer if peer is not None else peer_of(listensocket)
        self._fd: int = listensocket.fileno()
        self.buffer = bytearray()
        self.reason: str | None = None
        self.closed = False
        self._readable = False
        self._paused = False
        self._eof = False
        self._finishing = False
        self._writer_armed = False
        self._held: bytes | None = None
        self._grace = 0
        self._owed = False
        self._linger_timer: Any = None
        self._lingered = False
        self._idle_timer: Any = None
        self._moved = 0
        self._last_active = 0.0
        self.bytes_in = 0
        self.bytes_out = 0
        self.max_buffered = 0

    def __repr__(self) -> str:
        peer = f"{self.peer[0]}:{self.peer[1]}" if self.peer else "?"
        return f"<CSA#{self.cid} peer={peer} buffered={len(self.buffer)}B {self.activity}>"

    def live_details(self) -> dict[str, Any]:
        """For the ``spawned`` event: the connection's peer, ``"host:port"``."""
        return {"peer": f"{self.peer[0]}:{self.peer[1]}"} if self.peer else {}

    @property
    def activity(self) -> str:
        """closed, finishing, paused (back-pressure), eof or reading."""
        if self.closed:
            return "closed"
        if self._finishing:
            return "finishing"
        if self._paused:
            return "paused"
        return "eof" if self._eof else "reading"

    # -- the body ------------------------------------------------------------------------------

    def main(self) -> Generator[int, None, None]:
        """Read on readiness, write what arrives, close once."""
        inbox = self.inboxes["inbox"]
        control = self.inboxes["control"].storage
        ready_r = self.inboxes["ReadReady"].storage
        ready_w = self.inboxes["SendReady"].storage
        sched, idle_timeout = self._sched, self.idle_timeout
        idle = idle_timeout is not None and sched is not None
        if idle_timeout is not None and sched is not None:
            self._last_active = sched.clock()
            self._idle_timer = sched.call_later(idle_timeout, self._idle_check)
        try:
            while True:
                while control:
                    self._on_control(self.recv("control"))
                if self.reason is not None:
                    return
                if ready_w:
                    ready_w.clear()
                    self._flush()
                if ready_r:
                    ready_r.clear()
                    self._readable = True
                if inbox.storage and not self._paused:
                    self._take_inbox(inbox)
                if idle:
                    self._note_activity()
                if self._held is not None and not self._forward(self._held):
                    self.pause()
                    yield 1
                    continue
                if self._readable and not self._paused and not self._eof:
                    self._read()
                    if idle:
                        self._note_activity()
                if self.reason is not None:
                    return
                if self._eof or self._finishing:
                    if self._done_after_eof_or_finish(inbox):
                        return
                    if not (self.buffer or inbox.storage or self._held is not None):
                        yield 1  # a grace round: let the handler answer what it last received
                        continue
                if self._readable and not self._paused and not self._eof:
                    yield 1  # the read bound was hit: carry on next turn without a new edge
                    continue
                self.pause()
                yield 1
        finally:
            self._close(self.reason or "stopped")

    def _on_control(self, message: Any) -> None:
        if isinstance(message, ipc.shutdownMicroprocess):
            self.reason = "shutdownMicroprocess"
        elif isinstance(message, ipc.producerFinished):
            if not self._finishing:
                self._finishing = True
                if self.linger is not None and self.scheduler is not None:
                    self._linger_timer = self.scheduler.call_later(
                        self.linger, self._linger_expired
                    )
        else:
            log.debug("%r ignores control message %r", self, message)

    def _done_after_eof_or_finish(self, inbox: Any) -> bool:
        """Whether everything owed to the peer is written (or can never be)."""
        if self._lingered:
            self.reason = "linger timeout"
            return True
        if inbox.storage or self.buffer or self._held is not None:
            self._grace = 0
            return False
        if self._finishing:
            self.reason = "producerFinished"
            return True
        if not self._owed:  # every request was answered: nobody is writing any more
            self.reason = "peer closed"
            return True
        self._grace += 1
        if self._grace > self.eof_grace_rounds:
            self.reason = "peer closed"
            return True
        return False

    def _linger_expired(self) -> None:
        self._lingered = True
        self.unpause()

    def _note_activity(self) -> None:
        """Remember when bytes last moved (read from or written to the socket)."""
        moved = self.bytes_in + self.bytes_out
        sched = self._sched
        if moved != self._moved and sched is not None:  # (only ever called while it runs)
            self._moved = moved
            self._last_active = sched.clock()

    def _idle_check(self) -> None:
        """The idle timer fired: close if nothing moved since, else wait for the new deadline."""
        self._idle_timer = None
        if self.closed or self.reason is not None:
            return
        sched = self._sched
        assert sched is not None and self.idle_timeout is not None
        self._note_activity()
        due = self._last_active + self.idle_timeout
        if sched.clock() >= due:
            self.reason = "idle timeout"  # the next slice closes: main checks reason first
            self.unpause()
        else:
            self._idle_timer = sched.call_at(due, self._idle_check)

    # -- reading -------------------------------------------------------------------------------

    def _read(self) -> None:
        recv, size = self.socket.recv, self.read_size
        for _ in range(self.max_reads):
            try:
                data = recv(size)
            except (BlockingIOError, InterruptedError):
                self._readable = False
                return
            except OSError as exc:
                self._fail(exc)
                return
            if not data:
                self._readable = False
                self._eof = True
                return
            self.bytes_in += len(data)
            if not self._forward(data) or self._paused:
                return
            if len(data) < size and self._drained_by_short_read():
                self._readable = False
                return

    def _drained_by_short_read(self) -> bool:
        """Whether a short read proves the socket drained, saving the recv that would fail.

        True when this scheduler's reactor watches the socket and its peer has not hung up: a
        stream socket returns less than asked only when nothing more is queued, and whatever
        arrives next, data or the end of the stream, is reported as a new event (the Selector
        then sends ReadReady again). When the peer has hung up, keep reading to the end.
        """
        sched = self._sched
        if sched is None:
            return False
        io = sched.io
        fd = self._fd
        return fd in io._callbacks and fd not in io.hangups

    def _forward(self, data: bytes) -> bool:
        """Send ``data`` on outbox; hold it when the consumer's inbox is full."""
        try:
            self.send(data, "outbox")
        except noSpaceInBox:
            self._held = data
            return False
        self._held = None
        self._owed = True
        return True

    # -- writing -------------------------------------------------------------------------------

    def _take_inbox(self, inbox: Any) -> None:
        pop = inbox.pop
        self._grace = 0
        while inbox.storage and not self._paused and self.reason is None:
            self._write(pop())
        if self._paused and inbox.size is None:
            inbox.size = self.paused_inbox_limit

    def _write(self, data: Any) -> None:
        if not isinstance(data, (bytes, bytearray, memoryview)):
            if isinstance(data, str):
                data = data.encode("utf-8")
            elif self.crashOnBadDataToSend:
                raise TypeError(
                    f"{self.name} can only send bytes or str, not {type(data).__name__}"
                )
            else:
                log.warning("%r drops a %s it cannot send", self, type(data).__name__)
                return
        self._owed = False
        buffer = self.buffer
        if not buffer:
            try:
                sent = self.socket.send(data)
            except (BlockingIOError, InterruptedError):
                sent = 0
            except OSError as exc:
                self._fail(exc)
                return
            self.bytes_out += sent
            if sent == len(data):
                return
            buffer += memoryview(data)[sent:]
            self._want_writable(True)
        else:
            buffer += data
        if len(buffer) > self.max_buffered:
            self.max_buffered = len(buffer)
        if len(buffer) > self.high_water:
            self._paused = True

    def _flush(self) -> None:
        buffer = self.buffer
        send = self.socket.send
        while buffer:
            try:
                sent = send(buffer)
            except (BlockingIOError, InterruptedError):
                break
            except OSError as exc:
                self._fail(exc)
                return
            self.bytes_out += sent
            del buffer[:sent]
        if not buffer:
            self._want_writable(False)
        if self._paused and len(buffer) <= self.low_water:
            self._resume()

    def _resume(self) -> None:
        self._paused = False
        box = self.inboxes["inbox"]
        box.size = None
        for feeder in list(box.feeders):
            feeder.owner.unpause()

    def _want_writable(self, on: bool) -> None:
        if on == self._writer_armed:
            return
        self._writer_armed = on
        if on and self.selectorService is not None:
            if self.outboxes["_selectorSignal"].linked_to is None:  # linked on first need
                self.link((self, "_selectorSignal"), self.selectorService)
            self.send(ipc.newWriter(self, ((self, "SendReady"), self.socket)), "_selectorSignal")
        elif on:
            log.debug("%r has no selector to ask for writability", self)
        else:
            self.send(ipc.removeWriter(self, self.socket), "_selectorSignal")

    # -- ending --------------------------------------------------------------------------------

    def _fail(self, exc: OSError) -> None:
        self.reason = describe_error(exc)
        level = logging.WARNING if self.noisyErrors else logging.DEBUG
        log.log(level, "%r: socket error %s", self, self.reason)

    def _close(self, reason: str) -> None:
        if self.closed:
            return
        self.closed = True
        self.reason = reason
        if self._linger_timer is not None:
            self._linger_timer.cancel()
            self._linger_timer = None  # it refers back to this CSA
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None
        sock = self.socket
        if reason == "producerFinished":
            _drain_quietly(sock)
        try:
            sock.close()
        except OSError as exc:
            log.debug("%r: close failed: %s", self, describe_error(exc))
        self.buffer.clear()
        if self._paused or self.inboxes["inbox"].size is not None:
            self._resume()
        log.debug("%r closed: %s", self, reason)
        self.send(ipc.socketShutdown(self, (sock, reason)), "CreatorFeedback")
        self.send(ipc.shutdownCSA(self, (self, sock)), "signal")


def check_timeout(name: str, seconds: Any) -> None:
    """Reject a timeout that is neither None nor a positive number of seconds.

    Raises:
        ValueError: Naming the option and the value given.
    """
    if seconds is None:
        return
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not seconds > 0:
        raise ValueError(f"{name} must be None or a positive number of seconds, not {seconds!r}")


def _drain_quietly(sock: Any, limit: int = 16) -> None:
    """Discard unread input so closing sends FIN, not RST (which could destroy our last reply)."""
    for _ in range(limit):
        try:
            if not sock.recv(65536):
                return
        except OSError:
            return


CSA = ConnectedSocketAdapter

__kamaelia_components__ = (ConnectedSocketAdapter,)
