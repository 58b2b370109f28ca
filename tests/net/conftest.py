"""Loopback helpers for the net tests: one scheduler per test, driven by hand, no sleeps."""

from __future__ import annotations

import contextlib
import os
import resource
import selectors
import socket
from collections.abc import Callable, Iterator

import pytest

from kamaelia_core.instrument import Tap
from kamaelia_core.scheduler import Scheduler

POLL = 0.01
"""Longest wait for I/O in one driving round (a bound, not a sleep: it returns on readiness)."""


@pytest.fixture
def sched() -> Iterator[Scheduler]:
    """A fresh scheduler, closed (components stopped, reactor released) after the test."""
    scheduler = Scheduler()
    yield scheduler
    scheduler.close()


@pytest.fixture
def tap(sched: Scheduler) -> Tap:
    """A tap on the test's scheduler."""
    return sched.attach_tap(Tap(capacity=1_000_000))


@pytest.fixture
def many_fds() -> Iterator[None]:
    """Raise RLIMIT_NOFILE for tests holding thousands of sockets."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, 16384) if hard != resource.RLIM_INFINITY else 16384
    if want > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def drive(
    sched: Scheduler,
    until: Callable[[], bool],
    rounds: int = 2000,
    poll: float = POLL,
    client: Callable[[], None] | None = None,
) -> int:
    """Run the scheduler (and ``client``, the test's side) until ``until()``; return the rounds.

    Raises:
        AssertionError: ``until()`` still false after ``rounds`` rounds.
    """
    for n in range(rounds):
        if until():
            return n
        sched.poll_io(0 if sched.has_runnable() else poll)
        sched.run_until_idle()
        if client is not None:
            client()
    if until():
        return rounds
    raise AssertionError(f"condition not reached after {rounds} rounds: {sched!r}")


def connect(port: int, timeout: float = 5.0) -> socket.socket:
    """A connected loopback client socket, non-blocking once connected."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    sock.setblocking(False)
    return sock


def recv_some(sock: socket.socket, size: int = 65536) -> bytes | None:
    """Bytes available now; b"" at end of stream; None when nothing is there yet."""
    try:
        return sock.recv(size)
    except BlockingIOError:
        return None


class Clients:
    """Many non-blocking client sockets watched with their own selector.

    Each client collects what it receives in ``received[i]``; ``eof[i]`` turns True at end of
    stream and ``errors[i]`` holds a reset.
    """

    def __init__(self, port: int, count: int) -> None:
        self.selector = selectors.DefaultSelector()
        self.socks: list[socket.socket] = []
        self.received: list[bytearray] = []
        self.eof: list[bool] = []
        self.errors: list[str | None] = []
        for i in range(count):
            sock = socket.socket()
            sock.setblocking(False)
            err = sock.connect_ex(("127.0.0.1", port))
            assert err in (0, 115), os.strerror(err)  # 115 = EINPROGRESS
            self.selector.register(sock, selectors.EVENT_READ, i)
            self.socks.append(sock)
            self.received.append(bytearray())
            self.eof.append(False)
            self.errors.append(None)

    def pump(self) -> None:
        """Read whatever has arrived."""
        for key, _events in self.selector.select(0):
            i = key.data
            try:
                data = self.socks[i].recv(65536)
            except BlockingIOError:
                continue
            except ConnectionResetError:
                self.errors[i] = "ECONNRESET"
                data = b""
            if data:
                self.received[i] += data
            else:
                self.eof[i] = True
                self.selector.unregister(self.socks[i])

    def close(self) -> None:
        """Close every socket."""
        for sock in self.socks:
            with contextlib.suppress(KeyError, ValueError):
                self.selector.unregister(sock)
            sock.close()
        self.selector.close()


def fd_count() -> int:
    """Open descriptors of this process."""
    return len(os.listdir("/proc/self/fd"))
