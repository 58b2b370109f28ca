"""Benchmark of watching a program in a child process over the monitor socket.

Measures, in one run (each program a fresh child started the way the workbench starts it,
``python -m kamaelia_core.monitor --connect ...``, with this process as the viewer):

* deliveries per second through the socket: a flood (a source and three relays, as fast as they
  go), as the viewer counts them (kept deliveries + ``counted`` n), against what the program
  counted itself, with the losses reported; once condensed (the default budget), once with
  every event sent as it is (no condensing);
* event -> viewer latency: a delivery's engine timestamp to its arrival in the viewer's
  ``EventStream`` (one clock: ``time.monotonic`` is machine-wide on Linux), p50/p99, idle and
  beside a flood (the UI side adds its frame time later);
* a watched echo server (``assets/examples/my_echo_server.py`` in a child, viewer pumping at
  30 Hz) against the same server headless (``python my_echo_server.py``), 64-byte ping-pong on
  8 connections (``--conns``) from a load generator pinned to the other CPU: req/s and the
  ratio, best of ``--repeat`` interleaved rounds and the median of the paired rounds.

* event -> screen in the real window: the same ticker watched with File > Open Program in a
  MainWindow (offscreen), from the engine timestamp to the frame that draws it;

Usage: ``python bench/monitor.py [--duration 3] [--repeat 3] [--only flood,latency,screen,echo]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _common import cpus, pinned, process_cpu_seconds, table  # noqa: E402

from workbench.runtime.child import ChildProgram  # noqa: E402
from workbench.runtime.events import EventStream  # noqa: E402

ECHO = ROOT / "assets" / "examples" / "my_echo_server.py"
FLOOD = """
import sys, time
from kamaelia_core import Component, Scheduler, producerFinished
seconds = float(sys.argv[1])
class Source(Component):
    def main(self):
        end = time.monotonic() + seconds
        n = 0
        while time.monotonic() < end:
            for _ in range(100):
                self.send(n, "outbox")
                n += 1
            yield 1
        self.sent = n
        self.send(producerFinished(), "signal")
class Relay(Component):
    def main(self):
        while True:
            while self.dataReady("inbox"):
                self.send(self.recv("inbox"), "outbox")
            if self.dataReady("control"):
                self.send(self.recv("control"), "signal")
                return
            self.pause()
            yield 1
class Sink(Component):
    def main(self):
        while not self.dataReady("control"):
            while self.dataReady("inbox"):
                self.recv("inbox")
            self.pause()
            yield 1
with Scheduler() as sched:
    comps = [Source(), Relay(), Relay(), Relay(), Sink()]
    for a, b in zip(comps, comps[1:]):
        a.link((a, "outbox"), (b, "inbox"))
        a.link((a, "signal"), (b, "control"))
    for c in comps:
        sched.activate(c)
    sched.run()
# every message is delivered 4 times (3 relays and the sink), producerFinished too
print("DELIVERIES", 4 * (comps[0].sent + 1), flush=True)
"""
TICKER = """
import sys, time
from kamaelia_core import Component, Scheduler
seconds, flood = float(sys.argv[1]), sys.argv[2] == "flood"
class Ticker(Component):
    def main(self):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.send("tick", "outbox")
            self.scheduler.call_later(0.01, self.unpause)
            self.pause()
            yield 1
class Busy(Component):
    Daemon = True
    def main(self):
        while True:
            for _ in range(100):
                self.send(0, "outbox")
            yield 1
class Sink(Component):
    Daemon = True
    def main(self):
        while True:
            while self.dataReady("inbox"):
                self.recv("inbox")
            self.pause()
            yield 1
with Scheduler() as sched:
    ticker, sink = Ticker(), Sink()
    ticker.link((ticker, "outbox"), (sink, "inbox"))
    comps = [ticker, sink]
    if flood:
        busy, drain = Busy(), Sink()
        busy.link((busy, "outbox"), (drain, "inbox"))
        comps += [busy, drain]
    for c in comps:
        sched.activate(c)
    sched.run()
