"""Shared pieces of the benchmarks: pinning, fd limits, a loopback load generator, tables."""

from __future__ import annotations

import errno
import os
import resource
import select
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence

KAMAELIA_VENV = "/tmp/kvenv"
KAMAELIA_PYTHON = f"{KAMAELIA_VENV}/bin/python"
KAMAELIA_VERSION = "1.14.32"
PAYLOAD = b"x" * 64
"""One request of the round-trip phases."""


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


# --- a loopback load generator (run it in its own, pinned process) ---------------------------


def _open(port: int, count: int, timeout: float) -> tuple[dict[int, socket.socket], int]:
    """Open ``count`` non-blocking connections; return the connected ones and failures."""
    ep = select.epoll()
    pending: dict[int, socket.socket] = {}
    done: dict[int, socket.socket] = {}
    failed = 0
    deadline = time.monotonic() + timeout
    opened = 0
    while (opened < count or pending) and time.monotonic() < deadline:
        while opened < count and len(pending) < 256:
            sock = socket.socket()
            sock.setblocking(False)
            sock.connect_ex(("127.0.0.1", port))
            pending[sock.fileno()] = sock
            ep.register(sock.fileno(), select.EPOLLOUT)
            opened += 1
        for fd, _ev in ep.poll(0.1):
            sock = pending.pop(fd)
            ep.unregister(fd)
            if sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                done[fd] = sock
            else:
                failed += 1
                sock.close()
    failed += len(pending) + (count - opened)
    for sock in pending.values():
        sock.close()
    ep.close()
    return done, failed


def _recv_ready(sock: socket.socket) -> bytes | None:
    """What a non-blocking ``sock`` has for us: None when nothing yet, b"" when the peer closed
    (a socket error counts as closed)."""
    try:
        return sock.recv(65536)
    except BlockingIOError:
        return None
    except OSError:
        return b""


def _round_trips(socks: dict[int, socket.socket], duration: float) -> dict:
    """64-byte ping-pong on every socket for ``duration`` seconds."""
    ep = select.epoll()
    started: dict[int, float] = {}
    got: dict[int, int] = dict.fromkeys(socks, 0)
    count: dict[int, int] = dict.fromkeys(socks, 0)
    latencies: list[float] = []
    errors = 0
    now = time.perf_counter
    for fd, sock in socks.items():
        ep.register(fd, select.EPOLLIN)
        started[fd] = now()
        sock.send(PAYLOAD)
    t0 = now()
    end = t0 + duration
    live = len(socks)
    while live and now() < end:
        for fd, _ev in ep.poll(0.05):
            sock = socks[fd]
            data = _recv_ready(sock)
            if data is None:
                continue
            if not data:
                errors += 1
                live -= 1
                ep.unregister(fd)
                continue
            got[fd] += len(data)
            if got[fd] >= 64:
                got[fd] -= 64
                t = now()
                latencies.append(t - started[fd])
                count[fd] += 1
                started[fd] = t
                try:
                    sock.send(PAYLOAD)
                except OSError:
                    errors += 1
                    live -= 1
                    ep.unregister(fd)
    elapsed = now() - t0
    ep.close()
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99)] if latencies else float("nan")
    return {
        "rps": len(latencies) / elapsed,
        "p99_ms": p99 * 1000,
        "stalled": sum(1 for c in count.values() if c == 0),
        "errors": errors,
    }


def phase_rt(port: int, conns: int, duration: float) -> dict:
    socks, failed = _open(port, conns, timeout=10)
    try:
        result = _round_trips(socks, duration) if socks else {"rps": 0.0, "p99_ms": 0.0}
        result.setdefault("stalled", 0)
        result["stalled"] += failed
        result["errors"] = result.get("errors", 0) + failed
        return result
    finally:
        for sock in socks.values():
            sock.close()


