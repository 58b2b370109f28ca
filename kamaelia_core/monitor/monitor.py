"""The monitor: watches every scheduler of this process and serves one viewer through its link.

Sits between the watched schedulers (``watcher.SchedulerWatch``, one per scheduler, in their own
threads) and one viewer (``link.ViewerLink``, the socket and its thread). Schedulers hand it
condensed batches, which it encodes and queues on the link without ever waiting; the viewer's
commands are passed to the schedulers' threads. ``serve`` mode listens for a viewer (attach);
``connect`` mode dials a workbench that started this program as a child, and stops the program
if that workbench goes away.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from kamaelia_core.events import Event
from kamaelia_core.monitor import protocol as proto
from kamaelia_core.monitor.link import MonitorError, ViewerLink
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

__all__ = ["DEFAULT_BUDGET", "DEFAULT_BUFFER", "DEFAULT_TICK", "Monitor", "MonitorError"]


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
        self.stall_limit = stall_limit
        self.tap_capacity = tap_capacity
        self.when_viewer_lost = when_viewer_lost
        self.info: dict[str, Any] = dict(info or {})
        self.token_file: Path | None = None
        self.link = ViewerLink(
            token,
            buffer_limit=buffer_limit,
            sndbuf=sndbuf,
            greet=lambda: [proto.encode(self._program_frame())],
            on_attached=self._attached,
            on_gone=self._gone,
            on_line=self._on_line,
        )
        self.viewer_attached = self.link.viewer_attached
        """Set while a viewer is attached (after its handshake)."""
        self.no_viewer = self.link.no_viewer
        """Set while no viewer is attached, once the schedulers have been asked to drop taps."""
        self._lock = threading.Lock()
        self._watches: dict[int, SchedulerWatch] = {}
        self._next_sid = 1
        self._closed = False
        self._remove_hook: Callable[[], None] = lambda: None

    def __repr__(self) -> str:
        viewer = "viewer" if self.link.attached else "no viewer"
        return f"<Monitor {self.mode} {self.address} {viewer} schedulers={len(self._watches)}>"

    @property
    def address(self) -> proto.Address | None:
        """Where it listens (serve) or what it dialled (connect)."""
        return self.link.address

    @property
    def generation(self) -> int:
        """The viewer session; bumped whenever a viewer comes or goes."""
        return self.link.generation

    @property
    def lost_events(self) -> int:
        """Events in frames dropped because the viewer did not keep up (this session)."""
        return self.link.lost_events

    @property
    def lost_deliveries(self) -> int:
        """Deliveries those dropped frames stood for."""
        return self.link.lost_deliveries

    @property
    def refusals(self) -> int:
        """Connections refused so far (bad hello, token, version, busy)."""
        return self.link.refusals

    # -- starting ------------------------------------------------------------------------------

    def listen(self, address: proto.Address) -> None:
        """Serve mode: listen on ``address``.

        Raises:
            MonitorError: It cannot listen there.
        """
        self.link.listen(address)

    def dial(self, address: proto.Address) -> None:
        """Connect mode: connect to a listening workbench and pass its handshake.

        Raises:
            MonitorError: It cannot be reached, or it refused us.
        """
        self.link.dial(address)

    def start(self, schedulers: tuple[Scheduler, ...] = ()) -> None:
        """Begin: watch ``schedulers`` and every scheduler made from now on; start the thread."""
        self._remove_hook = add_scheduler_hook(self._on_scheduler)
        for sched in schedulers:
            self._on_scheduler(sched)
        self.link.start()

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
        generation = self.link.generation if self.link.attached else 0
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

    def _attached(self, generation: int) -> None:
        for watch in self.watches():
            watch.ask(partial(watch.attach, generation))

    # -- frames from the schedulers (any thread) -------------------------------------------

    def pressured(self) -> bool:
        """Whether the viewer lags (half the buffer is queued): send counts, not traffic."""
        return self.link.pressured()

    def post_events(self, sid: int, events: list[Event], dropped: int, generation: int) -> None:
        """Encode ``events`` of scheduler ``sid`` and queue them, or drop and count them."""
        step = proto.EVENTS_PER_FRAME
        link = self.link
        for start in range(0, len(events), step):
            chunk = events[start : start + step]
            frame = {
                "type": "events",
                "sid": sid,
                "events": chunk,
                "dropped": dropped,
                "lost": link.lost_events,
                "lost_deliveries": link.lost_deliveries,
            }
            link.queue_events(proto.encode(frame), len(chunk), deliveries_in(chunk), generation)

    def post_control(self, frame: dict[str, Any], generation: int | None) -> None:
        """Queue a small frame (state, reply, stall, exit) for the current viewer."""
        self.link.queue_control(proto.encode(frame), generation)

    # -- the viewer's side (the link's thread) ---------------------------------------------

    def _on_line(self, line: bytes) -> None:
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
            self._refuse_command(cid, f"unknown command {name!r} (known: {known})")
            return
        targets = [w for w in self.watches() if args.get("sid") in (None, w.sid)]
        if not targets:
            self._refuse_command(cid, "no scheduler to " + name)
            return
        for watch in targets:
            watch.ask(partial(watch.command, name, args, cid))

    def _refuse_command(self, cid: int, error: str) -> None:
        self.post_control({"type": "reply", "id": cid, "ok": False, "error": error}, None)

    def _error(self, message: str) -> None:
        log.warning("the viewer sent a frame the monitor cannot use: %s", message)
        self.post_control({"type": "error", "message": message}, None)

    def _gone(self, why: str) -> None:
        for watch in self.watches():
            watch.ask(watch.detach)
        if self.mode == "connect":
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
            self.link.call_at(time.monotonic() + ORPHAN_GRACE, _end_orphan)

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
        self.link.wait_drained(timeout)
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
        self.link.close()
        if self.token_file is not None:
            with contextlib.suppress(OSError):
                self.token_file.unlink()


def _end_orphan() -> None:
    log.warning("the program did not stop after its workbench went away; ending it")
    os.kill(os.getpid(), signal.SIGTERM)
