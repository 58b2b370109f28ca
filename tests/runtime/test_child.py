"""Programs in child processes watched over the monitor socket: events, output, exits, stops."""

from __future__ import annotations

import importlib.util
import os
import re
import selectors
import socket
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from kamaelia_core.instrument import Event, Tap
from kamaelia_core.scheduler import Scheduler
from workbench.runtime.child import ChildProgram
from workbench.runtime.events import EventStream
from workbench.runtime.remote import RemoteSource, read_token

pytestmark = pytest.mark.timeout(60)

ROOT = Path(__file__).resolve().parents[2]
PROGRAMS = Path(__file__).resolve().parent / "programs"
ECHO = ROOT / "assets" / "examples" / "my_echo_server.py"
EXAMPLE_GRAPH = ROOT / "assets" / "examples" / "echo_server.kgraph.json"


class Watching:
    """An EventStream on a child's source, keeping every event it pumped."""

    def __init__(self, child: ChildProgram) -> None:
        assert child.source is not None
        self.child = child
        self.stream = EventStream(child.source)
        self.events: list[Event] = []
        self.stream.subscribe(self.events.extend)

    def until(self, predicate, timeout: float = 15.0) -> bool:
        def check() -> bool:
            self.stream.pump()
            return predicate()

        return self.child.wait_until(check, timeout)

    def spawned(self, suffix: str) -> list[Event]:
        return [e for e in self.events if e.kind == "spawned" and e.extra["cls"].endswith(suffix)]

    def ended(self, cids: set[int]) -> set[int]:
        return {e.cid for e in self.events if e.kind in ("finished", "stopped") and e.cid in cids}


def by_name(stream: EventStream) -> Counter:
    """Per-link delivery counts keyed by class names and boxes (ids differ between runs)."""
    names = {cid: re.sub(r"#\d+$", "", info.name) for cid, info in stream.components.items()}
    counts: Counter = Counter()
    for (src, box, sink, sink_box), stats in stream.links.items():
        counts[(names.get(src, "?"), box, names.get(sink, "?"), sink_box)] += stats.count
    return counts


def test_a_child_echo_server_shows_one_csa_per_client_and_their_ends():
    with ChildProgram(ECHO, ["--port", "0"]) as child:
        watch = Watching(child)
        assert watch.until(lambda: watch.spawned("ServerCore"))
        port = watch.spawned("ServerCore")[0].extra["port"]
        clients = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(3)]
        try:
            for i, client in enumerate(clients):
                client.sendall(f"hello {i}\n".encode())
                assert client.recv(100) == f"hello {i}\n".encode()
            assert watch.until(lambda: len(watch.spawned("ConnectedSocketAdapter")) == 3)
        finally:
            for client in clients:
                client.close()
        csas = {e.cid for e in watch.spawned("ConnectedSocketAdapter")}
        echoes = {e.cid for e in watch.spawned("Echo")}
        assert watch.until(lambda: watch.ended(csas | echoes) == csas | echoes)
        lines = [line.text for line in child.drain_output()]
        child.stop()
        assert child.exit is not None and child.exit.code == 0
    events = watch.events
    assert all(watch.spawned("ConnectedSocketAdapter")[i].extra["peer"].startswith("127.0.0.1:")
               for i in range(3))  # fmt: skip
    new = [e for e in events if e.kind == "delivered" and e.msg_type == "newCSA"]
    gone = [e for e in events if e.kind == "delivered" and e.msg_type == "shutdownCSA"]
    assert {e.extra["object"] for e in new} == csas  # one newCSA per client, naming its CSA
    assert {e.extra["object"] for e in gone} == csas  # and one shutdownCSA as it closes
    linked = {(e.cid, e.box, e.sink_cid, e.sink_box) for e in events if e.kind == "linked"}
    data = Counter((e.cid, e.sink_cid) for e in events
                   if e.kind in ("delivered", "counted") and e.msg_type == "bytes")  # fmt: skip
    for echo in watch.spawned("Echo"):
        csa = echo.extra["connection"]
        assert (csa, "outbox", echo.cid, "inbox") in linked
        assert data[(csa, echo.cid)] >= 1 and data[(echo.cid, csa)] >= 1
    assert f"echo server listening on 127.0.0.1:{port}" in lines


