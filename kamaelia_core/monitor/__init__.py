"""Lets a workbench watch this program: its schedulers' events out, commands in, over a socket.

The program side of docs/PROTOCOL.md. One call (or an environment variable, no code change):

* ``serve()`` listens on loopback (or a Unix socket) for a viewer to attach, writes a fresh
  token to a file only the user can read, and prints where to attach::

      kamaelia-workbench --attach 127.0.0.1:PORT --token-file FILE

  ``KAMAELIA_MONITOR=127.0.0.1:0`` does the same when ``kamaelia_core`` is imported.
* ``connect(address, token)`` dials a workbench that started this program as a child and
  listens for it (``KAMAELIA_MONITOR_CONNECT=host:port`` + ``KAMAELIA_MONITOR_TOKEN``).

Every scheduler the program makes from then on is watched (``python -m kamaelia_core.monitor
PROGRAM.py`` turns it on before the program runs). With no viewer attached the cost is nil: a
scheduler gets a tap only while a viewer is there.
"""

from __future__ import annotations

import atexit
import logging
import os
import sys
from typing import Any

from kamaelia_core.monitor import protocol
from kamaelia_core.monitor.monitor import (
    DEFAULT_BUDGET,
    DEFAULT_TICK,
    Monitor,
    MonitorError,
)
from kamaelia_core.monitor.protocol import ProtocolError
from kamaelia_core.scheduler import Scheduler

log = logging.getLogger("kamaelia_core.monitor")

_current: list[Monitor] = []
"""The process's monitor, if on (one per process: it watches every scheduler)."""


def current() -> Monitor | None:
    """The monitor of this process, if one is on."""
    if _current and _current[0]._closed:
        _current.clear()
    return _current[0] if _current else None


def _claim(monitor: Monitor) -> None:
    running = current()
    if running is not None:
        monitor.close()
        raise MonitorError(f"a monitor is already on here ({running.mode} {running.address})")
    _current.append(monitor)


def _settings(options: dict[str, Any]) -> dict[str, Any]:
    budget = options.pop("budget", None)
    if budget is None:
        budget = DEFAULT_BUDGET
    return {"budget": budget, **options}


def serve(
    address: str = "127.0.0.1:0",
    token_file: str | os.PathLike[str] | None = None,
    wait: float | None = None,
    *,
    schedulers: tuple[Scheduler, ...] = (),
    announce: bool = True,
    **options: Any,
) -> Monitor:
    """Listen for a viewer to attach to this program.

    Args:
        address: ``HOST:PORT`` on loopback (port 0: any free one) or ``unix:/path``.
        token_file: Where to write the token (mode 0600); default: a new file under
            ``$XDG_RUNTIME_DIR/kamaelia-monitor`` (or a per-user cache directory).
        wait: Seconds to wait for a viewer before returning (None: do not wait).
        schedulers: Schedulers made before this call to watch too (later ones always are).
        announce: Print where to attach on stderr.
        **options: ``budget``, ``tick``, ``buffer_limit``, ``stall_limit``, ``tap_capacity``
            (see ``Monitor``).

    Returns:
        The monitor; ``close()`` it to stop (it also ends at exit).

    Raises:
        ProtocolError: The address is not loopback nor a Unix socket.
        MonitorError: It cannot listen there, or a monitor is already on.
    """
    where = protocol.parse_address(address)
    monitor = Monitor("serve", protocol.new_token(), **_settings(options))
    _claim(monitor)
    try:
        monitor.listen(where)
        monitor.token_file = protocol.write_token_file(monitor.token, token_file)
        monitor.start(_existing(schedulers))
    except BaseException:
        _current.clear()
        monitor.close()
        raise
    if announce:
        sys.stderr.write(
            f"kamaelia monitor: listening on {monitor.address}; attach with:\n"
            f"  kamaelia-workbench --attach {monitor.address} --token-file {monitor.token_file}\n"
        )
        sys.stderr.flush()
    if wait is not None:
        monitor.viewer_attached.wait(wait)
    return monitor


