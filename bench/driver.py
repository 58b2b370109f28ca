"""Benchmark: the kamaelia_core scheduler hosted in the Qt event loop (workbench/ui/driver.py).

Figures, in one run, each against the bare scheduler where that makes sense:

* ring: 200 components passing 50 tokens round a ring, hops/s, bare ``step()`` loop vs the Qt
  driver with a 30 Hz repainting view;
* echo: a ServerCore echo server hosted by the driver, 64-byte round trips from 100 loopback
  connections made by a load generator in another process pinned to the other CPU;
* timer lateness: p50/p99 of a 16 ms QTimer while the ring and then the echo load run;
* idle CPU: the same system, nothing to do, over 3 s (server listening, ring empty).

Loopback only, bounded in time. Offscreen.

Usage::

    QT_QPA_PLATFORM=offscreen python bench/driver.py [--seconds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QGraphicsScene, QGraphicsView

from kamaelia_core import Component, Scheduler
from kamaelia_core.net import ServerCore
from kamaelia_core.util.echo import Echo
from workbench.ui.driver import SchedulerDriver

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from _common import cpus, pinned, process_cpu_seconds, table  # noqa: E402

RING, TOKENS = 200, 50


class Hop(Component):
    """Forwards every token to the next member of the ring."""

    hops = 0

    def main(self):
        inbox = self.inboxes["inbox"]
        send = self.send
        while True:
            while inbox.storage:
                send(inbox.pop())
                Hop.hops += 1
            self.pause()
            yield 1


def ring(sched: Scheduler, tokens: int) -> list[Hop]:
    """Build and start the ring with ``tokens`` tokens in flight."""
    members = [Hop() for _ in range(RING)]
    for a, b in zip(members, members[1:] + members[:1], strict=True):
        a.link((a, "outbox"), (b, "inbox"))
    for member in members:
        sched.activate(member)
    for i in range(tokens):
        members[i * RING // max(tokens, 1)]._deliver(i)
    return members


def spin(app: QApplication, seconds: float) -> None:
    """Run the Qt loop for ``seconds``."""
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


class Lateness:
    """A 16 ms timer that records how late each tick is."""

    def __init__(self) -> None:
        self.late: list[float] = []
        self._expected = 0.0
        self.timer = QTimer(interval=16)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.late.clear()
        self._expected = time.monotonic() + 0.016
        self.timer.start()

    def _tick(self) -> None:
        now = time.monotonic()
        self.late.append(max(0.0, now - self._expected))
        self._expected = now + 0.016

    def stop(self) -> tuple[float, float]:
        self.timer.stop()
        values = sorted(self.late) or [0.0]
        return values[len(values) // 2] * 1000, values[int(len(values) * 0.99) - 1] * 1000


def bare_ring(seconds: float) -> float:
    sched = Scheduler()
    ring(sched, TOKENS)
    Hop.hops = 0
    end = time.monotonic() + seconds
    start = time.monotonic()
    while time.monotonic() < end:
        sched.step(0.01)
    rate = Hop.hops / (time.monotonic() - start)
    sched.close()
    return rate


def main() -> None:
    """Run every phase and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    cores = cpus()
    if len(cores) > 1:
        pinned(cores[0])()
    app = QApplication.instance() or QApplication([])
    scene = QGraphicsScene()
    for i in range(200):
        scene.addRect(i * 12.0, (i % 20) * 12.0, 10, 10)
    view = QGraphicsView(scene)
    view.resize(800, 600)
    view.show()
    repaint = QTimer(interval=33)
    repaint.timeout.connect(view.viewport().update)
    repaint.start()
    lateness = Lateness()
    rows = []

    bare = bare_ring(args.seconds)
    sched = Scheduler()
    driver = SchedulerDriver(sched)
    driver.start()
    members = ring(sched, TOKENS)
    spin(app, 0.3)
    Hop.hops = 0
    lateness.start()
    start = time.monotonic()
    spin(app, args.seconds)
    hosted = Hop.hops / (time.monotonic() - start)
    ring_late = lateness.stop()
    rows.append(
        ["ring hops/s (200 comps)", f"{hosted:,.0f}", f"{bare:,.0f}", f"{hosted / bare:.2f}x"]
    )
    for member in members:
        member.stop()
    spin(app, 0.2)

    server = ServerCore(protocol=Echo, port=0)
    sched.activate(server)
    spin(app, 0.2)
    phase = {"kind": "rt", "port": server.port, "conns": 100, "duration": args.seconds}
    load = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "echo.py"), "--loadgen", json.dumps(phase)],
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=pinned(cores[1]) if len(cores) > 1 else None,
    )
    lateness.start()
    while load.poll() is None:
        spin(app, 0.05)
    echo_late = lateness.stop()
    out = load.stdout.read() if load.stdout else ""
    if load.stdout:
        load.stdout.close()
    result = json.loads(out) if out.strip() else {}
    rows.append(["echo req/s (100 conns)", f"{result.get('rps', 0):,.0f}", "", ""])
    rows.append(["echo p99 ms", f"{result.get('p99_ms', 0):.2f}", "", ""])
    rows.append(
        ["16 ms timer late p50/p99 ms, ring", f"{ring_late[0]:.1f} / {ring_late[1]:.1f}", "", ""]
    )
    rows.append(
        ["16 ms timer late p50/p99 ms, echo", f"{echo_late[0]:.1f} / {echo_late[1]:.1f}", "", ""]
    )

    repaint.stop()
    spin(app, 0.5)
    pid = os.getpid()
    slices0 = driver.slices
    cpu0, t0 = process_cpu_seconds(pid), time.monotonic()
    spin(app, args.seconds)
    idle = 100.0 * (process_cpu_seconds(pid) - cpu0) / (time.monotonic() - t0)
    rows.append(["idle CPU % (server listening)", f"{idle:.2f}", "", ""])
    rows.append(["scheduler slices while idle", f"{driver.slices - slices0}", "", ""])
    print(table(["figure", "Qt driver", "bare scheduler", "ratio"], rows))
    driver.stop()
    sched.close()
    view.close()


if __name__ == "__main__":
    main()
