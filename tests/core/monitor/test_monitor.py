"""The program side of the monitor, in process: handshake, snapshot, commands, bounds, stalls."""

from __future__ import annotations

import os
import socket
import stat
import threading
import time
from collections import Counter as Tally
from collections.abc import Generator, Iterator
from typing import Any

import pytest

from kamaelia_core import ipc
from kamaelia_core.component import Component
from kamaelia_core.condense import COUNTED
from kamaelia_core.monitor import MonitorError, connect, current, serve
from kamaelia_core.monitor import protocol as proto
from kamaelia_core.scheduler import Scheduler
from tests.core.helpers import Sink
from tests.core.monitor.viewer import RawViewer

pytestmark = [pytest.mark.core_only, pytest.mark.timeout(60)]


class Counter(Component):
    """Counts its slices and never pauses."""

    def __init__(self) -> None:
        super().__init__()
        self.n = 0

    def main(self) -> Generator[Any, None, None]:
        while True:
            self.n += 1
            yield 1


class Note(ipc.notify):
    """An ipc message of the tests' own (always sent to a viewer as it is)."""


class Notes(Component):
    """Sends ``count`` Notes, a hundred per slice, then producerFinished."""

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count

    def main(self) -> Generator[Any, None, None]:
        for start in range(0, self.count, 100):
            for _ in range(min(100, self.count - start)):
                self.send(Note(self, None), "outbox")
            yield 1
        self.send(ipc.producerFinished(self), "signal")


class Spinner(Component):
    """Holds its scheduler for ``seconds`` in one slice, then ends."""

    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds

    def main(self) -> Generator[Any, None, None]:
        yield 1
        end = time.monotonic() + self.seconds
        while time.monotonic() < end:
            pass
        yield 1


class Running:
    """A scheduler running ``comps`` in a thread of its own (made after the monitor starts)."""

    def __init__(self, *comps: Component) -> None:
        self.sched = Scheduler()
        for comp in comps:
            self.sched.activate(comp)
        self.thread = threading.Thread(target=self.sched.run, name="test-scheduler")
        self.thread.start()

    def turn(self) -> None:
        """Return once the scheduler thread has run what was asked of it before this call."""
        done = threading.Event()
        self.sched.io.call_soon_threadsafe(done.set)
        assert done.wait(5), "the scheduler thread did not turn"

    def close(self) -> None:
        self.sched.io.call_soon_threadsafe(self.sched.stop)
        self.thread.join(10)
        assert not self.thread.is_alive()
        self.sched.close()


@pytest.fixture
def monitor(tmp_path) -> Iterator[Any]:
    mon = serve("127.0.0.1:0", tmp_path / "monitor.token", announce=False, stall_limit=0.2)
    yield mon
    mon.close()
    assert current() is None


def attach(mon: Any, **kw: Any) -> RawViewer:
    viewer = RawViewer(mon.address, mon.token, **kw)
    assert viewer.read_until(lambda f: f["type"] in ("welcome", "refused"))["type"] == "welcome"
    return viewer


def test_serve_writes_a_private_token_file_and_refuses_a_second_monitor(monitor, tmp_path):
    assert monitor.token_file == tmp_path / "monitor.token"
    assert stat.S_IMODE(os.stat(monitor.token_file).st_mode) == 0o600
    assert proto.read_token_file(monitor.token_file) == monitor.token
    assert monitor.address.host == "127.0.0.1" and monitor.address.port > 0
    with pytest.raises(MonitorError, match="already on"):
        serve("127.0.0.1:0", tmp_path / "other.token", announce=False)
    assert not (tmp_path / "other.token").exists()


def test_serve_refuses_a_non_loopback_address(tmp_path):
    with pytest.raises(proto.ProtocolError, match="loopback addresses or Unix sockets only"):
        serve("0.0.0.0:0", tmp_path / "t", announce=False)
    assert current() is None and not (tmp_path / "t").exists()


@pytest.mark.parametrize("token", ["wrong", ""])
def test_a_wrong_or_missing_token_is_refused_with_a_clear_message_and_logged(
    monitor, caplog, token
):
    viewer = RawViewer(monitor.address, token)
    try:
        frame = viewer.read_until(lambda f: True)
        viewer.read_to_end()
    finally:
        viewer.close()
    assert frame == {
        "type": "refused",
        "reason": "token",
        "message": "wrong or missing token: pass the token from the monitor's token file",
    }
    assert viewer.eof and monitor.refusals == 1
    assert (
        "refused a viewer from 127.0.0.1" in caplog.text and "wrong or missing token" in caplog.text
    )


