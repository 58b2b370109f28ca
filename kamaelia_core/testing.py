"""Test helpers beside the engine: run until idle, collect an outbox, fake time and sockets.

Tests drive the scheduler to quiescence instead of sleeping: ``run_until_idle`` returns once no
component is runnable and every threaded component's thread is blocked in ``pause()`` or ended.
``ManualClock`` makes timers fire when the test says so, and ``FakeSocket`` gives protocol code an
in-memory, non-blocking byte stream.
"""

from __future__ import annotations

import time
from collections import deque
from typing import Any

from kamaelia_core.component import Component
from kamaelia_core.scheduler import Scheduler
from kamaelia_core.threaded import ThreadedComponent
from kamaelia_core.util.collector import Collector

DEFAULT_TIMEOUT = 10.0
"""Longest a helper waits for threads to go idle before failing (seconds)."""


def run_until_idle(
    *components: Component,
    scheduler: Scheduler | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    max_slices: int = 1_000_000,
) -> Scheduler:
    """Activate ``components`` (those not yet active) and run until the system is idle.

    Idle means: nothing runnable, no I/O or cross-thread wake-up pending, no timer due, and
    every live threaded component's thread paused or ended. The wait for threads blocks in the
    scheduler's reactor (their wake-ups end it), it does not poll.

    Args:
        *components: Components to activate.
        scheduler: The scheduler to use; default: the first component's, or a new one.
        timeout: Fail when threads are still busy after this many seconds.
        max_slices: Fail when components are still runnable after this many slices.

    Returns:
        The scheduler (close it when done).

    Raises:
        TimeoutError: Threads kept working for ``timeout`` seconds.
        RuntimeError: Components kept running for ``max_slices`` slices.
    """
    sched = scheduler
    if sched is None:
        sched = next((c.scheduler for c in components if c.scheduler is not None), None)
    if sched is None:
        sched = Scheduler()
    for comp in components:
        if comp.scheduler is None:
            sched.activate(comp)
    deadline = time.monotonic() + timeout
    while True:
        sched.run_until_idle(max_slices)
        busy = []
        for comp in sched.components:
            if isinstance(comp, ThreadedComponent):
                comp._report_idle = True
                if not comp._thread_idle():
                    busy.append(comp)
        if not busy:
            # a thread that has just paused may have left a wake-up in flight: take it first
            if sched.poll_io(0) == 0 and not sched.has_runnable():
                return sched
            continue
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            names = ", ".join(c.name for c in busy[:5])
            raise TimeoutError(f"threads still busy after {timeout} s: {names}")
        sched.poll_io(remaining)


def collect_outbox(component: Component, box: str = "outbox", run: bool = True) -> list[Any]:
    """Link ``component``'s ``box`` to a collecting sink and return the sink's list.

    The list keeps growing as the system runs further.

    Args:
        component: The component to listen to (activated on a new scheduler if it is not yet).
        box: Which outbox.
        run: Run until idle before returning.
    """
    sink = Collector()
    sink.link((component, box), (sink, "inbox"))
    sched = component.scheduler or Scheduler()
    if component.scheduler is None:
        sched.activate(component)
    sched.activate(sink)
    if run:
        run_until_idle(scheduler=sched)
    return sink.collected