def connect(
    address: str,
    token: str,
    *,
    schedulers: tuple[Scheduler, ...] = (),
    info: dict[str, Any] | None = None,
    when_viewer_lost: str = "exit",
    **options: Any,
) -> Monitor:
    """Connect to a workbench that listens for this program (it started us as a child).

    Every scheduler is tapped from its creation on, so the workbench misses nothing.

    Args:
        address: The workbench's ``HOST:PORT`` (loopback) or ``unix:/path``.
        token: The token the workbench gave us.
        schedulers: Schedulers made before this call to watch too.
        info: Facts for the ``program`` frame (the runner passes the program's path).
        when_viewer_lost: "exit" (default: stop, then end the process after a grace period),
            "stop" (stop the schedulers) or "continue".
        **options: As for ``serve``.

    Raises:
        ProtocolError: The address is not loopback nor a Unix socket.
        MonitorError: The workbench cannot be reached or refused us.
    """
    where = protocol.parse_address(address)
    monitor = Monitor(
        "connect", token, info=info, when_viewer_lost=when_viewer_lost, **_settings(options)
    )
    _claim(monitor)
    try:
        monitor.dial(where)
        monitor.start(_existing(schedulers))
    except BaseException:
        _current.clear()
        monitor.close()
        raise
    return monitor


def _existing(schedulers: tuple[Scheduler, ...]) -> tuple[Scheduler, ...]:
    """``schedulers`` plus this thread's default one when it exists already."""
    from kamaelia_core import scheduler as _sched

    found = list(schedulers)
    default = getattr(_sched._local, "default", None)
    if default is not None and default not in found and not default.io.closed:
        found.append(default)
    return tuple(found)


_exit_report: dict[str, Any] = {}
"""What the runner knows of how the program ended (the ``exit`` frame sent at exit)."""


@atexit.register
def _finish_at_exit() -> None:
    """The interpreter ends (after its other threads): the last events and the exit frame."""
    monitor = current()
    if monitor is not None:
        monitor.finish(**_exit_report)


def note_exit(
    status: int | None, signal_name: str | None = None, exception: str | None = None
) -> None:
    """Record how the program ended, for the ``exit`` frame sent at interpreter exit."""
    _exit_report.update(status=status, signal_name=signal_name, exception=exception)


def start_from_environment() -> Monitor | None:
    """Turn the monitor on from ``KAMAELIA_MONITOR`` / ``KAMAELIA_MONITOR_CONNECT``.

    Called when ``kamaelia_core`` is imported with either set. A bad setting is logged (the
    program runs unwatched). The variables are removed from the environment, so processes the
    program starts do not try to attach too.
    """
    serve_at = os.environ.pop(protocol.SERVE_ENV, "")
    connect_to = os.environ.pop(protocol.CONNECT_ENV, "")
    token = os.environ.pop(protocol.TOKEN_ENV, "")
    budget_text = os.environ.pop("KAMAELIA_MONITOR_BUDGET", "")
    options: dict[str, Any] = {}
    try:
        if budget_text:
            options["budget"] = int(budget_text)
        if connect_to:
            if not token:
                raise MonitorError(f"{protocol.CONNECT_ENV} is set but {protocol.TOKEN_ENV} is not")
            return connect(connect_to, token, **options)
        if serve_at:
            wait = os.environ.pop("KAMAELIA_MONITOR_WAIT", "")
            return serve(serve_at, os.environ.pop("KAMAELIA_MONITOR_TOKEN_FILE", None),
                         float(wait) if wait else None, **options)  # fmt: skip
    except (ProtocolError, MonitorError, ValueError) as exc:
        log.error("the kamaelia monitor is off: %s", exc)
    return None


__all__ = [
    "DEFAULT_BUDGET",
    "DEFAULT_TICK",
    "Monitor",
    "MonitorError",
    "ProtocolError",
    "connect",
    "current",
    "note_exit",
    "serve",
    "start_from_environment",
]
