"""Watches a scheduler from a thread of its own and stops a slice that holds it too long.

A component's slice runs until it yields; one that loops or blocks without yielding holds the
whole scheduler (and, when the scheduler is hosted by a GUI's event loop, the whole window). The
watchdog thread looks at the scheduler's ``SliceWatch`` a few times per ``limit``; when the same
slice has been running for ``limit`` seconds it reports it (``on_overrun`` and a log warning,
with the component's name and where it is looping) and, when ``interrupt`` is set, raises
``SliceOverrun`` inside that slice. The component then crashes like any component that raises:
its ``crashed`` event carries the traceback of the line it was stuck on, its children are
stopped, and the rest of the system keeps running.

How the interrupt gets in: ``PyThreadState_SetAsyncExc`` (CPython) raises the exception in the
scheduler's thread at its next bytecode, which ends a loop of Python code. A slice blocked in a
system call (``time.sleep``, a blocking ``recv``) runs no bytecode; when the scheduler runs in
the main thread, the watchdog also sends that thread ``SIGUSR1`` (with a handler it installs
only if the program has none), which ends the call so the exception is raised. A slice blocked
in C code that ignores signals cannot be interrupted; it is still reported.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from kamaelia_core.scheduler import Scheduler
from kamaelia_core.scheduler_control import SliceOverrun, SliceWatch

log = logging.getLogger(__name__)

DEFAULT_LIMIT = 1.0
"""Seconds a slice may hold its scheduler before the watchdog acts."""


@dataclass(frozen=True)
class Overrun:
    """A slice that held its scheduler too long.

    Attributes:
        cid: The component's id.
        name: The component's name ("Looper#5").
        seconds: How long the slice had been running when this was reported.
        where: The innermost frames of the scheduler's thread at that moment.
        interrupted: Whether the watchdog raised ``SliceOverrun`` in it.
    """

    cid: int
    name: str
    seconds: float
    where: str
    interrupted: bool


class Watchdog:
    """A thread that reports (and by default stops) slices holding ``scheduler`` too long.

    Args:
        scheduler: The scheduler to watch. ``start()`` must be called from its thread (the
            thread that runs its ``step``).
        limit: Seconds a slice may run.
        interrupt: Raise ``SliceOverrun`` in an overrunning slice (else only report it).
        on_overrun: Called (in the watchdog's thread) with an ``Overrun`` for each one.
    """

    def __init__(
        self,
        scheduler: Scheduler,
        limit: float = DEFAULT_LIMIT,
        interrupt: bool = True,
        on_overrun: Callable[[Overrun], None] | None = None,
    ) -> None:
        if limit <= 0:
            raise ValueError(f"a watchdog limit must be positive, not {limit}")
        self.scheduler = scheduler
        self.limit = limit
        self.interrupt = interrupt
        self.on_overrun = on_overrun
        self.overruns: list[Overrun] = []
        """Every overrun seen so far (the newest 100)."""
        self._watch = SliceWatch()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._target_ident = 0
        self._previous_handler: signal.Handlers | None = None
        """SIGUSR1's handler before ours: the default, or None (one set outside Python)."""
        self._installed_handler = False

    def __repr__(self) -> str:
        state = "watching" if self._thread is not None else "idle"
        return f"<Watchdog {state} limit={self.limit}s overruns={len(self.overruns)}>"

    def start(self) -> Watchdog:
        """Begin watching (from the scheduler's thread); returns self."""
        if self._thread is not None:
            return self
        self.scheduler.watch = self._watch
        self._target_ident = threading.get_ident()
        if self.interrupt and threading.current_thread() is threading.main_thread():
            self._install_signal_handler()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="kamaelia-watchdog", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop watching and wait for the thread to end."""
        thread, self._thread = self._thread, None
        if thread is None:
            return
        self._stop.set()
        thread.join(timeout=5)
        if self.scheduler.watch is self._watch:
            self.scheduler.watch = None
        if self._installed_handler:
            previous = self._previous_handler
            with contextlib.suppress(ValueError):  # not the main thread: cannot restore
                # a handler set outside Python cannot be put back (nor None passed): the default
                signal.signal(signal.SIGUSR1, signal.SIG_DFL if previous is None else previous)
            self._installed_handler = False

    def __enter__(self) -> Watchdog:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- the thread ------------------------------------------------------------------------

    def _run(self) -> None:
        watch, sched = self._watch, self.scheduler
        period = min(0.25, self.limit / 4)
        seen_serial, since, reported = -1, time.monotonic(), False
        while not self._stop.wait(period):
            serial = watch.serial
            now = time.monotonic()
            if serial != seen_serial or not sched._stepping:
                seen_serial, since, reported = serial, now, False
                continue
            held = now - since
            if held < self.limit or reported:
                continue
            comp = watch.comp
            if comp is None:
                continue
            reported = True
            self._overrun(comp, held, serial)

    def _overrun(self, comp: object, held: float, serial: int) -> None:
        where = self._where()
        name = getattr(comp, "name", "?")
        interrupted = False
        if self.interrupt and self._watch.serial == serial and self.scheduler._stepping:
            message = (
                f"{name} held the scheduler for {held:.1f} s without yielding; stopped by the "
                f"watchdog (limit {self.limit:g} s). Yield more often, or make it a "
                f"ThreadedComponent if it must block."
            )
            interrupted = self._raise_in_target(message)
        report = Overrun(getattr(comp, "cid", 0), name, held, where, interrupted)
        self.overruns.append(report)
        del self.overruns[:-100]
        action = "stopping it" if interrupted else "it cannot be interrupted"
        log.warning(
            "%s has held the scheduler for %.1f s without yielding; %s\n%s",
            name,
            held,
            action,
            where,
        )
        if self.on_overrun is not None:
            try:
                self.on_overrun(report)
            except Exception:
                log.exception("the watchdog's overrun callback failed")

    def _where(self) -> str:
        frame = sys._current_frames().get(self._target_ident)
        if frame is None:
            return ""
        return "".join(traceback.format_stack(frame, limit=4))

    def _raise_in_target(self, message: str) -> bool:
        if not hasattr(ctypes, "pythonapi"):
            return False
        # The C call takes a class and raises it with no arguments: a subclass carries the text.
        overrun = type("SliceOverrun", (SliceOverrun,), {"__init__": _with_message(message)})
        done = ctypes.pythonapi.PyThreadState_SetAsyncExc(
            ctypes.c_ulong(self._target_ident), ctypes.py_object(overrun)
        )
        if done != 1:
            if done > 1:  # never expected: undo rather than hit several threads
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self._target_ident), None)
            return False
        if self._installed_handler:
            with contextlib.suppress(OSError):  # ends a blocking system call in the main thread
                signal.pthread_kill(self._target_ident, signal.SIGUSR1)
        return True

    def _install_signal_handler(self) -> None:
        if not hasattr(signal, "SIGUSR1"):
            return
        current = signal.getsignal(signal.SIGUSR1)
        if current is not signal.SIG_DFL and current is not None:
            return  # the program uses SIGUSR1 itself: interrupt Python loops only
        self._previous_handler = current
        signal.signal(signal.SIGUSR1, _wake_only)
        self._installed_handler = True


def _with_message(message: str) -> Callable[..., None]:
    def __init__(self: BaseException, *args: object) -> None:  # noqa: N807
        BaseException.__init__(self, *(args or (message,)))

    return __init__


def _wake_only(signum: int, frame: object) -> None:
    """SIGUSR1 handler: does nothing; running it lets the pending SliceOverrun be raised."""