class ManualClock:
    """A monotonic clock that moves only when told: ``Scheduler(clock=ManualClock())``.

    Args:
        start: The initial time.
    """

    def __init__(self, start: float = 0.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> float:
        """Move time forward by ``seconds``; returns the new time. Timers fire on the next turn.

        Raises:
            ValueError: ``seconds`` is negative (a monotonic clock never goes back).
        """
        if seconds < 0:
            raise ValueError(f"a monotonic clock cannot go back ({seconds} s)")
        self.now += seconds
        return self.now

    def __repr__(self) -> str:
        return f"<ManualClock now={self.now}>"


class FakeSocket:
    """One end of an in-memory, non-blocking stream connection (see ``FakeSocket.pair``).

    ``send`` copies bytes into the peer's receive buffer (at most ``max_send`` at a time, and
    raises BlockingIOError when the peer holds ``capacity`` bytes unread); ``recv`` raises
    BlockingIOError when nothing is buffered and returns b"" once the peer has shut down writing.

    Args:
        peername: What ``getpeername()`` returns.
        sockname: What ``getsockname()`` returns.
        capacity: Most unread bytes the peer's buffer accepts.
        max_send: Most bytes one ``send`` accepts (to exercise partial writes).
    """

    def __init__(
        self,
        peername: tuple[str, int] = ("127.0.0.1", 50000),
        sockname: tuple[str, int] = ("127.0.0.1", 1601),
        capacity: int = 1 << 20,
        max_send: int | None = None,
    ) -> None:
        self.peer: FakeSocket | None = None
        self.peername = peername
        self.sockname = sockname
        self.capacity = capacity
        self.max_send = max_send
        self.inbound: deque[bytes] = deque()
        self.buffered = 0
        self.read_shut = False
        self.write_shut = False
        self.closed = False
        self.blocking = False

    @classmethod
    def pair(cls, **kwargs: Any) -> tuple[FakeSocket, FakeSocket]:
        """Two connected ends; keyword arguments apply to both."""
        a = cls(**kwargs)
        b = cls(peername=a.sockname, sockname=a.peername, **{
            k: v for k, v in kwargs.items() if k not in ("peername", "sockname")
        })  # fmt: skip
        a.peer, b.peer = b, a
        return a, b

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        host, port = self.peername
        return f"<FakeSocket peer={host}:{port} buffered={self.buffered}B {state}>"

    def _check_open(self) -> None:
        if self.closed:
            raise OSError(9, "Bad file descriptor")

    def send(self, data: bytes | bytearray | memoryview) -> int:
        """Queue ``data`` (or a prefix of it) for the peer; returns the byte count taken.

        Raises:
            BrokenPipeError: The peer is closed or this end shut down writing.
            BlockingIOError: The peer's buffer is full.
        """
        self._check_open()
        peer = self.peer
        if self.write_shut or peer is None or peer.closed or peer.read_shut:
            raise BrokenPipeError(32, "Broken pipe")
        room = peer.capacity - peer.buffered
        if room <= 0:
            raise BlockingIOError(11, "Resource temporarily unavailable")
        count = min(len(data), room, self.max_send or len(data))
        if count:
            peer.inbound.append(bytes(data[:count]))
            peer.buffered += count
        return count

    def sendall(self, data: bytes | bytearray | memoryview) -> None:
        """Send all of ``data`` (raises BlockingIOError if it does not fit)."""
        view = memoryview(bytes(data))
        while view:
            view = view[self.send(view) :]

    def recv(self, bufsize: int) -> bytes:
        """Take up to ``bufsize`` buffered bytes.

        Raises:
            BlockingIOError: Nothing buffered and the peer is still open.
        """
        self._check_open()
        if not self.inbound:
            peer = self.peer
            if self.read_shut or peer is None or peer.closed or peer.write_shut:
                return b""
            raise BlockingIOError(11, "Resource temporarily unavailable")
        out = bytearray()
        while self.inbound and len(out) < bufsize:
            chunk = self.inbound.popleft()
            take = bufsize - len(out)
            if len(chunk) > take:
                self.inbound.appendleft(chunk[take:])
                chunk = chunk[:take]
            out += chunk
        self.buffered -= len(out)
        return bytes(out)

    def received(self) -> bytes:
        """Everything buffered for this end (taken out), for assertions."""
        data = b"".join(self.inbound)
        self.inbound.clear()
        self.buffered = 0
        return data

    def setblocking(self, flag: bool) -> None:
        """Recorded only: the fake never blocks."""
        self.blocking = flag

    def getpeername(self) -> tuple[str, int]:
        """The peer's address."""
        self._check_open()
        return self.peername

    def getsockname(self) -> tuple[str, int]:
        """This end's address."""
        self._check_open()
        return self.sockname

    def shutdown(self, how: int) -> None:
        """Shut down reading (0), writing (1) or both (2)."""
        self._check_open()
        if how in (0, 2):
            self.read_shut = True
        if how in (1, 2):
            self.write_shut = True

    def close(self) -> None:
        """Close this end; the peer then reads b""."""
        self.closed = True

    def fileno(self) -> int:
        """-1 once closed, like a real socket; a fake has no descriptor to watch otherwise."""
        return -1