"""


def pct(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def script(text: str, directory: str, name: str) -> str:
    path = os.path.join(directory, name)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    return path


def pin_threads(pid: int, cpu: int | None) -> None:
    """Pin every thread of process ``pid`` (the monitor's and watchdog's included)."""
    if cpu is None:
        return
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            os.sched_setaffinity(int(tid), {cpu})
        except OSError:
            pass  # the thread ended meanwhile


def watch(child: ChildProgram, until, timeout: float, on_batch=None) -> EventStream:
    """Pump ``child``'s events into an EventStream every ~33 ms until ``until(child)``."""
    assert child.source is not None
    stream = EventStream(child.source, max_links=1000, max_components=1000)
    if on_batch is not None:
        stream.subscribe(on_batch)
    deadline = time.monotonic() + timeout
    next_pump = 0.0
    while not until(child) and time.monotonic() < deadline:
        child.poll(0.005)
        if time.monotonic() >= next_pump:
            stream.pump()
            next_pump = time.monotonic() + 0.033
    child.poll(0)
    stream.pump()
    return stream


def bench_flood(tmp: str, seconds: float, budget: int | None) -> dict:
    path = script(FLOOD, tmp, "flood.py")
    with ChildProgram(path, [str(seconds)], budget=budget) as child:
        t0 = time.monotonic()
        stream = watch(child, lambda c: c.exit is not None, seconds + 30)
        elapsed = time.monotonic() - t0
        lines = [line.text for line in child.drain_output()]
        made = next((int(t.split()[1]) for t in lines if t.startswith("DELIVERIES")), 0)
        src = child.source
        assert src is not None
        return {
            "seen": stream.delivered,
            "made": made,
            "per_s": stream.delivered / min(elapsed, seconds),
            "events": stream.total,
            "dropped": src.dropped,
            "lost_deliveries": src.lost_deliveries,
        }


def bench_latency(tmp: str, seconds: float, flood: bool) -> list[float]:
    path = script(TICKER, tmp, "ticker.py")
    latencies: list[float] = []

    def arrived(batch) -> None:
        now = time.monotonic()
        latencies.extend(now - ev.t for ev in batch if ev.value == "'tick'")

    with ChildProgram(path, [str(seconds), "flood" if flood else "idle"]) as child:
        watch(child, lambda c: c.exit is not None, seconds + 30, arrived)
    return latencies


