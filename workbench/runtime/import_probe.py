"""Runs the user's component files in a throwaway Python before the workbench imports them.

A file whose module-level code loops forever, waits for input, or ends the interpreter
(``os._exit``, a crash in an extension) would freeze or kill the window if it were imported
there first. So each (re)load first runs the files' module-level code in one child process,
file after file, with a time limit: a file that does not finish is reported and skipped (the
files after it are tried in a fresh child), and the window never waits longer than the limit
per bad file. Files that merely raise are left to the in-process load, which reports the line.

The price: a file's module-level code runs twice (here, then in the window), as it would when
a test runner collects it before a program imports it.
"""

from __future__ import annotations

import logging
import os
import secrets
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from workbench.runtime.child_env import with_kamaelia_core

log = logging.getLogger(__name__)

PROBE_SECONDS = 5.0
"""How long one file's module-level code may run in the probe before it is called stuck."""

_CHILD = """
import runpy, sys
marker = sys.argv[1]
for path in sys.argv[2:]:
    print(marker, "start", path, flush=True)
    try:
        runpy.run_path(path, run_name="my_components_probe")
    except BaseException:  # reported by the real load, with its line
        pass
    print(marker, "done", path, flush=True)
"""


def probe(paths: Sequence[Path], limit: float = PROBE_SECONDS) -> dict[Path, str]:
    """Problems found running ``paths`` in a child Python, keyed by path (none: ``{}``).

    Args:
        paths: The files, in load order.
        limit: Seconds each file may take.
    """
    problems: dict[Path, str] = {}
    todo = list(paths)
    while todo:
        stuck, why = _run(todo, limit)
        if stuck is None:
            break
        problems[stuck] = why
        todo = todo[todo.index(stuck) + 1 :]  # the files run in order: those before it are good
    return problems


def _run(paths: list[Path], limit: float) -> tuple[Path | None, str]:
    """One child over ``paths``: the file it got stuck on and why (None: all finished)."""
    marker = secrets.token_hex(8).encode()
    env = with_kamaelia_core(dict(os.environ))
    args = [sys.executable, "-c", _CHILD, marker.decode(), *map(str, paths)]
    try:
        child = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env=env,
        )  # fmt: skip
    except OSError as exc:  # no interpreter to probe with: load as before
        log.warning("cannot probe the component files before loading them: %s", exc)
        return None, ""
    finished: set[Path] = set()
    current: Path | None = paths[0]  # the interpreter's start-up counts as the first file's
    deadline = time.monotonic() + limit
    timed_out = False
    assert child.stdout is not None
    with child, selectors.DefaultSelector() as sel:
        sel.register(child.stdout, selectors.EVENT_READ)
        pending = b""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                child.kill()
                break
            if not sel.select(left):
                continue
            chunk = os.read(child.stdout.fileno(), 65536)
            if not chunk:
                break
            *lines, pending = (pending + chunk).split(b"\n")
            for line in lines:
                parts = line.split(b" ", 2)
                if len(parts) != 3 or parts[0] != marker:
                    continue  # the file's own output
                path = Path(os.fsdecode(parts[2]))
                if parts[1] == b"start":
                    current, deadline = path, time.monotonic() + limit
                elif parts[1] == b"done":
                    finished.add(path)
                    current = None
        status = child.wait()
    if not timed_out and len(finished) == len(paths):
        return None, ""
    if current is None:  # ended between two files: blame the next one
        current = next(p for p in paths if p not in finished)
    if timed_out:
        why = (
            f"{current.name}: did not finish importing within {limit:g} s "
            "(a loop at import time?); not loaded"
        )
    else:
        why = (
            f"{current.name}: running it ended the Python interpreter ({_status(status)}); "
            "not loaded"
        )
    return current, why


def _status(status: int) -> str:
    if status < 0:
        try:
            return f"killed by {signal.Signals(-status).name}"
        except ValueError:
            return f"killed by signal {-status}"
    return f"exit status {status}"


__all__ = ["PROBE_SECONDS", "probe"]
