"""Turns socket readiness from the scheduler's reactor into messages for the components that asked.

One Selector service runs per scheduler, registered in that scheduler's CAT as "selector" (its
``notify`` inbox) and "selectorshutdown" (its ``control`` inbox). Components send it
``newReader``/``newWriter``/``newExceptional`` with ``((component, inbox), socket)``; whenever the
socket becomes ready the Selector sends it to that inbox through an outbox of its own linked to the
inbox, so instrumentation shows ``Selector -> CSA.ReadReady``. As the seed describes, a TCPServer
also registers each new ConnectedSocketAdapter with ``newCSA(server, (csa, sock))``: readiness to
read goes to ``ReadReady``, and ``SendReady`` is remembered for when the CSA asks for writability.
``shutdownCSA(server, (csa, sock))`` deregisters it.

Registrations are persistent: unlike Kamaelia's one-shot selector nobody re-registers after an
event. The reactor is edge-triggered, so a notified component must read, write or accept until
EAGAIN. Writability is watched only while someone asked for it (a CSA asks while it holds unsent
data). The waiting itself belongs to the scheduler: ``fileno()`` and ``poll_ready()`` delegate to it
so a host loop (Qt) can own the blocking.
"""

from __future__ import annotations

import logging
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from kamaelia_core import ipc
from kamaelia_core.component import Component
from kamaelia_core.net._boxes import add_outbox, delete_outbox
from kamaelia_core.reactor import ERROR, READ, WRITE

if TYPE_CHECKING:
    from kamaelia_core.cat import CoordinatingAssistantTracker
    from kamaelia_core.linkage import Box, Linkage

log = logging.getLogger(__name__)

SERVICE = "selector"
"""CAT name of the Selector's ``notify`` inbox."""
SHUTDOWN_SERVICE = "selectorshutdown"
"""CAT name of the Selector's ``control`` inbox."""

_KINDS = ("reader", "writer", "exceptional")
_READER, _WRITER, _EXCEPTIONAL = 0, 1, 2


class _Registration:
    """What the Selector knows about one socket: up to three notification targets."""

    __slots__ = ("armed", "boxes", "fd", "links", "names", "selector", "sock", "targets", "watched")

    def __init__(self, selector: Selector, sock: Any, fd: int) -> None:
        self.selector = selector
        self.sock = sock
        self.fd = fd
        self.targets: list[tuple[Component, str] | None] = [None, None, None]
        self.names: list[str | None] = [None, None, None]
        self.boxes: list[Box | None] = [None, None, None]
        self.links: list[Linkage | None] = [None, None, None]
        self.armed = [False, False, False]
        self.watched = -1

    def mask(self) -> int:
        """Reactor events wanted now (errors are always reported)."""
        armed = self.armed
        return (READ if armed[_READER] else 0) | (WRITE if armed[_WRITER] else 0)

    def __call__(self, fd: int, events: int) -> None:
        """Reactor callback: send the socket to every armed target that is ready."""
        # an armed kind always has its box (the ignores below: mypy cannot see that pairing)
        armed, boxes, sock = self.armed, self.boxes, self.sock
        if events & ERROR:
            events |= READ | WRITE
            if armed[_EXCEPTIONAL]:
                box = boxes[_EXCEPTIONAL]
                box.target.put(sock, box.route)  # type: ignore[union-attr]
        if events & READ and armed[_READER]:
            box = boxes[_READER]
            box.target.put(sock, box.route)  # type: ignore[union-attr]
        if events & WRITE and armed[_WRITER]:
            box = boxes[_WRITER]
            box.target.put(sock, box.route)  # type: ignore[union-attr]

    def __repr__(self) -> str:
        kinds = "+".join(k for k, on in zip(_KINDS, self.armed, strict=True) if on) or "idle"
        return f"<registration fd={self.fd} {kinds}>"


