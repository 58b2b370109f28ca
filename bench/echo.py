"""Echo server benchmark: kamaelia_core ServerCore vs Kamaelia 1.14.32, asyncio and a bare loop.

Each server runs in its own process pinned to one CPU; the load generator runs in another process
pinned to the other CPU. Phases (each against a freshly started server, all on loopback, bounded in
count and time): 64-byte round trips on 1, 100 and 1,000 connections; connect/send/receive/close
churn (with the server's CPU per connection); 10,000 idle connections held, the server's CPU
measured while they sit idle, then each one verified with a round trip; and, for kamaelia_core
only, 50,000 connect/send/receive/close cycles with the server's open descriptors and live
components counted before and after (a leak shows as a difference). Idle CPU is also measured
with no connection at all. The load phases run ``--repeat`` rounds, servers interleaved, and the
best round of each is kept: on a shared machine background load only ever makes a run slower.

Usage: ``python bench/echo.py [--duration 3] [--idle 10000] [--servers core,kamaelia,...]``.
"""

from __future__ import annotations

import argparse
import json
import os
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
    loadgen,
    pinned,
    process_cpu_seconds,
    raise_fd_limit,
    table,
)

ROOT = Path(__file__).resolve().parent.parent

SERVERS = {
    "core": """
import os, sys, threading
from kamaelia_core.scheduler import Scheduler
from kamaelia_core.net import ServerCore
from kamaelia_core.util.echo import Echo
sched = Scheduler()
server = ServerCore(protocol=Echo, port=0)
sched.activate(server)
def report():  # runs in the scheduler's thread
    fds = len(os.listdir("/proc/self/fd")) - 1
    print("STATS", fds, len(sched.components), len(server.connections), flush=True)
def answer_stats():
    for _line in sys.stdin:
        sched.io.call_soon_threadsafe(report)
threading.Thread(target=answer_stats, daemon=True).start()
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
                # Kamaelia binds every address: probe the same way (never listening), so the
                # port is not one a load-generator socket in TIME_WAIT still holds elsewhere
                probe.bind(("", 0))
                port_arg = [str(probe.getsockname()[1])]
        self.proc = subprocess.Popen(
            [python, "-c", SERVERS[kind], *port_arg],
            cwd=ROOT,
            stdin=subprocess.PIPE,
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

    def stats(self) -> tuple[int, int, int]:
        """(open descriptors, live components, connections) of a kamaelia_core server."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write("stats\n")
        self.proc.stdin.flush()
        fields = self.proc.stdout.readline().split()
        return int(fields[1]), int(fields[2]), int(fields[3])

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()


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

    def cycles(server: Server) -> dict:
        fds, components, _conns = server.stats()
        result = run_loadgen(
            load_cpu, {"kind": "cycles", "port": server.port, "count": args.cycles}
        )
        after = server.stats()
        for _ in range(50):  # the last closes may still be on their way to the server
            if after[2] == 0:
                break
            time.sleep(0.1)
            after = server.stats()
        result.update(fds=(fds, after[0]), components=(components, after[1]))
        return result

    phases: list[tuple[str, Callable[[Server], object]]] = [("idle_cpu", idle_cpu)]
    for conns in (1, 100, 1000):
        rt = {"kind": "rt", "conns": conns, "duration": args.duration}
        phases.append((f"rt{conns}", load(rt)))
    phases.append(("churn", load({"kind": "churn", "duration": args.duration})))
    phases.append(("idle", load({"kind": "idle", "count": args.idle, "hold": args.hold})))
    phases.append(("cycles", cycles))
    if args.phases:
        wanted = set(args.phases.split(","))
        phases = [(name, fn) for name, fn in phases if name in wanted]
    for name, fn in phases:
        rounds = args.repeat if name.startswith(("rt", "churn")) else 1
        for _round in range(rounds):  # interleaved, best kept: the machine may be shared
            for kind in kinds:
                if name == "cycles" and kind != "core":
                    continue  # it counts the server's components: kamaelia_core only
                result = with_server(kind, fn)
                sys.stderr.write(f"  {name} {kind}: {result}\n")
                if _better(result, results[kind].get(name)):
                    results[kind][name] = result
    return results


def _better(new: object, old: object) -> bool:
    if not isinstance(new, dict) or not isinstance(old, dict):
        return old is None
    key = "rps" if "rps" in new else "cps"
    return new.get(key, 0) > old.get(key, 0)


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
        "server CPU µs/conn",
        "errors",
        f"{idle_count // 1000}k idle held/verified",
        "CPU% idle / with idle conns",
    ]
    rows = []
    for kind, r in all_results.items():
        rt = [r.get(f"rt{n}", {}) for n in (1, 100, 1000)]
        errs = sum(x.get("errors", 0) for x in rt) + r.get("churn", {}).get("errors", 0)
        idle = r.get("idle", {})
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
                _fmt(r.get("churn", {}).get("cps", 0)),
                _fmt(r.get("churn", {}).get("server_us_per_conn", 0)),
                errs,
                f"{idle.get('held', 0)}/{idle.get('verified', 0)}",
                f"{r.get('idle_cpu', 0):.1f} / {idle.get('cpu', 0):.1f}",
            ]
        )
    lines = [table(headers, rows)]
    cycled = all_results.get("core", {}).get("cycles")
    if isinstance(cycled, dict) and "fds" in cycled:
        lines.append(
            f"\ncycles (core): {cycled.get('completed', 0):,} connect/send/receive/close, "
            f"errors {cycled.get('errors', '?')} {cycled.get('why') or ''}, "
            f"{_fmt(cycled.get('cps', 0))} conn/s; server descriptors "
            f"{cycled['fds'][0]} -> {cycled['fds'][1]}, live components "
            f"{cycled['components'][0]} -> {cycled['components'][1]}"
        )
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
            other = r.get("churn", {}).get("cps", 0)
            mine = core.get("churn", {}).get("cps", 0)
            parts.append(f"churn {mine / other:.2f}x" if other else "churn n/a")
            lines.append(f"  vs {kind}: " + ", ".join(parts))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loadgen", help=argparse.SUPPRESS)
    parser.add_argument("--duration", type=float, default=2.0, help="seconds per load phase")
    parser.add_argument("--idle", type=int, default=10000, help="idle connections to hold")
    parser.add_argument("--hold", type=float, default=2.0, help="seconds idle CPU is measured")
    parser.add_argument(
        "--cycles", type=int, default=50000, help="connect/close cycles of the leak check"
    )
    parser.add_argument("--repeat", type=int, default=2, help="load rounds (best kept)")
    parser.add_argument("--servers", default=",".join(SERVERS), help="comma-separated list")
    parser.add_argument(
        "--phases",
        default="",
        help="only these phases (comma-separated: idle_cpu,rt1,rt100,rt1000,churn,idle,cycles)",
    )
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
