"""Benchmarks of the timeline dock (offscreen): paint time per frame with 10,000 recorded messages.

Run: ``QT_QPA_PLATFORM=offscreen python bench/timeline.py`` (``--screens DIR`` also saves the dock
and the window, dark and light, with an echo run and 3 clients). Figures printed:

- a recording: an echo server with 8 ping-pong clients, run headless until 10,000 deliveries;
- following live: the recording fed to the dock in 100 frames; per frame, taking the new rows,
  scrolling to the newest and repainting (at the default zoom, and zoomed out on the whole run,
  where bands of counts replace arrows);
- scrolling: the whole recording paged through, at the default zoom and zoomed out;
- scale: 150,000 messages into a dock that keeps 100,000, a full frame's pump (3,000) at a time
  (memory, forgotten count, paint).

The budget is 30 fps: every frame's p99 under 33 ms.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from bench.liveview import pct, rss_mb
from bench.screens import EXAMPLE, spin

MESSAGES = 10_000
FRAMES = 100
SIZE = (1300, 420)


def record(messages: int = MESSAGES) -> list:
    """Events of a headless echo run with 8 ping-pong clients, until ``messages`` deliveries."""
    from workbench.model import Catalog
    from workbench.model.io import load
    from workbench.runtime import Session
    from workbench.runtime.traffic import TrafficGenerator, TrafficPlan, server_ports, wait_until

    catalog = Catalog.discover()
    session = Session(load(EXAMPLE, catalog), catalog)
    events: list = []
    session.events.subscribe(events.extend)
    session.start()
    sched = session.scheduler
    wait_until(sched, lambda: bool(server_ports(sched)), 3)
    plan = TrafficPlan(clients=8, lines=100_000, rate=0, hold=None, duration=60)
    gen = TrafficGenerator(sched, server_ports(sched)[0], plan=plan).start()
    deadline = time.monotonic() + 30
    while session.events.delivered < messages and time.monotonic() < deadline:
        session.run_for(0.05)
    gen.stop()
    session.stop()
    return events


def make_dock(app: QApplication, max_messages: int | None = None, theme: str = "dark"):
    from workbench.ui.live.timeline_dock import TimelineDock
    from workbench.ui.theme import apply_theme, theme_named

    apply_theme(app, theme_named(theme))
    dock = TimelineDock() if max_messages is None else TimelineDock(max_messages=max_messages)
    dock.set_theme(theme_named(theme))
    dock.resize(*SIZE)
    dock.show()
    spin(app, 0.1)
    return dock


def frame(dock) -> float:
    """Milliseconds to take the new rows, follow and repaint the view once."""
    t = time.perf_counter()
    dock.refresh()
    dock.view.viewport().repaint()
    return (time.perf_counter() - t) * 1000


def summary(name: str, times: list[float], dock) -> str:
    stats = dock.view.stats
    return (
        f"{name}: p50 {pct(times, 0.5):.1f} ms, p99 {pct(times, 0.99):.1f} ms, "
        f"max {max(times):.1f} ms -> {1000 / pct(times, 0.99):.0f} fps at p99 "
        f"(last frame: {len(stats.arrows)} arrows, {stats.bands} bands counting "
        f"{stats.aggregated:,} msgs, {stats.visits} rows/blocks visited)"
    )


def bench_follow(app: QApplication, events: list, zoomed_out: bool) -> None:
    dock = make_dock(app)
    chunk = max(1, len(events) // FRAMES)
    if zoomed_out:  # a zoom at which the whole recording fits the view
        dock.feed(events)
        dock.fit()
        zoom = dock.view.zoom
        dock.clear()
        dock.view.set_zoom(zoom)
    times = []
    for start in range(0, len(events), chunk):
        dock.feed(events[start : start + chunk])
        times.append(frame(dock))
    label = "zoomed out on the whole run" if zoomed_out else "default zoom"
    print(summary(f"following live, {label} ({dock.model.total:,} msgs in {len(times)} frames)",
                  times, dock))  # fmt: skip
    dock.close()


def bench_scroll(app: QApplication, events: list, zoom_factor: float | None) -> None:
    dock = make_dock(app)
    dock.feed(events)
    dock.fit() if zoom_factor is not None else dock.refresh()
    view = dock.view
    if zoom_factor is not None:
        view.set_zoom(view.zoom * zoom_factor)
    view.set_follow(False)
    bar = view.verticalScrollBar()
    step = max(1, (bar.maximum() - bar.minimum()) // 150)
    times = []
    for value in range(bar.minimum(), bar.maximum() + 1, step):
        bar.setValue(value)
        t = time.perf_counter()
        view.viewport().repaint()
        times.append((time.perf_counter() - t) * 1000)
    label = "default zoom" if zoom_factor is None else f"{zoom_factor:g}x the whole-run zoom"
    print(summary(f"scrolling, {label} ({len(times)} frames over {bar.maximum():,} px)", times,
                  dock))  # fmt: skip
    dock.close()


def bench_scale(app: QApplication, total: int = 150_000) -> None:
    from tests.runtime.timeline_events import Events
    from workbench.runtime.events import FRAME_EVENTS as FRAME

    ev = Events()
    dock = make_dock(app, max_messages=100_000)
    rss0 = rss_mb()
    src, dst = (1, "ConnectedSocketAdapter#1"), (2, "Echo#2")
    times = []
    for _ in range(total // FRAME):
        batch = []
        for i in range(FRAME // 2):
            ev.t += 0.0001
            batch.append(ev.sent(src, "outbox", dst, "inbox", "bytes", f"b'line {i}\\r\\n'"))
            batch.append(ev.sent(dst, "outbox", src, "inbox", "bytes", f"b'line {i}\\r\\n'"))
        dock.feed(batch)
        times.append(frame(dock))
    dock.fit()
    fit_ms = frame(dock)
    m = dock.model
    print(f"scale: {m.total:,} msgs fed, {len(m.messages):,} kept, {m.forgotten:,} forgotten, "
          f"RSS +{rss_mb() - rss0:.0f} MiB; following p99 {pct(times, 0.99):.1f} ms/frame, "
          f"whole run in view {fit_ms:.1f} ms ({dock.view.stats.bands} bands, "
          f"{dock.view.stats.visits} rows/blocks visited)")  # fmt: skip
    dock.close()


def capture(out: Path, theme: str) -> list[Path]:
    """The window (1600x1000) with the echo run, 3 clients and the timeline tab; the dock."""
    from bench.screens import SLOW_MOTION, close_window, fit, run_example, start_traffic
    from workbench.runtime.traffic import TrafficPlan

    app, window, port = run_example(theme)
    live = window.live
    window.speed_slider.setValue(SLOW_MOTION)
    plan = TrafficPlan(clients=3, lines=40, rate=1.5, connect_rate=2.5, hold=None, duration=60)
    start_traffic(window, port, plan)
    window.resizeDocks([live.timeline_dock], [380], Qt.Orientation.Vertical)
    timeline = live.timeline_dock
    timeline.raise_()
    ctl = live.controller
    spin(app, 8, lambda: len(ctl.entities_of_kind("connection")) == 3)
    spin(app, 3.0)
    fit(app, window)
    rows = timeline.rows
    for i in range(len(rows.first) - 1, -1, -1):  # a data message out of a CSA, picked
        ev = rows.first[i]
        if ev.msg_type == "bytes" and ev.box == "outbox" and "Adapter" in ev.name:
            timeline.view.select_serial(rows.serial[i])
            live.selection.select_event(ev, "timeline")
            break
    spin(app, 0.4)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"timeline_window_{theme}.png", out / f"timeline_dock_{theme}.png"]
    window.grab().save(str(paths[0]))
    timeline.grab().save(str(paths[1]))
    live.traffic.close_client(1)  # one connection closes: its bar ends at shutdownCSA
    spin(app, 4, lambda: any(line.closed is not None for line in timeline.model.lines.values()))
    spin(app, 0.5)
    timeline.setFloating(True)  # a taller dock for the whole story
    timeline.resize(1500, 560)
    spin(app, 0.3)
    timeline.fit()
    timeline.view.set_follow(False)
    spin(app, 0.3)
    paths.append(out / f"timeline_dock_{theme}_closing.png")
    timeline.grab().save(str(paths[-1]))
    close_window(window)
    return paths


def capture_dense(out: Path, events: list, theme: str) -> Path:
    """The 10,000-message recording zoomed out: density bars and counts."""
    app = QApplication.instance() or QApplication([])
    dock = make_dock(app, theme=theme)
    dock.resize(1500, 520)
    dock.feed(events)
    dock.fit()
    spin(app, 0.2)
    path = out / f"timeline_dock_{theme}_10k.png"
    dock.grab().save(str(path))
    dock.close()
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screens", type=Path, help="also save the screenshots here")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    events = record()
    delivered = sum(1 for e in events if e.kind == "delivered")
    print(f"recording: {len(events):,} events, {delivered:,} deliveries (echo, 8 clients)")
    bench_follow(app, events, zoomed_out=False)
    bench_follow(app, events, zoomed_out=True)
    bench_scroll(app, events, None)
    bench_scroll(app, events, 4.0)
    bench_scroll(app, events, 16.0)
    bench_scale(app)
    if args.screens is not None:
        for theme in ("dark", "light"):
            for path in [*capture(args.screens, theme), capture_dense(args.screens, events, theme)]:
                print(f"saved {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