def bench_screen(tmp: str, seconds: float, flood: bool) -> list[float]:
    """Event -> screen in the real window (offscreen): the ticker's program in a child, watched
    through ``File > Open Program``; each tick's time from its engine timestamp to the frame
    that drew it (the live view's batch, then the paint in the same turn of the loop)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from workbench.model import Catalog
    from workbench.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    path = script(TICKER, tmp, "ticker.py")
    settings = QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Catalog.discover(), settings=settings, autosave_dir=Path(tmp) / "auto")
    window.resize(1600, 1000)
    window.show()
    latencies: list[float] = []
    try:
        assert window.programs.open_program(path, [str(seconds), "flood" if flood else "idle"])
        run = window.run.session

        def drawn(batch) -> None:  # after the live view applied the batch: paint comes next
            now = time.monotonic()
            latencies.extend(now - ev.t for ev in batch if ev.value == "'tick'")

        run.stream.subscribe(drawn)
        end = time.monotonic() + seconds + 30
        while not run.finished and time.monotonic() < end:
            app.processEvents()
    finally:
        window.shutdown()
    return latencies


ALL_CPUS = cpus()


def echo_rate(
    kind: str, seconds: float, server_cpu: int | None, load_cpu: int | None, conns: int = 8
) -> tuple[float, float]:
    """Ping-pong req/s of the echo example, "headless" or "watched", and the server's CPU
    microseconds per request (steadier than req/s on a shared machine)."""
    if kind == "headless":
        proc = subprocess.Popen(
            [sys.executable, str(ECHO), "--port", "0"],
            stdout=subprocess.PIPE,
            text=True,
            preexec_fn=pinned(server_cpu),
        )
        try:
            port = int(proc.stdout.readline().rsplit(":", 1)[1])  # type: ignore[union-attr]
            cpu0 = process_cpu_seconds(proc.pid)
            rps = loadgen(port, seconds, load_cpu, conns)
            return rps, 1e6 * (process_cpu_seconds(proc.pid) - cpu0) / max(1.0, rps * seconds)
        finally:
            proc.kill()
            proc.wait()
            proc.stdout.close()  # type: ignore[union-attr]
    with ChildProgram(ECHO, ["--port", "0"]) as child:
        assert child.source is not None
        lines: list[str] = []
        child.wait_until(
            lambda: bool(lines.extend(x.text for x in child.drain_output()) or lines), 10
        )
        port = int(lines[0].rsplit(":", 1)[1])
        pin_threads(child.pid, server_cpu)  # type: ignore[arg-type]
        try:
            return watched_rate(child, port, seconds, load_cpu, conns)
        finally:
            os.sched_setaffinity(0, set(ALL_CPUS))


def watched_rate(
    child: ChildProgram, port: int, seconds: float, load_cpu: int | None, conns: int = 8
) -> tuple[float, float]:
    """Load the watched child while this process pumps its events at 30 Hz."""
    if load_cpu is not None:
        os.sched_setaffinity(0, {load_cpu})  # the viewer shares the load generator's CPU
    cpu0 = process_cpu_seconds(child.pid)  # type: ignore[arg-type]
    gen = subprocess.Popen(
        [sys.executable, __file__, "--loadgen", _phase(port, seconds, conns)],
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=pinned(load_cpu),
    )
    viewer0, wall0 = process_cpu_seconds(os.getpid()), time.monotonic()
    try:
        stream = watch(child, lambda c: gen.poll() is not None, seconds + 30)
        viewer = (process_cpu_seconds(os.getpid()) - viewer0) / (time.monotonic() - wall0)
        result = json.loads(gen.stdout.read())  # type: ignore[union-attr]
    finally:
        gen.kill()
        gen.wait()
        gen.stdout.close()  # type: ignore[union-attr]
    cpu = process_cpu_seconds(child.pid) - cpu0  # type: ignore[arg-type]
    src = child.source
    assert src is not None
    sys.stderr.write(
        f"    watched: {stream.delivered:,} deliveries seen, {stream.total:,} events, "
        f"dropped {src.dropped}, lost deliveries {src.lost_deliveries}, viewer CPU "
        f"{viewer:.0%} of a core (beside the load generator)\n"
    )
    return result["rps"], 1e6 * cpu / max(1.0, result["rps"] * seconds)


def _phase(port: int, seconds: float, conns: int) -> str:
    """The load generator's orders (its ``--loadgen`` argument)."""
    return json.dumps({"port": port, "s": seconds, "c": conns})


