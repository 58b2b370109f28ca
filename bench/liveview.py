"""Benchmarks of the live view (offscreen): latency, frame rate, flood behaviour, throughput cost.

Run: ``QT_QPA_PLATFORM=offscreen python bench/liveview.py`` (``--screens DIR`` also saves the
screenshot strip). Figures printed:

- event -> screen latency: a delivery's engine timestamp to the next paint of the canvas;
- frame time and fps with 1,000 live CSAs (collapsed into stacks, and expanded);
- a flood of >= 10k deliveries/s: 16 ms timer lateness p99, memory growth, nothing lost;
- echo throughput (ping-pong lines/s) headless, under the Qt driver, and with the live view open.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

from bench.screens import EXAMPLE, spin


def rss_mb() -> float:
    """Resident memory of this process in MiB."""
    with open("/proc/self/statm", encoding="ascii") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def pct(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values``."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Watched:
    """The echo example running under the Qt driver, optionally watched by the live view."""

    def __init__(self, app: QApplication, live: bool = True) -> None:
        from workbench.model import Catalog
        from workbench.model.io import load
        from workbench.runtime import Session
        from workbench.runtime.traffic import server_ports
        from workbench.ui.canvas.scene import GraphScene
        from workbench.ui.canvas.view import GraphView
        from workbench.ui.driver import SchedulerDriver
        from workbench.ui.live.controller import LiveController
        from workbench.ui.live.log_dock import LogDock

        self.app = app
        catalog = Catalog.discover()
        graph = load(EXAMPLE, catalog)
        self.session = Session(graph, catalog)
        self.session.start()
        self.driver = SchedulerDriver(self.session.scheduler)
        self.driver.start()
        self.scene = self.view = self.controller = self.log = None
        if live:
            self.scene = GraphScene(graph, catalog)
            self.view = GraphView(self.scene)
            self.view.resize(1300, 760)
            self.view.show()
            self.controller = LiveController(self.scene, self.session, self.view)
            self.log = LogDock()
            self.log.resize(1300, 240)
            self.log.show()
            self.log.attach(self.session.events, self.controller.describe)
            self.controller.start()
        spin(app, 3, lambda: bool(server_ports(self.session.scheduler)))
        self.port = server_ports(self.session.scheduler)[0]
        self.generators = []

    def traffic(self, **plan):
        from workbench.runtime.traffic import TrafficGenerator, TrafficPlan

        gen = TrafficGenerator(self.session.scheduler, self.port, plan=TrafficPlan(**plan))
        self.generators.append(gen)
        return gen.start()

    def close(self) -> None:
        for gen in self.generators:
            gen.stop()
        if self.controller is not None:
            self.controller.close()
            self.log.detach()
            self.log.close()
            self.view.close()
        self.driver.stop()
        self.session.stop()
        if self.scene is not None:
            self.scene.close()


class PaintProbe(QObject):
    """Records when the canvas viewport paints, to close latency measurements."""

    def __init__(self, watched: Watched) -> None:
        super().__init__()
        self.pending: list[float] = []
        self.latencies: list[float] = []
        watched.view.viewport().installEventFilter(self)
        watched.session.events.subscribe(self._batch)

    def _batch(self, batch) -> None:
        self.pending.extend(ev.t for ev in batch if ev.kind == "delivered")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.pending:
            now = time.monotonic()
            self.latencies.extend(now - t for t in self.pending)
            self.pending.clear()
        return False


def bench_latency(app: QApplication) -> None:
    w = Watched(app)
    probe = PaintProbe(w)
    gen = w.traffic(clients=3, lines=40, rate=10, hold=None, duration=30)
    spin(app, 4.5)
    lat = probe.latencies
    print(
        f"event->screen latency: n={len(lat)} p50 {pct(lat, 0.5) * 1e3:.1f} ms, "
        f"p99 {pct(lat, 0.99) * 1e3:.1f} ms, max {max(lat) * 1e3:.1f} ms (budget 100 ms)"
    )
    gen.stop()
    w.close()


def frame_ms(app: QApplication, view, frames: int = 40) -> float:
    """Average milliseconds to repaint the whole canvas viewport."""
    viewport = view.viewport()
    spin(app, 0.05)
    t = time.perf_counter()
    for _ in range(frames):
        viewport.repaint()
    return (time.perf_counter() - t) * 1000 / frames


def bench_thousand(app: QApplication) -> None:
    w = Watched(app)
    gen = w.traffic(clients=1000, lines=0, connect_rate=0, hold=None, duration=60)
    ctl = w.controller
    spin(app, 20, lambda: len(ctl.entities_of_kind("connection")) >= 1000)
    live = len(ctl.entities_of_kind("connection"))
    w.view.fit_all()
    collapsed = frame_ms(app, w.view)
    ping = w.traffic(clients=20, lines=100_000, rate=50, hold=None, duration=60)
    spin(app, 1.0)
    busy = frame_ms(app, w.view)
    t = time.perf_counter()
    ctl.set_cluster_expanded("n1", True)
    expand_ms = (time.perf_counter() - t) * 1000
    w.view.fit_all()
    expanded = frame_ms(app, w.view, 10)
    w.view.set_zoom(0.8)
    expanded_zoomed = frame_ms(app, w.view, 10)
    print(f"1,000 live CSAs (n={live}): collapsed {collapsed:.1f} ms/frame "
          f"({1000 / collapsed:.0f} fps); with traffic {busy:.1f} ms ({1000 / busy:.0f} fps); "
          f"expanded 2,000 cards in {expand_ms:.0f} ms, fit-all {expanded:.1f} ms/frame "
          f"({1000 / expanded:.0f} fps), at 80% {expanded_zoomed:.1f} ms "
          f"({1000 / expanded_zoomed:.0f} fps)")  # fmt: skip
    ping.stop()
    gen.stop()
    w.close()


def bench_flood(app: QApplication) -> None:
    w = Watched(app)
    spin(app, 0.3)
    gen = w.traffic(clients=16, lines=100_000, rate=0, hold=None, duration=60)
    spin(app, 1.5)
    rss0 = rss_mb()
    late: list[float] = []
    expected = [time.monotonic() + 0.016]

    def tick() -> None:
        now = time.monotonic()
        late.append(max(0.0, now - expected[0]))
        expected[0] = now + 0.016

    probe = QTimer()
    probe.setInterval(16)
    probe.timeout.connect(tick)
    probe.start()
    delivered0 = w.session.events.delivered
    t0 = time.monotonic()
    spin(app, 6.0)
    probe.stop()
    elapsed = time.monotonic() - t0
    rate = (w.session.events.delivered - delivered0) / elapsed
    rss1 = rss_mb()
    w.session.events.pump()
    ctl = w.controller
    print(
        f"flood: {rate:,.0f} deliveries/s for {elapsed:.0f} s, mode={ctl.mode}, "
        f"16 ms timer lateness p50 {pct(late, 0.5) * 1e3:.1f} ms p99 {pct(late, 0.99) * 1e3:.1f} ms"
        f" (budget 50 ms); RSS {rss0:.0f} -> {rss1:.0f} MiB; log rows {len(w.log.model.rows)} "
        f"(sampled 1:{w.log.model.sample}); counted {ctl.delivered:,} of "
        f"{w.session.events.delivered:,} deliveries, tap dropped {w.session.tap.dropped}"
    )
    gen.stop()
    w.close()


def echo_rate(app: QApplication, mode: str, seconds: float = 3.0) -> float:
    """Ping-pong lines/s of 8 clients: "headless", "driver" (Qt, events not drained),
    "pumped" (Qt, events drained at 30 Hz as the window does) or "live" (live view open)."""
    from workbench.runtime.traffic import TrafficGenerator, TrafficPlan, wait_until

    if mode == "headless":
        from workbench.model import Catalog
        from workbench.model.io import load
        from workbench.runtime import Session
        from workbench.runtime.traffic import server_ports

        catalog = Catalog.discover()
        session = Session(load(EXAMPLE, catalog), catalog)
        session.start()
        sched = session.scheduler
        wait_until(sched, lambda: bool(server_ports(sched)), 3)
        plan = TrafficPlan(clients=8, lines=100_000, rate=0, hold=None, duration=60)
        gen = TrafficGenerator(sched, server_ports(sched)[0], plan=plan).start()
        wait_until(sched, lambda: gen.stats.connected == 8, 3)
        sent0, t = gen.stats.lines_sent, time.monotonic()
        session.run_for(seconds)
        rate = (gen.stats.lines_sent - sent0) / (time.monotonic() - t)
        gen.stop()
        session.stop()
        return rate
    w = Watched(app, live=mode == "live")
    pump = QTimer()
    if mode == "pumped":  # what the window's RunController does without the live view
        pump.setInterval(33)
        pump.timeout.connect(w.session.events.pump)
        pump.start()
    gen = w.traffic(clients=8, lines=100_000, rate=0, hold=None, duration=60)
    spin(app, 1.0)
    sent0, t = gen.stats.lines_sent, time.monotonic()
    spin(app, seconds)
    rate = (gen.stats.lines_sent - sent0) / (time.monotonic() - t)
    pump.stop()
    gen.stop()
    w.close()
    return rate


def bench_throughput(app: QApplication, rounds: int = 5) -> None:
    modes = ("headless", "driver", "pumped", "live")
    runs = {mode: [] for mode in modes}
    for _ in range(rounds):  # interleaved: the machine is shared, load drifts
        for mode in modes:
            runs[mode].append(echo_rate(app, mode, 2.0))
    rates = {mode: sorted(values)[len(values) // 2] for mode, values in runs.items()}
    print(f"echo ping-pong, 8 clients, median of {rounds}: headless {rates['headless']:,.0f} "
          f"lines/s, Qt driver {rates['driver']:,.0f} (events not drained), Qt driver + 30 Hz "
          f"pump {rates['pumped']:,.0f}, live view open {rates['live']:,.0f} = "
          f"{rates['live'] / rates['headless']:.0%} of headless, "
          f"{rates['live'] / rates['pumped']:.0%} of the pumped driver (budget 85%)")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screens", type=Path, help="also save the screenshot strip here")
    parser.add_argument("--only", choices=["latency", "thousand", "flood", "throughput"])
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    benches = {"latency": bench_latency, "thousand": bench_thousand, "flood": bench_flood,
               "throughput": bench_throughput}  # fmt: skip
    for name, bench in benches.items():
        if args.only in (None, name):
            bench(app)
    if args.screens is not None:
        from bench.screens import capture_highrate, capture_strip

        for path in [*capture_strip(args.screens), capture_highrate(args.screens)]:
            print(f"saved {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
