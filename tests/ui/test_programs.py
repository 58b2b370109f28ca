"""Programs in other processes, watched in the window: started by it, or attached to."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer

from tests.ui.conftest import WINDOW_SIZE
from workbench.model import Catalog
from workbench.resources import examples_dir
from workbench.runtime.remote import read_token

pytestmark = [pytest.mark.timeout(90), pytest.mark.slow]

PROGRAMS = Path(__file__).resolve().parents[1] / "runtime" / "programs"
ECHO = examples_dir() / "my_echo_server.py"


@pytest.fixture
def window(make_window):
    return make_window(Catalog.discover(), WINDOW_SIZE)


def log_text(window) -> str:
    return "\n".join(text for _level, text in window.log.entries)


def test_a_programs_echo_server_shows_a_csa_per_client_that_goes_on_close(qtbot, window):
    assert window.programs.open_program(str(ECHO), ["--port", "0"])
    run = window.run.session
    assert window.docs.display_name() == "my_echo_server.py (program)"
    qtbot.waitUntil(lambda: bool(run.model.listening()), timeout=15_000)
    qtbot.waitUntil(lambda: "echo server listening on 127.0.0.1:" in log_text(window), timeout=5000)
    core = next(n for n in window.graph.nodes if n.container_kind == "servercore")
    assert core.name.startswith("ServerCore#")  # grown from the program's events
    gen = window.live.start_traffic(2)
    assert gen is not None
    ctl = window.live.controller

    def drawn_connections():
        return [e for e in ctl.entities_of_kind("connection") if e.item is not None]

    qtbot.waitUntil(lambda: len(drawn_connections()) == 2, timeout=10_000)
    qtbot.waitUntil(lambda: gen.stats.bytes_received > 0, timeout=10_000)
    window.live.stop_traffic()
    model = run.model
    qtbot.waitUntil(lambda: model.closed == 2 and model.live_connections() == 0, timeout=10_000)
    child = run.child
    window.stop_graph()  # ends the child: nothing is left running
    assert child.exit is not None and not child.running
    assert "my_echo_server.py" in log_text(window)


def test_a_program_that_loops_forever_leaves_the_window_responsive_and_stop_ends_it(qtbot, window):
    ticks = []
    beat = QTimer(interval=20)
    beat.timeout.connect(lambda: ticks.append(1))
    beat.start()
    try:
        assert window.programs.open_program(str(PROGRAMS / "looper.py"))
        run = window.run.session
        qtbot.waitUntil(lambda: bool(run.stalls), timeout=15_000)
        status = window.status_label
        qtbot.waitUntil(lambda: "held the program's scheduler" in status.text(), timeout=5000)
        before = len(ticks)
        qtbot.waitUntil(lambda: len(ticks) > before + 10, timeout=3000)  # the window lives on
        child = run.child
        window.stop_graph()
        assert child.exit is not None and not child.running
    finally:
        beat.stop()


def test_a_program_that_crashes_at_start_up_shows_its_traceback(qtbot, window):
    assert window.programs.open_program(str(PROGRAMS / "crash_at_start.py"))
    run = window.run.session
    qtbot.waitUntil(lambda: run.finished, timeout=15_000)
    qtbot.waitUntil(lambda: "Traceback" in log_text(window), timeout=5000)  # its stderr
    assert 'raise ValueError("no port configured")' in log_text(window)
    assert log_text(window).count("exited with status 1") == 1  # its end, said once
    assert "status 1" in window.status_label.text()


def test_attach_to_a_running_program_and_detach_leaving_it_running(qtbot, window, tmp_path):
    address = f"unix:{tmp_path / 'monitor.sock'}"
    token_file = tmp_path / "monitor.token"
    program = subprocess.Popen(
        [sys.executable, "-m", "kamaelia_core.monitor", "--serve", address, "--token-file",
         str(token_file), str(ECHO), "--port", "0"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        qtbot.waitUntil(token_file.exists, timeout=15_000)
        assert window.programs.attach(address, read_token(token_file=str(token_file)))
        run = window.run.session
        qtbot.waitUntil(lambda: bool(run.model.listening()), timeout=10_000)
        assert any(n.component.endswith("ServerCore") for n in window.graph.nodes)
        window.stop_graph()  # detach
        assert program.poll() is None  # the program keeps running
    finally:
        program.terminate()
        program.wait(10)


def test_a_graph_runs_in_a_separate_process_drawn_on_its_own_design(qtbot, window):
    from workbench.resources import example_path

    assert window.open_file(str(example_path("echo_server")))
    assert window.programs.run_graph_in_child()
    run = window.run.session
    assert run.child is not None and run.title.endswith("(separate process)")
    qtbot.waitUntil(lambda: bool(run.model.listening()), timeout=15_000)
    core = next(n for n in window.graph.nodes if n.container_kind == "servercore")
    assert run.model.by_design.get(core.id)  # placed by its design id, from the child's events
    gen = window.live.start_traffic(1)
    qtbot.waitUntil(lambda: gen.stats.bytes_received > 0, timeout=10_000)
    ctl = window.live.controller
    qtbot.waitUntil(lambda: bool(ctl.entities_of_kind("connection")), timeout=5000)
    child = run.child
    window.stop_graph()
    assert child.exit is not None and not child.running
