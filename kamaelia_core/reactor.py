"""Readiness of file descriptors, for the scheduler: one epoll set a host loop can watch.

The Selector service registers sockets here; the scheduler blocks in ``poll`` when nothing is
runnable; a host (the Qt workbench) watches ``fileno()`` with a single notifier. On Linux the set is
an edge-triggered epoll: a callback fires once per new readiness and its consumer reads or accepts
until EAGAIN. Elsewhere ``selectors`` gives level-triggered readiness with the same interface.
"""

from __future__ import annotations

import logging
import math
import os
import select
import selectors
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

READ = 1
WRITE = 4
Callback = Callable[[int, int], None]
"""Called with ``(fd, events)``; events is a mask of READ, WRITE, ERROR and HANGUP."""
ERROR = 8
HANGUP = 16
"""Also set with READ when the peer has shut down its side (or the connection failed)."""

_HAS_EPOLL = hasattr(select, "epoll")


def fd_of(fileobj: Any) -> int:
    """The descriptor number of a socket, file or int."""
    return fileobj if isinstance(fileobj, int) else fileobj.fileno()


class Reactor:
    """A set of watched descriptors with a callback each."""

    def __init__(self) -> None:
        self._callbacks: dict[int, Callback] = {}
        # exactly one of the two is set: the epoll set on Linux, a selector elsewhere
        self._epoll: Any = select.epoll() if _HAS_EPOLL else None
        self._sel: selectors.BaseSelector | None = (
            None if _HAS_EPOLL else selectors.DefaultSelector()
        )
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        os.set_blocking(self._wake_w, False)
        self._wake_lock = threading.Lock()
        self._wake_pending = False
        self._cross_thread: list[Callable[[], None]] = []
        self.closed = False
        self.hangups: set[int] = set()
        """Descriptors whose peer has hung up (EPOLLRDHUP/EPOLLHUP/EPOLLERR seen) since they were
        registered. A reader of an edge-triggered descriptor that is not in this set may stop at
        a short read: whatever arrives next (data or the end) is reported as a new event."""
        self.on_ready: Callable[[], None] | None = None
        """Called after a wait that found ready descriptors, before their callbacks run."""
        self.register(self._wake_r, READ, self._drain_wakeups)

    def __len__(self) -> int:
        """How many descriptors are watched, not counting the internal wake-up pipe."""
        return max(0, len(self._callbacks) - 1)  # 0 once closed (the pipe is gone too)

    def fileno(self) -> int:
        """A descriptor that is readable while any watched descriptor is ready."""
        return self._epoll.fileno() if self._epoll is not None else self._wake_r

    def _mask(self, events: int) -> int:
        if self._epoll is None:
            return (selectors.EVENT_READ if events & READ else 0) | (
                selectors.EVENT_WRITE if events & WRITE else 0
            )
        mask = select.EPOLLET | select.EPOLLRDHUP
        if events & READ:
            mask |= select.EPOLLIN
        if events & WRITE:
            mask |= select.EPOLLOUT
        return mask

    def register(self, fileobj: Any, events: int, callback: Callback) -> None:
        """Watch ``fileobj`` for ``events`` (READ | WRITE); ``callback`` on readiness."""
        fd = fd_of(fileobj)
        self._callbacks[fd] = callback
        self.hangups.discard(fd)
        if self._epoll is not None:
            self._epoll.register(fd, self._mask(events))
        elif events and self._sel is not None:
            self._sel.register(fd, self._mask(events))

    def modify(self, fileobj: Any, events: int) -> None:
        """Change the events watched for an already registered ``fileobj``."""
        fd = fd_of(fileobj)
        sel = self._sel
        if sel is None:
            self._epoll.modify(fd, self._mask(events))
            return
        mask = self._mask(events)
        try:
            if mask:
                sel.modify(fd, mask)
            else:
                sel.unregister(fd)
        except KeyError:
            if mask:
                sel.register(fd, mask)

    def unregister(self, fileobj: Any) -> None:
        """Stop watching ``fileobj``; unknown or already closed descriptors are ignored."""
        fd = fd_of(fileobj)
        self.hangups.discard(fd)
        if self._callbacks.pop(fd, None) is None or fd < 0:
            return
        try:
            if self._sel is None:
                self._epoll.unregister(fd)
            else:
                self._sel.unregister(fd)
        except (KeyError, ValueError, OSError):
            log.debug("fd %d was already gone from the reactor", fd)

    def forget(self, fd: int) -> None:
        """Drop the callback of a descriptor that has been closed (closing it left the epoll set).

        Saves the ``epoll_ctl`` call ``unregister`` would make, which can only fail with EBADF
        once the descriptor is closed.
        """
        self.hangups.discard(fd)
        if self._callbacks.pop(fd, None) is not None and self._sel is not None:
            try:
                self._sel.unregister(fd)
            except (KeyError, ValueError, OSError):
                pass

    def is_registered(self, fileobj: Any) -> bool:
        """Whether ``fileobj`` is watched."""
        return fd_of(fileobj) in self._callbacks

    def call_soon_threadsafe(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` in the reactor's thread at the next poll; callable from any thread.

        Once the reactor is closed the callback is dropped: its wake-up pipe is gone, and its
        descriptor number may already belong to someone else.
        """
        with self._wake_lock:
            if self.closed:
                log.debug("reactor closed: dropping cross-thread callback %r", callback)
                return
            self._cross_thread.append(callback)
            if self._wake_pending:
                return
            self._wake_pending = True
            try:
                os.write(self._wake_w, b"\0")
            except BlockingIOError:
                pass  # the pipe is full of wake-ups already: the reader will come

    def calls_pending(self) -> bool:
        """Whether cross-thread calls wait for the next poll (``call_soon_threadsafe``)."""
        with self._wake_lock:
            return bool(self._cross_thread)

    def _drain_wakeups(self, fd: int, events: int) -> None:
        try:
            while os.read(self._wake_r, 4096):
                pass
        except BlockingIOError:
            pass
        with self._wake_lock:
            pending, self._cross_thread = self._cross_thread, []
            self._wake_pending = False
        for callback in pending:
            callback()

    def poll(self, timeout: float | None = 0) -> int:
        """Wait up to ``timeout`` seconds (None: forever) and run the ready callbacks."""
        sel = self._sel
        if sel is None:
            ready = self._epoll.poll(-1 if timeout is None else max(timeout, 0.0), 1024)
            events_of = _epoll_events
        else:
            ready = [(key.fd, ev) for key, ev in sel.select(timeout)]
            events_of = _selectors_events
        callbacks = self._callbacks
        if ready and self.on_ready is not None:
            self.on_ready()
        for fd, ev in ready:
            callback = callbacks.get(fd)
            if callback is not None:
                events = events_of(ev)
                if events & HANGUP:
                    self.hangups.add(fd)
                callback(fd, events)
        if sel is not None and self._cross_thread:
            self._drain_wakeups(self._wake_r, READ)
        return len(ready)

    def wait_wakeups(self, timeout: float | None = 0) -> int:
        """Wait up to ``timeout`` seconds (None: forever) for cross-thread calls only, and run
        them; other descriptors are left alone (a held scheduler). Returns how many ran."""
        with self._wake_lock:
            pending = bool(self._cross_thread)
        if not pending:
            waiter = select.poll()  # not select(): the pipe's number may be above 1,023
            waiter.register(self._wake_r, select.POLLIN)
            if not waiter.poll(None if timeout is None else max(0, math.ceil(timeout * 1000))):
                return 0
        with self._wake_lock:
            count = len(self._cross_thread)
        self._drain_wakeups(self._wake_r, READ)
        return count

    def close(self) -> None:
        """Release the epoll set and the wake-up pipe."""
        with self._wake_lock:
            if self.closed:
                return
            self.closed = True
        if self._sel is None:
            self._epoll.close()
        else:
            self._sel.close()
        os.close(self._wake_r)
        os.close(self._wake_w)
        self._callbacks.clear()


def _epoll_events(ev: int) -> int:
    mask = 0
    if ev & (select.EPOLLIN | select.EPOLLRDHUP | select.EPOLLHUP):
        mask |= READ
    if ev & select.EPOLLOUT:
        mask |= WRITE
    if ev & (select.EPOLLERR | select.EPOLLHUP):
        mask |= ERROR
    if ev & (select.EPOLLRDHUP | select.EPOLLHUP | select.EPOLLERR):
        mask |= HANGUP
    return mask


def _selectors_events(ev: int) -> int:
    return (READ if ev & selectors.EVENT_READ else 0) | (WRITE if ev & selectors.EVENT_WRITE else 0)
