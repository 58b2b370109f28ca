"""Echo server benchmark: kamaelia_core ServerCore vs Kamaelia 1.14.32, asyncio and a bare loop.

Each server runs in its own process pinned to one CPU; the load generator runs in another process
pinned to the other CPU. Phases (each against a freshly started server, all on loopback, bounded in
count and time): 64-byte round trips on 1, 100 and 1,000 connections; connect/send/receive/close
churn; 10,000 idle connections held, the server's CPU measured while they sit idle, then each one
verified with a round trip. Idle CPU is also measured with no connection at all.

Usage: ``python bench/echo.py [--duration 3] [--idle 10000] [--servers core,kamaelia,...]``.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import select
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (
    cpus,
    ensure_kamaelia,
    pinned,
    process_cpu_seconds,
    raise_fd_limit,
    table,
)

ROOT = Path(__file__).resolve().parent.parent
PAYLOAD = b"x" * 64

SERVERS = {
    "core": """
import sys
from kamaelia_core.scheduler import Scheduler
from kamaelia_core.net import ServerCore
from kamaelia_core.util.echo import Echo
sched = Scheduler()
server = ServerCore(protocol=Echo, port=0)
sched.activate(server)
print("PORT", server.port, flush=True)
sched.run()
""",
    "kamaelia": """
import sys
from Axon.Component import component
from Kamaelia.Chassis.ConnectedServer import ServerCore
class Echo(component):
    def main(self):
        while True:
            while self.dataReady("inbox"):
                self.send(self.recv("inbox"), "outbox")
            if self.dataReady("control"):
                self.send(self.recv("control"), "signal")
                return
            self.pause()
            yield 1
port = int(sys.argv[1])
print("PORT", port, flush=True)
ServerCore(protocol=Echo, port=port).run()
""",
    "asyncio-streams": """
import asyncio
async def handle(reader, writer):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()
async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=512)
    print("PORT", server.sockets[0].getsockname()[1], flush=True)
    await asyncio.Event().wait()
asyncio.run(main())
""",
    "asyncio-protocol": """
import asyncio
class Echo(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport
    def data_received(self, data):
        self.transport.write(data)
async def main():
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Echo, "127.0.0.1", 0, backlog=512)
    print("PORT", server.sockets[0].getsockname()[1], flush=True)
    await asyncio.Event().wait()
asyncio.run(main())
""",
    "bare-selectors": """
import selectors, socket
sel = selectors.DefaultSelector()
lst = socket.socket()
lst.bind(("127.0.0.1", 0))
lst.listen(512)
lst.setblocking(False)
sel.register(lst, selectors.EVENT_READ, None)
print("PORT", lst.getsockname()[1], flush=True)
while True:
    for key, _ in sel.select():
        if key.data is None:
            try:
                while True:
                    conn, _a = lst.accept()
                    conn.setblocking(False)
                    sel.register(conn, selectors.EVENT_READ, 1)
            except BlockingIOError:
                pass
            continue
        conn = key.fileobj
        try:
            data = conn.recv(65536)
        except BlockingIOError:
            continue
        except OSError:
            data = b""
        if data:
            try:
                conn.send(data)
            except OSError:
                pass
        else:
            sel.unregister(conn)
            conn.close()
