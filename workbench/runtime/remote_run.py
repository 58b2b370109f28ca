"""A program in another process, watched as a live run: its events, its controls, its output.

Sits where a Session would, for a program the workbench started in a child process
(``ChildProgram``) or one it attached to (``RemoteSource.attach``). It has the ``stream`` and the
``model`` every live view watches (fed by the events that come over the socket), the run controls
(pause, resume, step, stop, sent to the program as commands), the program's output lines and how
it ended, and a local scheduler of its own for the traffic generator (the clients run here, the
server there). ``stop`` ends a child (its monitor is asked, then it is terminated, then killed);
for an attached program it only detaches: the program keeps running.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from kamaelia_core.scheduler import Scheduler
from workbench.model.observers import Observers
from workbench.runtime.child import ChildExit, ChildProgram, OutputLine
from workbench.runtime.events import FRAME_EVENTS, EventStream
from workbench.runtime.live_model import LiveModel
from workbench.runtime.remote import RemoteError, RemoteSource, Stall
from workbench.runtime.run_state import RunState

log = logging.getLogger(__name__)

STATE_OF_SOURCE = {
    "listening": "running",
    "connecting": "running",
    "running": "running",
    "paused": "paused",
    "ended": "finished",
    "exited": "finished",
    "refused": "stopped",
    "closed": "stopped",
}


class RemoteRun(RunState):
    """A watched program (in a child process, or attached to).

    Build one with ``launch`` or ``attach``.

    Args:
        source: Where its events come from.
        title: What it is, for people ("my_server.py").
        child: The child process, when the workbench started it.
        templates: For a graph run in a child: template node -> its ServerCore node.
    """

    def __init__(
        self,
        source: RemoteSource,
        title: str,
        child: ChildProgram | None = None,
        templates: dict[str, str] | None = None,
    ) -> None:
        self.source = source
        self.child = child
        self.title_text = title
        self.stream = EventStream(source)
        self.model = LiveModel(templates)
        self.stream.subscribe(self.model.apply)
        super().__init__()  # the state: idle, running, paused, stopped, finished
        self.scheduler = Scheduler()
        """A local scheduler, for the traffic generator's clients (the program is elsewhere)."""
        self.output: list[OutputLine] = []
        """The output lines taken since the host last read them (``take_output``)."""
        self._notices: Observers[[str, Any]] = Observers("remote run watcher")
        self._unsubscribe = source.subscribe(self._on_notice)

    @classmethod
    def launch(
        cls,
        program: str,
        args: list[str] | None = None,
        *,
        graph: str | None = None,
        trust: bool = False,
        templates: dict[str, str] | None = None,
        **options: Any,
    ) -> RemoteRun:
        """Start ``program`` (a Python file) with ``args``, or ``graph`` (a .kgraph.json), in a
        child process with its monitor on, and watch it.

        Raises:
            OSError: The process could not be started.
        """
        if graph is not None:
            child = ChildProgram.for_graph(graph, trust=trust, **options)
        else:
            child = ChildProgram(program, args or [], **options)
        child.start()
        assert child.source is not None
        name = graph if graph is not None else program
        return cls(child.source, str(name).rsplit("/", 1)[-1], child, templates)

    @classmethod
    def attach(cls, address: str, token: str, timeout: float = 5.0) -> RemoteRun:
        """Watch the program serving its monitor at ``address``.

        Raises:
            RemoteError: Not a loopback or Unix address, or nobody listens there.
        """
        source = RemoteSource.attach(address, token, timeout=timeout)
        return cls(source, f"attached to {address}")

    def __repr__(self) -> str:
        return f"<RemoteRun {self.title_text} {self.state} source={self.source.state}>"

    # -- what it is -------------------------------------------------------------------------
    @property
    def title(self) -> str:
        """What is being watched, for people."""
        return self.title_text

    @property
    def pid(self) -> int | None:
        """The program's process id, when known."""
        if self.child is not None:
            return self.child.pid
        program = self.source.program or {}
        pid = program.get("pid")
        return pid if isinstance(pid, int) else None

    @property
    def finished(self) -> bool:
        """The program has ended (or, attached, the connection is gone)."""
        return self.state in ("finished", "stopped")

    @property
    def exit_text(self) -> str:
        """How the program ended, for a log line ("" while it runs)."""
        if self.child is not None and self.child.exit is not None:
            return self.child.exit.describe()
        if self.source.exit is not None:
            return self.source.exit.describe()
        if self.source.error:
            return self.source.error
        return ""

    @property
    def stalls(self) -> list[Stall]:
        """Reports of components holding the program's scheduler."""
        return list(self.source.stalls)

    # -- the host loop ----------------------------------------------------------------------
    def fileno(self) -> int:
        """The descriptor a host loop watches (readable when anything arrived)."""
        return self.child.fileno() if self.child is not None else self.source.fileno()

    def on_readable(self) -> None:
        """Take what arrived (events, output, the process's end) without blocking."""
        if self.child is not None:
            self.child.on_readable()
            self.output.extend(self.child.drain_output())
        else:
            self.source.on_readable()

    def take_output(self) -> list[OutputLine]:
        """The program's output lines since the last call."""
        lines, self.output = self.output, []
        return lines

    def subscribe(self, callback: Callable[[str, Any], None]) -> Callable[[], None]:
        """Call ``callback(kind, data)`` on the program's notices: "stall", "exit", "error"..."""
        return self._notices.subscribe(callback)

    def _on_notice(self, kind: str, data: Any) -> None:
        self._update_state()
        self._notices.notify(kind, data)

    def _update_state(self) -> None:
        if self.state in ("idle", "stopped"):
            return
        state = STATE_OF_SOURCE.get(self.source.state, self.state)
        if self.child is not None and self.child.exit is not None:
            state = "finished"
        if state != self.state:
            self._set_state(state)

    # -- run controls -----------------------------------------------------------------------
    def start(self) -> None:
        """Start following (the program runs already)."""
        self._set_state("running")
        self._update_state()

    def pump(self, max_events: int | None = FRAME_EVENTS) -> int:
        """Hand the watchers the next batch (at most ``max_events``); returns its size."""
        if self.child is not None:
            self.output.extend(self.child.drain_output())
            self.child.poll(0)  # reaps the process, carries on a stop's escalation
        count = len(self.stream.pump(max_events))
        self._update_state()
        return count

    def pending(self) -> int:
        """Events received and not yet pumped."""
        return len(self.source)

    def _send(self, name: str) -> bool:
        try:
            getattr(self.source, name)()
        except RemoteError as exc:
            log.info("cannot %s the program: %s", name, exc)
            return False
        return True

    def pause(self) -> None:
        """Ask the program to hold its schedulers."""
        if self.state == "running" and self._send("pause"):
            self._set_state("paused")

    def resume(self) -> None:
        """Ask the program to run again."""
        if self.state == "paused" and self._send("resume"):
            self._set_state("running")

    def step(self) -> int:
        """Ask the program to run one cycle (each runnable component once); 1 when asked."""
        return 1 if self._send("step") else 0

    def stop(self) -> None:
        """A child: end it (stop command, then terminate, then kill). Attached: detach."""
        if self.state == "stopped":
            return
        if self.child is not None:
            exit_info: ChildExit | None = self.child.stop()
            self.output.extend(self.child.drain_output())
            if exit_info is not None:
                log.info("%s %s", self.title_text, exit_info.describe())
        while self.stream.pump(FRAME_EVENTS):
            pass
        self._unsubscribe()
        if self.child is not None:
            self.child.close()
        else:
            self.source.close()
        self.scheduler.close()
        self._set_state("stopped")