def test_every_delivery_is_counted_the_same_in_process_and_over_the_socket():
    spec = importlib.util.spec_from_file_location("scripted", PROGRAMS / "scripted.py")
    assert spec is not None and spec.loader is not None
    scripted = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scripted)
    with Scheduler() as sched:
        local = EventStream(sched.attach_tap(Tap(1_000_000)))
        sched.activate(scripted.build(3000))
        sched.run()
        local.pump()
    for budget in (4, 100_000):  # condensed hard, and not at all
        with ChildProgram(PROGRAMS / "scripted.py", ["3000"], budget=budget) as child:
            watch = Watching(child)
            assert watch.until(lambda: child.exit is not None)
            watch.stream.pump()
            remote = watch.stream
            assert child.exit.code == 0 and remote.dropped == 0
        assert remote.delivered == local.delivered == 2 * 3001 + 1501
        assert by_name(remote) == by_name(local)
        counted = [e for e in watch.events if e.kind == "counted"]
        assert bool(counted) == (budget == 4)


def test_a_child_that_crashes_at_start_up_reports_its_traceback():
    with ChildProgram(PROGRAMS / "crash_at_start.py") as child:
        assert child.wait_until(lambda: child.exit is not None, 20)
        stderr = [line.text for line in child.drain_output() if line.stream == "stderr"]
        source = child.source
    assert child.exit.code == 1 and child.exit.signal is None
    assert child.exit.exception is not None
    assert child.exit.describe() == "exited with status 1: ValueError: no port configured"
    assert stderr[0] == "Traceback (most recent call last):" and stderr[-1] == (
        "ValueError: no port configured"
    )
    assert any("crash_at_start.py" in line and "read_config" in line for line in stderr)
    assert not any("runpy" in line or "monitor/runner.py" in line for line in stderr)
    assert source is not None and source.exit is not None and source.exit.status == 1
    assert source.exit.exception == child.exit.exception
    assert "crash_at_start.py" in source.exit.exception


@pytest.mark.slow
def test_a_component_looping_forever_is_reported_and_stop_ends_the_process():
    with ChildProgram(PROGRAMS / "looper.py", grace=0.5) as child:
        source = child.source
        assert source is not None
        assert child.wait_until(lambda: bool(source.stalls), 20)
        stall = source.stalls[0]
        assert stall.name.startswith("Looper#") and not stall.over and stall.seconds >= 1.0
        assert "looper.py" in stall.where
        assert child.running
        child.stop()
        assert not child.running
    assert child.exit.signal == "SIGTERM"  # the stop command could not run; SIGTERM did
    assert source.exit is not None and source.exit.signal == "SIGTERM"


@pytest.mark.slow
def test_a_child_ignoring_sigterm_is_killed():
    with ChildProgram(PROGRAMS / "stubborn.py", grace=0.3) as child:
        assert child.wait_until(
            lambda: any(x.text == "ignoring SIGTERM" for x in child.drain_output()), 20
        )
        child.stop()
        assert child.exit is not None and child.exit.signal == "SIGKILL"
        pid = child.pid
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # type: ignore[arg-type]


def test_output_is_captured_line_by_line_and_bounded():
    with ChildProgram(PROGRAMS / "chatty.py", max_lines=10) as child:
        assert child.wait_until(lambda: child.exit is not None, 20)
        lines = child.drain_output()
    stdout = [x.text for x in lines if x.stream == "stdout"]
    assert [x.text for x in lines if x.stream == "stderr"] == ["done"]
    assert stdout == [f"line {i}" for i in range(91, 100)]
    assert child.dropped_lines == 91 and child.exit.code == 0


def test_a_graph_runs_in_a_child_and_its_components_carry_their_design_ids():
    with ChildProgram.for_graph(EXAMPLE_GRAPH) as child:
        watch = Watching(child)
        assert watch.until(lambda: watch.spawned("ServerCore"))
        server = watch.spawned("ServerCore")[0]
        assert server.extra["design_id"] == "n1"
        with socket.create_connection(("127.0.0.1", server.extra["port"]), timeout=5) as client:
            client.sendall(b"ping\n")
            assert client.recv(10) == b"ping\n"
        assert watch.until(lambda: watch.spawned("Echo"))
        assert watch.spawned("Echo")[0].extra["instance_of"] == "n2"
        lines = [x.text for x in child.drain_output()]
        assert f"listening: echo_server on 127.0.0.1:{server.extra['port']}" in lines
        child.stop()
    assert child.exit.code == 0  # the stop command ended run(); child_main returned 0