""",
}


# --- server processes -----------------------------------------------------------------------


class Server:
    """One server process, pinned to ``cpu``."""

    def __init__(self, kind: str, cpu: int | None, kamaelia_python: str | None) -> None:
        self.kind = kind
        python = kamaelia_python if kind == "kamaelia" else sys.executable
        port_arg = []
        if kind == "kamaelia":
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                port_arg = [str(probe.getsockname()[1])]
        self.proc = subprocess.Popen(
            [python, "-c", SERVERS[kind], *port_arg],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            preexec_fn=pinned(cpu),
        )
        line = self.proc.stdout.readline()  # type: ignore[union-attr]
        if not line.startswith("PORT"):
            self.stop()
            raise RuntimeError(f"{kind} server did not start")
        self.port = int(line.split()[1])
        time.sleep(0.2)  # let the listener get registered before the first connection

    def cpu_percent(self, seconds: float) -> float:
        start = process_cpu_seconds(self.proc.pid)
        time.sleep(seconds)
        return 100.0 * (process_cpu_seconds(self.proc.pid) - start) / seconds

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def run_loadgen(cpu: int | None, phase: dict) -> dict:
    """Run one load phase in a separate, pinned process; return its JSON result."""
    out = subprocess.run(
        [sys.executable, __file__, "--loadgen", json.dumps(phase)],
        capture_output=True,
        text=True,
        preexec_fn=pinned(cpu),
        timeout=120,
        check=False,
    )
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1:] or ["failed"]}
    return json.loads(out.stdout)


# --- the load generator (runs in its own process) -------------------------------------------


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
            try:
                data = sock.recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
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
            try:
                data = sock.recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
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
    if kind == "churn":
        return phase_churn(phase["port"], phase["duration"])
    return phase_idle(phase["port"], phase["count"], phase["pid"], phase["hold"])


# --- the orchestrator -----------------------------------------------------------------------


def run_phases(kinds: list[str], args: argparse.Namespace, kpython: str | None) -> dict:
    """Every phase for every server, phase by phase, so background noise hits all alike."""
    server_cpu, load_cpu = (cpus()[0], cpus()[1]) if len(cpus()) > 1 else (None, None)
    results: dict[str, dict] = {kind: {} for kind in kinds}

    def with_server(kind: str, fn):
        server = Server(kind, server_cpu, kpython)
        try:
            return fn(server)
        finally:
            server.stop()

    def load(phase: dict):
        return lambda s: run_loadgen(load_cpu, {**phase, "port": s.port, "pid": s.proc.pid})

    def idle_cpu(server: Server) -> float:
        return server.cpu_percent(args.hold)

    phases: list[tuple[str, Callable[[Server], object]]] = [("idle_cpu", idle_cpu)]
    for conns in (1, 100, 1000):
        rt = {"kind": "rt", "conns": conns, "duration": args.duration}
        phases.append((f"rt{conns}", load(rt)))
    phases.append(("churn", load({"kind": "churn", "duration": args.duration})))
    phases.append(("idle", load({"kind": "idle", "count": args.idle, "hold": args.hold})))
    for name, fn in phases:
        for kind in kinds:
            results[kind][name] = with_server(kind, fn)
            sys.stderr.write(f"  {name} {kind}: {results[kind][name]}\n")
    return results


def _fmt(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}"


def report(all_results: dict[str, dict], idle_count: int) -> str:
    headers = [
        "server",
        "1 conn req/s",
        "p99 ms",
        "100 conn req/s",
        "p99 ms",
        "stalled",
        "1000 conn req/s",
        "p99 ms",
        "stalled",
        "churn conn/s",
        "errors",
        f"{idle_count // 1000}k idle held/verified",
        "CPU% idle / with idle conns",
    ]
    rows = []
    for kind, r in all_results.items():
        rt = [r.get(f"rt{n}", {}) for n in (1, 100, 1000)]
        errs = sum(x.get("errors", 0) for x in rt) + r["churn"].get("errors", 0)
        idle = r["idle"]
        rows.append(
            [
                kind,
                _fmt(rt[0].get("rps", 0)),
                _fmt(rt[0].get("p99_ms", 0), 2),
                _fmt(rt[1].get("rps", 0)),
                _fmt(rt[1].get("p99_ms", 0), 2),
                rt[1].get("stalled", "?"),
                _fmt(rt[2].get("rps", 0)),
                _fmt(rt[2].get("p99_ms", 0), 2),
                rt[2].get("stalled", "?"),
                _fmt(r["churn"].get("cps", 0)),
                errs,
                f"{idle.get('held', 0)}/{idle.get('verified', 0)}",
                f"{r['idle_cpu']:.1f} / {idle.get('cpu', 0):.1f}",
            ]
        )
    lines = [table(headers, rows)]
    core = all_results.get("core")
    if core:
        lines.append("")
        lines.append("ratios (kamaelia_core / other):")
        for kind, r in all_results.items():
            if kind == "core":
                continue
            parts = []
            for n in (1, 100, 1000):
                other = r.get(f"rt{n}", {}).get("rps", 0)
                mine = core.get(f"rt{n}", {}).get("rps", 0)
                parts.append(f"{n} conn {mine / other:.2f}x" if other else f"{n} conn n/a")
            other = r["churn"].get("cps", 0)
            mine = core["churn"].get("cps", 0)
            parts.append(f"churn {mine / other:.2f}x" if other else "churn n/a")
            lines.append(f"  vs {kind}: " + ", ".join(parts))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loadgen", help=argparse.SUPPRESS)
    parser.add_argument("--duration", type=float, default=3.0, help="seconds per load phase")
    parser.add_argument("--idle", type=int, default=10000, help="idle connections to hold")
    parser.add_argument("--hold", type=float, default=2.0, help="seconds idle CPU is measured")
    parser.add_argument("--servers", default=",".join(SERVERS), help="comma-separated list")
    args = parser.parse_args()
    if args.loadgen:
        print(json.dumps(loadgen(json.loads(args.loadgen))))
        return
    raise_fd_limit()
    kinds = [k for k in args.servers.split(",") if k]
    kpython = ensure_kamaelia() if "kamaelia" in kinds else None
    if "kamaelia" in kinds and kpython is None:
        kinds.remove("kamaelia")
    started = time.monotonic()
    results = run_phases(kinds, args, kpython)
    print(report(results, args.idle))
    print(f"\n(total {time.monotonic() - started:.0f} s; CPUs {cpus()}; pid {os.getpid()})")


if __name__ == "__main__":
    main()