def test_a_viewer_of_another_protocol_version_is_refused(monitor):
    viewer = RawViewer(monitor.address, monitor.token, hello={"protocol": 2})
    try:
        frame = viewer.read_until(lambda f: True)
    finally:
        viewer.close()
    assert frame["type"] == "refused" and frame["reason"] == "version"
    assert "protocol version 2 is not spoken here (this side speaks 1)" in frame["message"]


def test_a_second_viewer_is_refused_while_one_is_attached(monitor):
    first = attach(monitor)
    second = RawViewer(monitor.address, monitor.token)
    try:
        frame = second.read_until(lambda f: True)
    finally:
        second.close()
        first.close()
    assert frame["type"] == "refused" and frame["reason"] == "busy"


def test_attaching_gets_a_snapshot_and_detaching_leaves_the_program_running(monitor):
    counter, sink = Counter(), Sink()
    counter.link((counter, "outbox"), (sink, "inbox"))
    running = Running(counter, sink)
    try:
        for _ in range(2):  # attach, detach, attach again: a fresh snapshot each time
            viewer = attach(monitor)
            program = viewer.read_until(lambda f: f["type"] == "program")
            assert program["pid"] == os.getpid() and program["mode"] == "serve"
            state = viewer.read_until(lambda f: f["type"] == "state")
            assert state["state"] == "running" and state["thread"] == "test-scheduler"
            viewer.read_until(lambda f: any(e.kind == "linked" for e in proto.events_of(f))
                              if f["type"] == "events" else False)  # fmt: skip
            events = viewer.events()
            spawned = {e.cid: e for e in events if e.kind == "spawned"}
            assert {counter.cid, sink.cid} <= set(spawned)
            assert spawned[counter.cid].extra["cls"].endswith("Counter")
            linked = [e for e in events if e.kind == "linked"]
            assert [(e.cid, e.box, e.sink_cid, e.sink_box) for e in linked] == [
                (counter.cid, "outbox", sink.cid, "inbox")
            ]
            assert running.sched.tap is not None
            viewer.close()
            assert monitor.no_viewer.wait(5)
            running.turn()
            assert running.sched.tap is None  # no viewer: no tap, no cost
            before = counter.n
            running.turn()
            running.turn()
            assert counter.n > before  # it kept running
    finally:
        running.close()


def test_pause_step_resume_and_stop_commands(monitor):
    counter = Counter()
    running = Running(counter)
    viewer = attach(monitor)
    try:
        viewer.read_until(lambda f: f["type"] == "state")
        paused = viewer.reply(viewer.command("pause"))
        assert paused["ok"] and paused["state"] == "paused" and running.sched.held
        frozen = counter.n
        running.turn()
        assert counter.n == frozen
        for k in (1, 2):
            stepped = viewer.reply(viewer.command("step"))
            assert stepped["ok"] and stepped["state"] == "paused" and stepped["slices"] == 1
            assert counter.n == frozen + k  # one cycle: each runnable component once
        unknown = viewer.reply(viewer.command("fly"))
        assert not unknown["ok"] and "unknown command 'fly'" in unknown["error"]
        resumed = viewer.reply(viewer.command("resume"))
        assert resumed["ok"] and resumed["state"] == "running" and not running.sched.held
        running.turn()
        running.turn()
        assert counter.n > frozen + 2
        viewer.read_until(lambda f: f["type"] == "events")
        stopped = viewer.reply(viewer.command("stop"))
        assert stopped["ok"] and stopped["state"] == "stopping"
        running.thread.join(10)
        assert not running.thread.is_alive()  # the stop command made run() return
        ended = viewer.read_until(lambda f: f["type"] == "state" and f["state"] == "ended")
        assert ended["sid"] == stopped["sid"]
    finally:
        viewer.close()
        running.close()


def test_a_slow_viewer_never_blocks_the_program_and_every_loss_is_counted(tmp_path):
    mon = serve("127.0.0.1:0", tmp_path / "t", announce=False, buffer_limit=32 * 1024, sndbuf=4096)
    try:
        viewer = attach(mon, rcvbuf=4096)
        notes, sink = Notes(20_000), Sink()
        notes.link((notes, "outbox"), (sink, "inbox"))
        notes.link((notes, "signal"), (sink, "control"))
        running = Running(notes, sink)
        running.thread.join(30)  # the viewer reads nothing meanwhile
        assert not running.thread.is_alive() and len(sink.got) == 20_000
        assert mon.lost_events > 0 and mon.lost_deliveries > 0
        finisher = threading.Thread(target=mon.finish, kwargs={"status": 0, "timeout": 10})
        finisher.start()
        viewer.read_to_end(20)
        finisher.join(10)
        viewer.close()
        running.sched.close()
    finally:
        mon.close()
    exit_frame = viewer.read_until(lambda f: f["type"] == "exit")
    events = viewer.events()
    seen = sum(1 for e in events if e.kind == "delivered") + sum(
        e.extra["n"] for e in events if e.kind == COUNTED and not e.extra.get("discarded")
    )
    assert exit_frame["lost_deliveries"] > 0 and exit_frame["status"] == 0
    assert seen + exit_frame["lost_deliveries"] == 20_001  # the notes and producerFinished
    assert exit_frame["lost"] >= exit_frame["lost_deliveries"]  # events lost, deliveries among them