def loadgen(port: int, seconds: float, cpu: int | None, conns: int = 8) -> float:
    out = subprocess.run(
        [sys.executable, __file__, "--loadgen", _phase(port, seconds, conns)],
        capture_output=True,
        text=True,
        preexec_fn=pinned(cpu),
        timeout=seconds + 60,
        check=True,
    )
    return json.loads(out.stdout)["rps"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loadgen", help=argparse.SUPPRESS)
    parser.add_argument("--duration", type=float, default=3.0, help="seconds per phase")
    parser.add_argument("--repeat", type=int, default=3, help="echo rounds (best kept)")
    parser.add_argument("--conns", type=int, default=8, help="echo client connections")
    parser.add_argument("--only", default="flood,latency,screen,echo", help="phases to run")
    args = parser.parse_args()
    if args.loadgen:
        from _common import phase_rt

        phase = json.loads(args.loadgen)
        print(json.dumps(phase_rt(phase["port"], phase["c"], phase["s"])))
        return 0
    wanted = set(args.only.split(","))
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        if "flood" in wanted:
            rows = []
            for label, budget in (("condensed (default budget)", None), ("every event", 10**9)):
                r = bench_flood(tmp, args.duration, budget)
                exact = "exact" if r["seen"] + r["lost_deliveries"] == r["made"] else "MISMATCH"
                rows.append([label, f"{r['per_s']:,.0f}", f"{r['seen']:,}", f"{r['made']:,}",
                             f"{r['events']:,}", r["dropped"], f"{r['lost_deliveries']:,}",
                             exact])  # fmt: skip
            print("deliveries through the socket (flood: source + 3 relays + sink), target 55k/s")
            print(table(["mode", "deliveries/s seen", "seen", "made", "events", "dropped",
                         "lost deliveries", "seen + lost = made"], rows))  # fmt: skip
            print()
        if "latency" in wanted:
            rows = []
            for label, flood in (("idle", False), ("beside a flood", True)):
                lat = bench_latency(tmp, args.duration, flood)
                marks = (pct(lat, 0.5), pct(lat, 0.99), max(lat, default=0))
                ms = [f"{x * 1e3:.1f}" for x in marks]
                rows.append([label, len(lat), *ms])
            print("event -> viewer latency (100 Hz ticker), target p99 <= 100 ms with the UI")
            print(table(["program", "n", "p50 ms", "p99 ms", "max ms"], rows))
            print()
        if "screen" in wanted:
            rows = []
            for label, flood in (("idle", False), ("beside a flood", True)):
                lat = bench_screen(tmp, args.duration, flood)
                marks = (pct(lat, 0.5), pct(lat, 0.99), max(lat, default=0))
                rows.append([label, len(lat), *[f"{x * 1e3:.1f}" for x in marks]])
            print(
                "event -> screen in the window (child program, 100 Hz ticker), target p99 <= 100 ms"
            )
            print(table(["program", "n", "p50 ms", "p99 ms", "max ms"], rows))
            print()
    if "echo" in wanted:
        server_cpu, load_cpu = (ALL_CPUS[0], ALL_CPUS[1]) if len(ALL_CPUS) > 1 else (None, None)
        best = {"headless": 0.0, "watched": 0.0}
        cost = {"headless": float("inf"), "watched": float("inf")}
        paired: list[float] = []
        for round_no in range(args.repeat):  # interleaved, best kept: the machine may be shared
            kinds = ["headless", "watched"] if round_no % 2 == 0 else ["watched", "headless"]
            rates: dict[str, float] = {}
            for kind in kinds:  # the order alternates: neither side always runs second
                rate, us = echo_rate(kind, args.duration, server_cpu, load_cpu, args.conns)
                sys.stderr.write(f"  echo {kind}: {rate:,.0f} req/s, {us:.1f} us CPU/req\n")
                best[kind] = max(best[kind], rate)
                cost[kind] = min(cost[kind], us)
                rates[kind] = rate
            if rates["headless"]:
                paired.append(rates["watched"] / rates["headless"])
        ratio = best["watched"] / best["headless"] if best["headless"] else float("nan")
        median = statistics.median(paired) if paired else float("nan")
        print(f"echo ping-pong, {args.conns} connections, best of {args.repeat}: headless "
              f"{best['headless']:,.0f} req/s, watched child {best['watched']:,.0f} req/s = "
              f"{ratio:.0%} of headless (target 85%); median of the {len(paired)} paired "
              f"rounds {median:.0%}; server CPU per request "
              f"{cost['headless']:.1f} us headless, {cost['watched']:.1f} us watched = "
              f"{cost['headless'] / cost['watched']:.0%}")  # fmt: skip
    print(f"\n(total {time.monotonic() - started:.0f} s; CPUs {ALL_CPUS})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
