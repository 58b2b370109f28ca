"""Offscreen screenshots of the live view in the real MainWindow (used by bench/liveview.py).

Opens the echo example, runs it, opens loopback clients with the toolbar's traffic generator and
grabs the window at chosen moments: connections appearing, three live, one closing, and a flood
in high-rate mode; and the README's picture (workbench_live.png): three live connections in slow
motion with the TCPServer in the Inspector and a data row of the log shown on the canvas.
The pictures go to assets/screens/.

Run: ``QT_QPA_PLATFORM=offscreen python bench/screens.py [DIR]`` (DIR: assets/screens by default).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QEventLoop, QSettings
from PySide6.QtWidgets import QApplication

from workbench.resources import example_path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = example_path("echo_server")


def spin(app: QApplication, seconds: float, until: Callable[[], bool] | None = None) -> bool:
    """Run the Qt loop for ``seconds`` (or until ``until()``); True when the condition held."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        if until is not None and until():
            return True
    return until is None


def make_window(app: QApplication, theme: str = "dark"):
    """A MainWindow at 1600x1000 with the echo example open, settings in a temp dir."""
    from workbench.model import Catalog
    from workbench.ui.main_window import MainWindow

    tmp = Path(tempfile.mkdtemp(prefix="kw-screens-"))
    settings = QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Catalog.discover(), settings=settings, autosave_dir=tmp / "auto")
    window.ask_save_changes = lambda: "discard"
    window.resize(1600, 1000)
    window.set_theme(theme)
    window.show()
    window.open_file(str(EXAMPLE))
    spin(app, 0.2)
    return window


def fit(app: QApplication, window) -> None:
    """Fit the canvas on the running graph."""
    window.view.fit_all()
    spin(app, 0.05)


SLOW_MOTION = 54
"""The speed slider's position for 0.25x."""


def run_example(theme: str = "dark") -> tuple[QApplication, Any, int]:
    """Open the echo example in a new window, run it and wait for its server to listen.

    Returns:
        The application, the window and the server's port.
    """
    from workbench.runtime.traffic import server_ports

    app = QApplication.instance() or QApplication([])
    window = make_window(app, theme)
    window.run_graph()
    spin(app, 2, lambda: bool(window.run.session and server_ports(window.run.session.scheduler)))
    return app, window, server_ports(window.run.session.scheduler)[0]


def start_traffic(window, port: int, plan) -> None:
    """Open loopback clients on ``port`` following ``plan`` (the toolbar's traffic generator)."""
    from workbench.runtime.traffic import TrafficGenerator

    window.live.traffic = TrafficGenerator(window.run.session.scheduler, port, plan=plan).start()


def close_window(window) -> None:
    """Stop the clients and the running graph, and close the window."""
    window.live.stop_traffic()
    window.shutdown()
    window.close()


def capture_strip(out: Path, theme: str = "dark") -> list[Path]:
    """Grab connections appearing, three live and one closing; returns the files written."""
    from workbench.runtime.traffic import TrafficPlan

    app, window, port = run_example(theme)
    live = window.live
    window.speed_slider.setValue(SLOW_MOTION)
    live.set_clients(3)
    plan = TrafficPlan(clients=3, lines=40, rate=1.2, connect_rate=2.5, hold=None, duration=60)
    start_traffic(window, port, plan)
    ctl = live.controller
    written = []
    spin(app, 4, lambda: len(ctl.entities_of_kind("connection")) >= 2)
    fit(app, window)
    spin(app, 0.25)
    written.append(_grab(window, out / f"live_{theme}_1_connecting.png"))
    spin(app, 6, lambda: len(ctl.entities_of_kind("connection")) == 3)
    spin(app, 1.6)
    fit(app, window)
    _select_a_data_row(window)
    spin(app, 0.4)
    written.append(_grab(window, out / f"live_{theme}_2_three_live.png"))
    live.traffic.close_client(2)
    spin(app, 3, lambda: any(e.closing for e in ctl.entities_of_kind("connection")))
    spin(app, 0.35)
    written.append(_grab(window, out / f"live_{theme}_3_closing.png"))
    close_window(window)
    return written


def capture_highrate(out: Path, clients: int = 137) -> Path:
    """A flood from ``clients`` ping-pong clients: stacks, rates and the high-rate banner."""
    from workbench.runtime.traffic import TrafficPlan

    app, window, port = run_example("dark")
    live = window.live
    plan = TrafficPlan(clients=clients, lines=100_000, rate=0, connect_rate=0, hold=None,
                       duration=60)  # fmt: skip
    spin(app, 2, lambda: _select_tcpserver(window))  # inspected through the flood
    start_traffic(window, port, plan)
    live.set_clients(clients)
    ctl = live.controller

    def flooded() -> bool:
        return ctl.mode == "high-rate" and len(ctl.entities_of_kind("connection")) >= clients

    spin(app, 8, flooded)
    spin(app, 1.2)
    fit(app, window)
    spin(app, 0.6)
    path = _grab(window, out / "live_dark_4_highrate.png")
    close_window(window)
    return path


def capture_hero(out: Path, theme: str = "dark") -> Path:
    """The README's picture: three live connections at 0.25x, the TCPServer inspected (counters,
    sparkline, boxes) and a data row of the log highlighted on the canvas."""
    from workbench.runtime.traffic import TrafficPlan

    app, window, port = run_example(theme)
    live = window.live
    window.speed_slider.setValue(SLOW_MOTION)
    live.set_clients(3)
    plan = TrafficPlan(clients=3, lines=400, rate=1.5, connect_rate=0.6, hold=None, duration=90)
    start_traffic(window, port, plan)
    ctl = live.controller
    spin(app, 10, lambda: len(ctl.entities_of_kind("connection")) == 3)
    tcp = _select_tcpserver(window)  # the Inspector shows it, the breadcrumb its path
    for _ in range(6):  # let the inspector take its 1 s samples: the sparkline's history
        spin(app, 1.0)
    fit(app, window)
    _select_a_data_row(window)
    if tcp is not None:  # keep the server selected too (as a Ctrl+click would)
        window.scene.blockSignals(True)
        tcp.setSelected(True)
        window.scene.blockSignals(False)
    spin(app, 0.5)
    path = _grab(window, out / "workbench_live.png")
    close_window(window)
    return path


def capture_all(out: Path) -> list[Path]:
    """Every picture of assets/screens/ under its usual name in ``out``."""
    written = [*capture_strip(out), capture_highrate(out), capture_hero(out)]
    with tempfile.TemporaryDirectory(prefix="kw-light-") as tmp:
        light = capture_strip(Path(tmp), "light")
        keep = next(p for p in light if p.name == "live_light_2_three_live.png")
        written.append(Path(shutil.copy(keep, out / keep.name)))
    return written


def _select_tcpserver(window):
    """Select the TCPServer's card (None while it is not drawn yet)."""
    tcp = next((i for i in window.scene.items() if getattr(i, "title", "") == "TCPServer"), None)
    if tcp is not None and not tcp.isSelected():
        window.scene.clearSelection()
        tcp.setSelected(True)
    return tcp


def _select_a_data_row(window) -> None:
    dock = window.live.log_dock
    model = dock.model
    for i in range(len(model.shown) - 1, -1, -1):
        row = model.shown[i]
        if row.type == "bytes" and row.box == "outbox" and "CSA" in row.source:
            dock.table.selectRow(i)
            window.live.controller.select_event(row)
            return


def _grab(window, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(path))
    return path


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "assets" / "screens"
    for saved in capture_all(target):
        print(f"saved {saved}")
