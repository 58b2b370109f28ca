"""Benchmark of replaying a recording in the window (offscreen): a 60 s run played at 10x.

Run: ``QT_QPA_PLATFORM=offscreen python bench/replay.py [--seconds 60] [--speed 10]``. It first
records ``--seconds`` of the echo example with 8 loopback clients sending a line every 200 ms
(headless, ``kamaelia-run``-style: a Session and a Recorder), then opens the recording in a
MainWindow and replays it at ``--speed``. Figures printed:

- the recording: events, deliveries, seconds recorded;
- the replay's wall time against the ideal (recorded seconds / speed), and the replay clock's
  lag behind the wall clock (p50/p99 of position error, sampled each frame);
- frame time while replaying (pump + draw of the canvas, log and timeline), p50/p99 and fps;
- whether the replayed model ends with the recorded picture (same entities, links, counts).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QEvent, QObject, QSettings
from PySide6.QtWidgets import QApplication


def pct(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def record(path: Path, seconds: float) -> dict:
    """Record ``seconds`` of the echo example under steady loopback traffic."""
    from workbench.model import Catalog
    from workbench.model.io import graph_to_data, load
    from workbench.resources import example_path
    from workbench.runtime.recorder import Recorder
    from workbench.runtime.session import Session
    from workbench.runtime.traffic import TrafficGenerator, TrafficPlan

    catalog = Catalog.discover()
    graph = load(example_path("echo_server"), catalog)
    session = Session(graph, catalog)
    recorder = Recorder(session.events, path, "echo_server.kgraph.json", graph_to_data(graph))
    session.start()
    session.run_for(0.5)
    port = int(session.model.listening()[0].rsplit(":", 1)[1])
    plan = TrafficPlan(clients=8, lines=int(seconds * 5), rate=5.0, connect_rate=20,
                       hold=None, duration=seconds + 5)  # fmt: skip
    gen = TrafficGenerator(session.scheduler, port, plan=plan).start()
    session.run_for(seconds)
    gen.stop()
    session.run_for(0.5)
    session.stop()  # its last events (every component ending) go into the recording too
    recorder.close()
    picture = session.model.picture()
    return {"events": recorder.count, "delivered": session.model.delivered, "picture": picture}


class Painted(QObject):
    """Counts paints of the canvas viewport and times the frames between pumps."""

    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def replay(app: QApplication, path: Path, speed: float) -> dict:
    """Replay ``path`` in a window at ``speed``; frame times and clock accuracy."""
    from workbench.model import Catalog
    from workbench.ui.main_window import MainWindow

    with tempfile.TemporaryDirectory() as tmp:
        settings = QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat)
        window = MainWindow(Catalog.discover(), settings=settings, autosave_dir=Path(tmp) / "a")
        window.resize(1600, 1000)
        window.show()
        painted = Painted()
        window.view.viewport().installEventFilter(painted)
        assert window.open_file(str(path))
        run = window.run.session
        window.toggle_pause(True)  # let the window settle (first paints, layout), then start over
        settle = time.monotonic() + 1.0
        while time.monotonic() < settle:
            app.processEvents()
        window.watch.seek(0.0)
        run.set_speed(speed)
        window.toggle_pause(False)
        frames: list[float] = []
        errors: list[float] = []
        pump = window.run.pump
        started = time.monotonic()

        def timed_pump(original=pump.pump):
            t0 = time.perf_counter()
            count = original()
            app.processEvents()  # the paints this pump caused
            frames.append(time.perf_counter() - t0)
            ideal = min(run.duration, (time.monotonic() - started) * speed)
            errors.append(abs(run.position - ideal) / speed)  # in wall seconds
            return count

        pump.pump = timed_pump  # type: ignore[method-assign]
        pump._timer.timeout.disconnect()
        pump._timer.timeout.connect(timed_pump)
        deadline = started + run.duration / speed + 30
        while not run.finished and time.monotonic() < deadline:
            app.processEvents()
        wall = time.monotonic() - started
        for _ in range(20):
            app.processEvents()
        result = {
            "wall": wall,
            "ideal": run.duration / speed,
            "frames": frames,
            "errors": errors,
            "paints": painted.paints,
            "picture": run.model.picture(),
            "finished": run.finished,
        }
        window.shutdown()
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the recording")
    parser.add_argument("--speed", type=float, default=10.0, help="replay speed")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "echo.jsonl"
        t0 = time.monotonic()
        made = record(path, args.seconds)
        print(
            f"recording: {made['events']:,} events, {made['delivered']:,} deliveries, "
            f"{args.seconds:g} s of echo with 8 clients (made in {time.monotonic() - t0:.1f} s)"
        )
        played = replay(app, path, args.speed)
    frames = played["frames"]
    p50, p99 = pct(frames, 0.5) * 1000, pct(frames, 0.99) * 1000
    same = (
        played["picture"]["entities"] == made["picture"]["entities"]
        and played["picture"]["links"] == made["picture"]["links"]
        and played["picture"]["counters"] == made["picture"]["counters"]
    )
    print(
        f"replay at {args.speed:g}x: {played['wall']:.2f} s wall for {played['ideal']:.2f} s "
        f"ideal ({played['wall'] / played['ideal']:.2f}x the ideal), "
        f"clock error p50 {pct(played['errors'], 0.5) * 1000:.1f} ms "
        f"p99 {pct(played['errors'], 0.99) * 1000:.1f} ms"
    )
    print(
        f"frames: {len(frames)} pumps, p50 {p50:.1f} ms, p99 {p99:.1f} ms "
        f"({1000 / p99 if p99 else float('inf'):.0f} fps at p99), {played['paints']} paints"
    )
    slowest = sorted(range(len(frames)), key=frames.__getitem__)[-3:]
    print(
        "slowest frames: " + ", ".join(f"#{i} {frames[i] * 1000:.1f} ms" for i in reversed(slowest))
    )
    print(f"same picture as the run: {same}; finished: {played['finished']}")


if __name__ == "__main__":
    main()
