"""Runs a user's program (or a graph) in a child process with the monitor on, and watches it.

The workbench side of "open a program": a listening ``RemoteSource`` with a fresh token, and
``python -m kamaelia_core.monitor --connect ADDR PROGRAM.py args`` started with that token in its
environment, so the program dials back and every event of every scheduler arrives over the
socket. The child's stdout and stderr are captured (non-blocking, decoded, bounded), its exit is
reported (status, signal, the exception that ended it), and ``stop()`` asks it to stop, then
terminates it after a grace period, then kills it. Nothing is left running: ``close()``, the
context manager and an exit hook all end it.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import selectors
import signal
import subprocess
import sys
import time
import weakref
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import IO, cast

from kamaelia_core.monitor import protocol as proto
from workbench.runtime.child_env import with_kamaelia_core
from workbench.runtime.remote import RemoteError, RemoteSource

log = logging.getLogger(__name__)

GRACE = 2.0
"""Seconds between the stop command and SIGTERM, and between SIGTERM and SIGKILL."""
MAX_LINES = 10_000
"""Output lines held undrained before the oldest are dropped (and counted)."""
MAX_LINE = 64 * 1024
"""Longest output line kept whole; longer ones are cut into pieces of this size."""
_live: weakref.WeakSet[ChildProgram] = weakref.WeakSet()


@dataclass(frozen=True)
class OutputLine:
    """One line the child wrote: ``stream`` is "stdout" or "stderr"; ``text`` has no newline."""

    stream: str
    text: str


@dataclass(frozen=True)
class ChildExit:
    """How the child process ended.

    Attributes:
        code: Its exit status, or None when a signal ended it.
        signal: The name of the signal that ended it ("SIGKILL"), or None.
        exception: The traceback of the exception that ended the program (its ``exit`` frame),
            or None.
    """

    code: int | None
    signal: str | None
    exception: str | None

    def describe(self) -> str:
        """One line for a log: "exited with status 1: ValueError: bad port"."""
        text = f"killed by {self.signal}" if self.signal else f"exited with status {self.code}"
        if self.exception:
            text += ": " + self.exception.rstrip().splitlines()[-1]
        return text


class ChildProgram:
    """A program running in a child process, watched through a ``RemoteSource``.

    Args:
        program: The Python file to run (or None with ``module``).
        args: Its command-line arguments.
        module: Run this module instead (``python -m MODULE``).
        python: The interpreter.
        cwd: Its working directory (default: ours).
        env: Extra environment variables.
        budget: The monitor's per-tick budget of plain deliveries (None: its default).
        grace: Seconds ``stop()`` waits before terminating, then before killing.
        max_lines: Output lines held undrained.
    """

    def __init__(
        self,
        program: str | os.PathLike[str] | None = None,
        args: Sequence[str] = (),
        *,
        module: str | None = None,
        python: str = sys.executable,
        cwd: str | os.PathLike[str] | None = None,
        env: dict[str, str] | None = None,
        budget: int | None = None,
        grace: float = GRACE,
        max_lines: int = MAX_LINES,
    ) -> None:
        if (program is None) == (module is None):
            raise ValueError("give a program file or a module to run, not both or neither")
        self.program = None if program is None else str(program)
        self.module = module
        self.args = list(args)
        self.python = python
        self.cwd = None if cwd is None else str(cwd)
        self.env = dict(env or {})
        self.budget = budget
        self.grace = grace
        self.source: RemoteSource | None = None
        self.exit: ChildExit | None = None
        self.dropped_lines = 0
        self._proc: subprocess.Popen[bytes] | None = None
        self._sel = selectors.DefaultSelector()
        self._lines: deque[OutputLine] = deque()
        self._max_lines = max_lines
        self._partial = {"stdout": bytearray(), "stderr": bytearray()}
        self._pidfd = -1
        self._stop_stage = 0
        self._stop_deadline = 0.0
        self._exit_listeners: list[Callable[[ChildExit], None]] = []
        self._closed = False

    @classmethod
    def for_graph(
        cls, graph: str | os.PathLike[str], *, trust: bool = False, **options: object
    ) -> ChildProgram:
        """A child that runs a ``.kgraph.json`` (``workbench.runtime.child_main``)."""
        args = [str(graph), *(["--trust"] if trust else [])]
        return cls(module="workbench.runtime.child_main", args=args, **options)  # type: ignore[arg-type]

    def __repr__(self) -> str:
        what = self.program or f"-m {self.module}"
        state = "running" if self.running else (self.exit.describe() if self.exit else "idle")
        return f"<ChildProgram {what} pid={self.pid} {state}>"

    def __enter__(self) -> ChildProgram:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def pid(self) -> int | None:
        """The child's process id once started."""
        return None if self._proc is None else self._proc.pid

    @property
    def running(self) -> bool:
        """Whether the child process is alive."""
        return self._proc is not None and self.exit is None

    def command_line(self, address: str) -> list[str]:
        """The child's command line, connecting back to ``address``."""
        cmd = [self.python, "-m", "kamaelia_core.monitor", "--connect", address]
        if self.budget is not None:
            cmd += ["--budget", str(self.budget)]
        cmd += ["-m", self.module] if self.module else [self.program or ""]
        return cmd + self.args

    def start(self) -> ChildProgram:
        """Listen, start the child, and return self.

        Raises:
            RemoteError: The listening socket cannot be made.
            OSError: The interpreter cannot be started.
        """
        if self._proc is not None:
            return self
        self.source = RemoteSource.listen()
        env = {k: v for k, v in os.environ.items() if not k.startswith("KAMAELIA_MONITOR")}
        env.update(self.env)
        env[proto.TOKEN_ENV] = self.source.token
        env["PYTHONUNBUFFERED"] = "1"  # its prints reach the log as they happen
        with_kamaelia_core(env)
        try:
            self._proc = subprocess.Popen(
                self.command_line(self.source.address),
                cwd=self.cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,  # a terminal's Ctrl-C reaches the workbench, not it
            )
        except OSError:
            self.source.close()
            raise
        _live.add(self)
        for name, pipe in (("stdout", self._proc.stdout), ("stderr", self._proc.stderr)):
            assert pipe is not None
            os.set_blocking(pipe.fileno(), False)
            self._sel.register(pipe, selectors.EVENT_READ, name)
        self._sel.register(self.source.fileno(), selectors.EVENT_READ, "source")
        if hasattr(os, "pidfd_open"):
            with contextlib.suppress(OSError):
                self._pidfd = os.pidfd_open(self._proc.pid)
                self._sel.register(self._pidfd, selectors.EVENT_READ, "exit")
        return self

    # -- the host loop's side --------------------------------------------------------------

    def fileno(self) -> int:
        """One descriptor, readable when output, events or the exit wait."""
        return self._sel.fileno()

    def on_readable(self) -> None:
        """Read what is ready (output, frames, the exit); never blocks."""
        self.poll(0)

    def poll(self, timeout: float | None = 0) -> ChildExit | None:
        """Wait up to ``timeout`` for something to do, do it, and return the exit if ended."""
        for key, _mask in self._sel.select(timeout):
            what = key.data
            if what == "source":
                assert self.source is not None
                self.source.on_readable()
            elif what in ("stdout", "stderr"):
                self._read_output(cast(IO[bytes], key.fileobj), what)  # registered as a pipe
        self._check_exit()
        self._escalate()
        return self.exit

    def wait_until(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """Poll until ``predicate()`` holds or ``timeout`` seconds passed; return it."""
        deadline = time.monotonic() + timeout
        while not predicate():
            left = deadline - time.monotonic()
            if left <= 0:
                return predicate()
            self.poll(min(left, 0.1))
        return True

    def drain_output(self, max_lines: int | None = None) -> list[OutputLine]:
        """Remove and return the oldest output lines not yet taken."""
        lines = self._lines
        count = len(lines) if max_lines is None else min(max_lines, len(lines))
        return [lines.popleft() for _ in range(count)]

    def on_exit(self, callback: Callable[[ChildExit], None]) -> None:
        """Call ``callback(exit)`` once the child has ended."""
        self._exit_listeners.append(callback)

    def _read_output(self, pipe: IO[bytes], stream: str) -> None:
        fd = pipe.fileno()
        for _ in range(16):  # bounded per call: a chatty child must not hold the host loop
            try:
                data = os.read(fd, 65536)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                log.warning("cannot read the child's %s: %s", stream, exc)
                data = b""
            if not data:
                self._flush_partial(stream)
                with contextlib.suppress(KeyError, ValueError):
                    self._sel.unregister(pipe)
                return
            self._take(stream, data)

    def _take(self, stream: str, data: bytes) -> None:
        partial = self._partial[stream]
        partial += data
        *whole, rest = partial.split(b"\n")
        for line in whole:
            self._add_line(stream, line)
        while len(rest) > MAX_LINE:
            self._add_line(stream, rest[:MAX_LINE])
            rest = rest[MAX_LINE:]
        self._partial[stream] = bytearray(rest)

    def _flush_partial(self, stream: str) -> None:
        if self._partial[stream]:
            self._add_line(stream, bytes(self._partial[stream]))
            self._partial[stream] = bytearray()

    def _add_line(self, stream: str, raw: bytes | bytearray) -> None:
        self._lines.append(OutputLine(stream, raw.decode("utf-8", "replace").rstrip("\r")))
        if len(self._lines) > self._max_lines:
            self._lines.popleft()
            self.dropped_lines += 1

    def _check_exit(self) -> None:
        if self._proc is None or self.exit is not None:
            return
        code = self._proc.poll()
        if code is None:
            return
        for stream, pipe in (("stdout", self._proc.stdout), ("stderr", self._proc.stderr)):
            if pipe is not None and not pipe.closed:
                self._read_output(pipe, stream)  # what it wrote last
        source = self.source
        if source is not None:
            source.on_readable()  # its exit frame, when it managed to send one
        exception = source.exit.exception if source is not None and source.exit else None
        if code < 0:
            self.exit = ChildExit(None, _signal_name(-code), exception)
        else:
            self.exit = ChildExit(code, None, exception)
        self._unwatch_exit()
        for callback in self._exit_listeners:
            try:
                callback(self.exit)
            except Exception:  # a listener's bug must not hide the exit from the others
                log.exception("child exit listener %r failed", callback)

    def _unwatch_exit(self) -> None:
        if self._pidfd >= 0:
            with contextlib.suppress(KeyError, ValueError):
                self._sel.unregister(self._pidfd)
            os.close(self._pidfd)
            self._pidfd = -1

    # -- stopping --------------------------------------------------------------------------

    def stop(self, grace: float | None = None, wait: bool = True) -> ChildExit | None:
        """End the child: the stop command, SIGTERM after ``grace``, SIGKILL after another.

        With ``wait`` False it returns at once and ``poll()`` carries the steps on.
        """
        if not self.running:
            return self.exit
        self.grace = self.grace if grace is None else grace
        if self._stop_stage == 0:
            self._stop_stage = 1
            self._stop_deadline = time.monotonic() + self.grace
            source = self.source
            if source is not None and source.connected and source.link.connected:
                with contextlib.suppress(RemoteError):
                    source.stop()
            else:
                self._escalate(force=True)
        if wait:
            self.wait_until(lambda: self.exit is not None, 3 * self.grace + 5)
        return self.exit

    def _escalate(self, force: bool = False) -> None:
        proc = self._proc
        if self._stop_stage == 0 or proc is None or self.exit is not None:
            return
        if not force and time.monotonic() < self._stop_deadline:
            return
        self._stop_deadline = time.monotonic() + self.grace
        with contextlib.suppress(ProcessLookupError):
            if self._stop_stage == 1:
                self._stop_stage = 2
                proc.terminate()
            elif self._stop_stage == 2:
                self._stop_stage = 3
                log.warning("%r did not end after SIGTERM; killing it", self)
                proc.kill()

    def close(self) -> None:
        """Stop the child if it runs, and release every descriptor (again: nothing)."""
        if self._closed:
            return
        self._closed = True
        if self._proc is not None and self.exit is None:
            self.stop(wait=True)
            if self.exit is None:  # not even SIGKILL was seen in time: reap it now
                self._proc.kill()
                self._proc.wait()
                self._check_exit()
        if self._proc is not None:
            for pipe in (self._proc.stdout, self._proc.stderr):
                if pipe is not None:
                    pipe.close()
            self._proc.wait()
        self._unwatch_exit()
        if self.source is not None:
            self.source.close()
        self._sel.close()
        _live.discard(self)


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


@atexit.register
def _end_children() -> None:
    """Nothing outlives the workbench: end every child still running."""
    for child in list(_live):
        with contextlib.suppress(OSError, ValueError):
            child.close()