def test_the_unix_socket_variant(tmp_path):
    path = tmp_path / "monitor.sock"
    mon = serve(f"unix:{path}", tmp_path / "t", announce=False)
    try:
        assert stat.S_ISSOCK(os.stat(path).st_mode)
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        running = Running(Counter())
        viewer = attach(mon)
        try:
            viewer.read_until(lambda f: f["type"] == "events")
            assert any(e.kind == "spawned" for e in viewer.events())
        finally:
            viewer.close()
            running.close()
    finally:
        mon.close()
    assert not path.exists()


def test_a_slice_holding_the_scheduler_is_reported_while_it_holds_it(monitor):
    viewer = attach(monitor)
    running = Running(Spinner(0.8))
    try:
        stall = viewer.read_until(lambda f: f["type"] == "stall", timeout=10)
        assert stall["name"].startswith("Spinner#") and not stall["over"]
        assert stall["seconds"] >= 0.2 and "while time.monotonic() < end" in stall["where"]
        over = viewer.read_until(lambda f: f["type"] == "stall" and f["over"], timeout=10)
        assert over["cid"] == stall["cid"]
        running.thread.join(10)
    finally:
        viewer.close()
        running.close()


def test_connect_mode_taps_every_scheduler_from_its_start():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    token = proto.new_token()
    got: dict[str, Any] = {}

    def workbench() -> None:
        conn, _ = listener.accept()
        got["conn"] = conn
        reader = proto.LineReader()
        conn.settimeout(5)
        while not (lines := reader.feed(conn.recv(4096))):
            pass
        got["hello"] = proto.decode(lines[0])
        conn.sendall(proto.encode(proto.welcome()))

    helper = threading.Thread(target=workbench)
    helper.start()
    port = listener.getsockname()[1]
    mon = connect(f"127.0.0.1:{port}", token, when_viewer_lost="continue", info={"program": "t"})
    helper.join(5)
    conn = got["conn"]
    try:
        assert proto.check_hello(got["hello"], token, "program") is None
        notes, sink = Notes(150), Sink()
        notes.link((notes, "outbox"), (sink, "inbox"))
        notes.link((notes, "signal"), (sink, "control"))
        with Scheduler() as sched:
            sched.activate(notes)
            sched.activate(sink)
            sched.run()
        reader = proto.LineReader()
        frames: list[dict[str, Any]] = []
        conn.settimeout(5)
        while not any(f["type"] == "state" and f["state"] == "ended" for f in frames):
            frames += [proto.decode(line) for line in reader.feed(conn.recv(1 << 16))]
    finally:
        mon.close()
        conn.close()
        listener.close()
    assert frames[0]["type"] == "program" and frames[0]["program"] == "t"
    events = [e for f in frames if f["type"] == "events" for e in proto.events_of(f)]
    kinds = Tally(e.kind for e in events)
    assert kinds["spawned"] == 2 and kinds["finished"] == 2
    assert sum(1 for e in events if e.msg_type == "Note") == 150


def test_connect_reports_a_refusal_clearly():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def refuse() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(4096)
            conn.sendall(proto.encode(proto.refused("token", "wrong or missing token")))

    helper = threading.Thread(target=refuse)
    helper.start()
    try:
        with pytest.raises(MonitorError, match="refused this program: wrong or missing token"):
            connect(f"127.0.0.1:{listener.getsockname()[1]}", "bad")
    finally:
        helper.join(5)
        listener.close()
    assert current() is None


def test_a_program_paused_by_a_viewer_runs_again_when_the_viewer_goes(monitor):
    counter = Counter()
    running = Running(counter)
    try:
        viewer = attach(monitor)
        viewer.read_until(lambda f: f["type"] == "state")
        assert viewer.reply(viewer.command("pause"))["state"] == "paused"
        viewer.close()
        assert monitor.no_viewer.wait(5)
        running.turn()
        assert not running.sched.held
        before = counter.n
        running.turn()
        running.turn()
        assert counter.n > before
    finally:
        running.close()
