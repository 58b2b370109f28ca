"""Shared pieces of the benchmarks: CPU pinning, descriptor limits, free ports, table printing."""

from __future__ import annotations

import os
import resource
import socket
import subprocess
import sys
from collections.abc import Callable, Sequence

KAMAELIA_VENV = "/tmp/kvenv"
KAMAELIA_PYTHON = f"{KAMAELIA_VENV}/bin/python"
KAMAELIA_VERSION = "1.14.32"


def raise_fd_limit() -> int:
    """Raise this process's RLIMIT_NOFILE soft limit to the hard limit; return the new limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else 65536
    if target > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def cpus() -> list[int]:
    """The CPUs this process may run on, sorted."""
    return sorted(os.sched_getaffinity(0))


def pinned(cpu: int | None) -> Callable[[], None]:
    """A ``preexec_fn`` pinning the child to ``cpu`` and raising its descriptor limit."""

    def setup() -> None:
        if cpu is not None:
            os.sched_setaffinity(0, {cpu})
        raise_fd_limit()

    return setup


def free_port() -> int:
    """A loopback port free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_kamaelia() -> str | None:
    """The Kamaelia venv's python, creating the venv with pip when missing; None if impossible."""
    if os.path.exists(KAMAELIA_PYTHON):
        return KAMAELIA_PYTHON
    try:
        subprocess.run([sys.executable, "-m", "venv", KAMAELIA_VENV], check=True)
        subprocess.run(
            [f"{KAMAELIA_VENV}/bin/pip", "install", "-q", f"kamaelia=={KAMAELIA_VERSION}"],
            check=True,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        sys.stderr.write(f"cannot set up Kamaelia {KAMAELIA_VERSION}: {exc}\n")
        return None
    return KAMAELIA_PYTHON


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds used so far by process ``pid``."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table."""
    cells = [[str(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |"
    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
        for row in cells
    ]
    return "\n".join([line, rule, *body])