@pytest.fixture
def served(tmp_path, request) -> Iterator[tuple[subprocess.Popen, str, Path]]:
    """ticker.py started with ``--serve`` (the address from the test's param), not as a child."""
    address = request.param.replace("TMP", str(tmp_path))
    token_file = tmp_path / "ticker.token"
    proc = subprocess.Popen(
        [sys.executable, "-m", "kamaelia_core.monitor", "--serve", address,
         "--token-file", str(token_file), str(PROGRAMS / "ticker.py")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        where = _announced(proc)
        yield proc, where, token_file
    finally:
        proc.terminate()
        proc.wait(10)
        proc.stderr.close()  # type: ignore[union-attr]
    assert proc.returncode == -15  # it reported its exit, then died of the signal as asked
    assert not token_file.exists()


def _announced(proc: subprocess.Popen) -> str:
    """The address the monitor prints on stderr."""
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stderr, selectors.EVENT_READ)  # type: ignore[arg-type]
        assert sel.select(20), "the monitor did not say where it listens"
    line = proc.stderr.readline()  # type: ignore[union-attr]
    match = re.match(r"kamaelia monitor: listening on (\S+); attach with:", line)
    assert match, line
    assert "kamaelia-workbench --attach" in proc.stderr.readline()  # type: ignore[union-attr]
    return match.group(1)


def _ticking(stream: EventStream) -> bool:
    """Pump; whether the Ticker is known and has delivered a few ticks."""
    stream.pump()
    ticker = [c for c in stream.components.values() if c.name.startswith("Ticker")]
    return bool(ticker) and stream.delivered >= 3


@pytest.mark.parametrize("served", ["127.0.0.1:0", "unix:TMP/ticker.sock"], indirect=True)
def test_attach_to_a_running_program_detach_and_it_keeps_running(served):
    proc, address, token_file = served
    seen: list[int] = []
    for _ in range(2):
        with RemoteSource.attach(address, read_token(token_file=str(token_file))) as source:
            stream = EventStream(source)
            assert source.wait_until(lambda: source.program is not None, 10)
            assert source.program["program"].endswith("ticker.py")

            assert source.wait_until(lambda s=stream: _ticking(s), 10)
            seen.append(stream.delivered)
            assert source.state == "running"
        assert proc.poll() is None  # detached: the program runs on
    assert len(seen) == 2


def test_attach_with_a_wrong_token_is_refused(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-m", "kamaelia_core.monitor", "--token-file", str(tmp_path / "t"),
         str(PROGRAMS / "ticker.py")],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        address = _announced(proc)
        with RemoteSource.attach(address, "not the token") as source:
            assert source.wait_until(lambda: source.state == "refused", 10)
            assert "wrong or missing token" in (source.error or "")
    finally:
        proc.terminate()
        proc.wait(10)
        proc.stderr.close()  # type: ignore[union-attr]


def test_a_child_whose_workbench_goes_away_stops_by_itself():
    with ChildProgram(PROGRAMS / "ticker.py") as child:
        watch = Watching(child)
        assert watch.until(lambda: watch.stream.delivered >= 2)  # running, ticking
        assert child.source is not None
        child.source.close()  # as if the workbench had died
        assert child.wait_until(lambda: child.exit is not None, 20)
    assert child.exit.code == 0  # its schedulers were stopped; the program ended normally


def test_the_environment_turns_the_monitor_on_with_no_code_change():
    with RemoteSource.listen() as source:
        env = {**os.environ, "KAMAELIA_MONITOR_CONNECT": source.address,
               "KAMAELIA_MONITOR_TOKEN": source.token}  # fmt: skip
        proc = subprocess.Popen(
            [sys.executable, str(PROGRAMS / "scripted.py"), "500"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            stream = EventStream(source)
            assert source.wait_until(
                lambda: (stream.pump() or True) and source.exit is not None, 20
            )
            stream.pump()
        finally:
            _, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert source.program is not None and source.program["mode"] == "connect"
    assert stream.delivered == 2 * 501 + 251
    assert source.exit.status is None  # without the runner the status is not known at exit