class Selector(Component):
    """The readiness service: one per scheduler, found through the CAT.

    Get it with ``Selector.getSelectorService(tracker)``; activate the returned new selector when
    there is one. It is a daemon: ``Scheduler.run()`` ends when the user's components have ended,
    and the selector with them.
    """

    Inboxes = {
        "notify": "Requests: newReader/newWriter/newExceptional, remove*, newCSA, shutdownCSA",
        "control": "shutdown() or shutdownMicroprocess ends the service",
        "inbox": "Unused",
    }
    Outboxes = {
        "outbox": "Unused",
        "signal": "Unused",
    }
    Daemon = True
    IsService = True
    Category = "Internet"

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        self._by_sock: dict[Any, _Registration] = {}
        self._by_fd: dict[int, _Registration] = {}

    def __repr__(self) -> str:
        return f"<Selector#{self.cid} sockets={len(self._by_sock)} {self.state}>"

    # -- the service in the CAT ----------------------------------------------------------------

    @classmethod
    def getSelectorService(
        cls, tracker: CoordinatingAssistantTracker | None = None
    ) -> tuple[tuple[Component, str], Selector | None]:
        """Find the selector service, creating it when none is registered.

        Args:
            tracker: The CAT to look in (default: the current scheduler's).

        Returns:
            ``(service, new_selector)``: ``service`` is ``(selector, "notify")``;
            ``new_selector`` is the selector just created (the caller activates it) or None.
        """
        service, _shutdown, new = cls.getSelectorServices(tracker)
        return service, new

    @classmethod
    def getSelectorServices(
        cls, tracker: CoordinatingAssistantTracker | None = None
    ) -> tuple[tuple[Component, str], tuple[Component, str], Selector | None]:
        """Kamaelia's spelling: ``(selectorService, selectorShutdownService, new_or_None)``."""
        if tracker is None:
            from kamaelia_core.scheduler import Scheduler

            tracker = Scheduler.current_or_default().tracker
        try:
            return tracker.retrieveService(SERVICE), tracker.retrieveService(SHUTDOWN_SERVICE), None
        except KeyError:
            selector = cls()
            cls.setSelectorServices(selector, tracker)
            return (selector, "notify"), (selector, "control"), selector

    @staticmethod
    def setSelectorServices(
        selector: Selector, tracker: CoordinatingAssistantTracker | None = None
    ) -> None:
        """Register ``selector`` as the "selector" and "selectorshutdown" services."""
        if tracker is None:
            from kamaelia_core.scheduler import Scheduler

            tracker = Scheduler.current_or_default().tracker
        tracker.registerService(SERVICE, selector, "notify")
        tracker.registerService(SHUTDOWN_SERVICE, selector, "control")

    # -- what a host loop needs ----------------------------------------------------------------

    def fileno(self) -> int:
        """The descriptor that is readable while any socket is ready (the scheduler's epoll fd)."""
        return self._io_owner().fileno()

    def fds(self) -> list[int]:
        """The descriptors currently registered through this selector."""
        return list(self._by_fd)

    def poll_ready(self, timeout: float | None = 0) -> int:
        """Dispatch ready sockets (waiting up to ``timeout``); return how many were ready."""
        return self._io_owner().poll_io(timeout)

    def _io_owner(self) -> Any:
        if self.scheduler is None:
            raise RuntimeError(f"{self.name} is not activated: it has no reactor yet")
        return self.scheduler

    # -- the body ------------------------------------------------------------------------------

    def main(self) -> Generator[int, None, None]:
        """Serve registration requests until told to shut down."""
        notify = self.inboxes["notify"]
        control = self.inboxes["control"]
        try:
            while True:
                while notify.storage:
                    self._handle(notify.pop())
                if control.storage:
                    message = control.pop()
                    if isinstance(message, (ipc.shutdown, ipc.shutdownMicroprocess)):
                        return
                    log.debug("%s ignores control message %r", self.name, message)
                    continue
                self.pause()
                yield 1
        finally:
            self._close()

    def _handle(self, message: Any) -> None:
        if isinstance(message, ipc.newCSA):
            csa, sock = message.object if isinstance(message.object, tuple) else (message.csa, None)
            sock = message.sock if sock is None else sock
            self._add(sock, _READER, (csa, "ReadReady"), arm=True)
            self._add(sock, _WRITER, (csa, "SendReady"), arm=False)
        elif isinstance(message, ipc.shutdownCSA):
            payload = message.object
            if isinstance(payload, tuple):
                self._drop(payload[1])
            else:
                for reg in [r for r in self._by_sock.values() if payload in _owners(r)]:
                    self._drop(reg.sock)
        elif isinstance(message, (ipc.newReader, ipc.newWriter, ipc.newExceptional)):
            target, sock = message.object
            kind = _REQUESTS[type(message)]
            self._add(sock, kind, tuple(target), arm=True)
        elif isinstance(message, (ipc.removeReader, ipc.removeWriter, ipc.removeExceptional)):
            self._remove(message.object, _REQUESTS[type(message)])
        else:
            log.warning("%s: unknown request %r", self.name, message)

    def _add(self, sock: Any, kind: int, target: tuple[Any, str], arm: bool) -> None:
        reg = self._by_sock.get(sock)
        if reg is None:
            try:
                fd = sock.fileno()
            except OSError as exc:
                log.debug("%s: cannot watch %r: %s", self.name, sock, exc)
                return
            if fd < 0:
                log.debug("%s: ignoring request for closed socket %r", self.name, sock)
                return
            stale = self._by_fd.get(fd)
            if stale is not None:
                self._drop(stale.sock)
            reg = _Registration(self, sock, fd)
            self._by_sock[sock] = reg
            self._by_fd[fd] = reg
        if not arm:  # remembered for later (newCSA's SendReady): no outbox, no link yet
            if reg.targets[kind] is None:
                reg.targets[kind] = target
            self._watch(reg)
            return
        old_name = reg.names[kind]
        if reg.targets[kind] != target or old_name is None:
            if old_name is not None:
                delete_outbox(self, old_name, reg.links[kind])
            name = add_outbox(self, f"{_KINDS[kind]}Notify")
            reg.names[kind] = name
            reg.targets[kind] = target
            reg.links[kind] = self.link((self, name), target)
            reg.boxes[kind] = self.outboxes[name]
        reg.armed[kind] = True
        self._watch(reg)

    def _remove(self, sock: Any, kind: int) -> None:
        reg = self._by_sock.get(sock)
        if reg is None:
            return
        reg.armed[kind] = False
        if any(reg.armed):
            self._watch(reg)
        else:
            self._drop(sock)

    def _watch(self, reg: _Registration) -> None:
        mask = reg.mask()
        if mask == reg.watched:
            return
        io = self._running_on().io
        try:
            if reg.watched < 0:
                io.register(reg.fd, mask, reg)
            else:
                io.modify(reg.fd, mask)
        except FileExistsError:
            io.unregister(reg.fd)
            io.register(reg.fd, mask, reg)
        except OSError as exc:
            # The socket was closed under us (EBADF/ENOENT): its owner is about to report it.
            log.debug("%s: cannot watch fd %d: %s", self.name, reg.fd, exc)
            return
        reg.watched = mask

    def _drop(self, sock: Any) -> None:
        reg = self._by_sock.pop(sock, None)
        if reg is None:
            return
        if self._by_fd.get(reg.fd) is reg:
            del self._by_fd[reg.fd]
            if reg.watched >= 0 and self.scheduler is not None:
                if _closed(sock):  # it has left the epoll set already
                    self.scheduler.io.forget(reg.fd)
                else:
                    self.scheduler.io.unregister(reg.fd)
        for kind, name in enumerate(reg.names):
            if name is not None:
                delete_outbox(self, name, reg.links[kind])
        reg.boxes = [None, None, None]
        reg.armed = [False, False, False]

    def _close(self) -> None:
        for sock in list(self._by_sock):
            self._drop(sock)
        if self.scheduler is None:
            return
        tracker = self.scheduler.tracker
        for service in (SERVICE, SHUTDOWN_SERVICE):
            try:
                if tracker.retrieveService(service)[0] is self:
                    tracker.deRegisterService(service)
            except KeyError:
                pass


def _closed(sock: Any) -> bool:
    """Whether ``sock`` (a socket or file) has been closed."""
    try:
        return sock.fileno() < 0
    except (OSError, ValueError):
        return True


def _owners(reg: _Registration) -> list[Any]:
    return [t[0] for t in reg.targets if t is not None]


_REQUESTS: dict[type, int] = {
    ipc.newReader: _READER,
    ipc.newWriter: _WRITER,
    ipc.newExceptional: _EXCEPTIONAL,
    ipc.removeReader: _READER,
    ipc.removeWriter: _WRITER,
    ipc.removeExceptional: _EXCEPTIONAL,
}

__kamaelia_components__ = (Selector,)