def phase_churn(port: int, duration: float, concurrency: int = 32, cap: int = 15000) -> dict:
    """Connect, send 64 bytes, read them back, close; ``concurrency`` at a time."""
    ep = select.epoll()
    state: dict[int, list] = {}  # fd -> [sock, phase, got, started]
    completed = errors = opened = 0
    reasons: dict[str, int] = {}
    t0 = time.monotonic()
    end = t0 + duration

    def start() -> None:
        nonlocal opened
        sock = socket.socket()
        # a different loopback source address each time: the 15,000 client ports left in
        # TIME_WAIT by earlier rounds would otherwise slow connect() down (client-bound runs)
        sock.bind((f"127.0.{1 + opened // 250 % 250}.{2 + opened % 250}", 0))
        sock.setblocking(False)
        sock.connect_ex(("127.0.0.1", port))
        state[sock.fileno()] = [sock, 0, 0, time.monotonic()]
        ep.register(sock.fileno(), select.EPOLLOUT)
        opened += 1

    def finish(fd: int, ok: bool, why: str = "error") -> None:
        nonlocal completed, errors
        if not ok:
            reasons[why] = reasons.get(why, 0) + 1
        sock = state.pop(fd)[0]
        ep.unregister(fd)
        sock.close()
        if ok:
            completed += 1
        else:
            errors += 1

    while time.monotonic() < end and (opened < cap or state):
        while len(state) < concurrency and opened < cap and time.monotonic() < end:
            start()
        for fd, _ev in ep.poll(0.05):
            entry = state.get(fd)
            if entry is None:
                continue
            sock = entry[0]
            if entry[1] == 0:
                code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if code != 0:
                    finish(fd, False, errno.errorcode.get(code, str(code)))
                    continue
                entry[1] = 1
                ep.modify(fd, select.EPOLLIN)
                try:
                    sock.send(PAYLOAD)
                except OSError:
                    finish(fd, False)
                continue
            data = _recv_ready(sock)
            if data is None:
                continue
            if not data:
                finish(fd, False, "closed early")
                continue
            entry[2] += len(data)
            if entry[2] >= 64:
                finish(fd, True)
        stale = time.monotonic() - 2.0
        for fd in [fd for fd, e in state.items() if e[3] < stale]:
            finish(fd, False, "stalled 2s")
    elapsed = time.monotonic() - t0
    for entry in state.values():  # still in flight when time ran out: neither done nor failed
        entry[0].close()
    ep.close()
    return {"cps": completed / elapsed, "errors": errors, "completed": completed, "why": reasons}


def phase_idle(port: int, count: int, pid: int, hold: float) -> dict:
    """Hold ``count`` connections: serve each once, measure the server's CPU while they sit
    idle, then verify each one again with a round trip."""
    socks, failed = _open(port, count, timeout=20)
    try:
        _verify(socks)  # every connection accepted and served before the idle measurement
        start = process_cpu_seconds(pid)
        time.sleep(hold)
        cpu = 100.0 * (process_cpu_seconds(pid) - start) / hold
        verified = _verify(socks) if socks else 0
        return {"held": len(socks), "failed": failed, "verified": verified, "cpu": cpu}
    finally:
        for sock in socks.values():
            sock.close()


def _verify(socks: dict[int, socket.socket], timeout: float = 8.0) -> int:
    ep = select.epoll()
    got = dict.fromkeys(socks, 0)
    waiting = set()
    for fd, sock in socks.items():
        try:
            sock.send(PAYLOAD)
        except OSError:
            continue
        ep.register(fd, select.EPOLLIN)
        waiting.add(fd)
    ok = 0
    deadline = time.monotonic() + timeout
    while waiting and time.monotonic() < deadline:
        for fd, _ev in ep.poll(0.1):
            try:
                data = socks[fd].recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if not data:
                waiting.discard(fd)
                ep.unregister(fd)
                continue
            got[fd] += len(data)
            if got[fd] >= 64:
                ok += 1
                waiting.discard(fd)
                ep.unregister(fd)
    ep.close()
    return ok


def loadgen(phase: dict) -> dict:
    raise_fd_limit()
    kind = phase["kind"]
    if kind == "rt":
        return phase_rt(phase["port"], phase["conns"], phase["duration"])
    if kind == "cycles":  # as many cycles as asked, however long they take (within 100 s)
        return phase_churn(phase["port"], 100.0, cap=phase["count"])
    if kind == "churn":
        pid = phase.get("pid")
        before = process_cpu_seconds(pid) if pid else 0.0
        result = phase_churn(phase["port"], phase["duration"])
        if pid and result["completed"]:
            used = process_cpu_seconds(pid) - before
            result["server_us_per_conn"] = 1e6 * used / result["completed"]
        return result
    return phase_idle(phase["port"], phase["count"], phase["pid"], phase["hold"])
