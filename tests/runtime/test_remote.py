"""RemoteSource against a monitor in this process: handshakes, frames, commands, bounds."""

from __future__ import annotations

import threading
from collections.abc import Generator, Iterator
from typing import Any

import pytest

from kamaelia_core.component import Component
from kamaelia_core.instrument import Event
from kamaelia_core.monitor import connect, protocol
from kamaelia_core.scheduler import Scheduler
from workbench.runtime.events import EventStream
from workbench.runtime.remote import RemoteError, RemoteSource, read_token

pytestmark = pytest.mark.timeout(60)


class Counter(Component):
    """Sends its slice count on outbox, never pausing."""

    def __init__(self) -> None:
        super().__init__()
        self.n = 0

    def main(self) -> Generator[Any, None, None]:
        while True:
            self.n += 1
            self.send(self.n, "outbox")
            yield 1


class Taker(Component):
    """Takes whatever arrives."""

    def main(self) -> Generator[Any, None, None]:
        while True:
            while self.dataReady("inbox"):
                self.recv("inbox")
            self.pause()
            yield 1


@pytest.fixture
def program() -> Iterator[tuple[RemoteSource, Scheduler, Counter]]:
    """A RemoteSource listening, and this process's "program" connected back to it."""
    source = RemoteSource.listen()
    done: dict[str, Any] = {}

    def dial() -> None:
        done["monitor"] = connect(source.address, source.token, when_viewer_lost="continue")

    dialer = threading.Thread(target=dial)
    dialer.start()
    assert source.wait_until(lambda: source.connected, 10)
    dialer.join(10)
    monitor = done["monitor"]
    counter, taker = Counter(), Taker()
    counter.link((counter, "outbox"), (taker, "inbox"))
    sched = Scheduler()
    sched.activate(counter)
    sched.activate(taker)
    runner = threading.Thread(target=sched.run)
    runner.start()
    try:
        yield source, sched, counter
    finally:
        sched.io.call_soon_threadsafe(sched.stop)
        runner.join(10)
        sched.close()
        monitor.close()
        source.close()


def test_a_program_connecting_back_streams_its_events_into_an_event_stream(program):
    source, _sched, counter = program
    stream = EventStream(source)
    assert source.wait_until(lambda: (stream.pump() or True) and stream.delivered > 5000, 20)
    assert source.program is not None and source.program["mode"] == "connect"
    assert source.state == "running" and source.dropped == 0
    names = {info.name for info in stream.components.values()}
    assert {counter.name} <= names
    link = stream.links[(counter.cid, "outbox", counter.cid + 1, "inbox")]
    assert link.count == stream.delivered  # counted events add up on their link


def test_pause_step_resume_and_stop_through_the_source(program):
    source, sched, counter = program
    assert source.wait_until(lambda: bool(source.schedulers), 10)
    cid = source.pause()
    assert source.wait_until(lambda: cid in source.replies, 10)
    assert source.state == "paused" and sched.held
    frozen = counter.n
    cid = source.step()
    assert source.wait_until(lambda: cid in source.replies, 10)
    assert counter.n == frozen + 1  # one cycle: the counter (and the taker, if it was woken)
    assert source.replies[cid]["slices"] in (1, 2)
    cid = source.resume()
    assert source.wait_until(lambda: cid in source.replies, 10)
    assert source.state == "running"
    cid = source.stop()
    assert source.wait_until(lambda: source.state == "ended", 10)
    assert source.replies[cid]["state"] == "stopping"


def test_a_program_with_a_wrong_token_is_refused_and_the_source_keeps_listening(caplog):
    with RemoteSource.listen() as source:
        result: dict[str, Exception] = {}

        def dial() -> None:
            try:
                connect(source.address, "not the token")
            except Exception as exc:  # the test looks at it below
                result["error"] = exc

        dialer = threading.Thread(target=dial)
        dialer.start()
        assert source.wait_until(lambda: not dialer.is_alive() or "error" in result, 10)
        dialer.join(10)
        assert "refused this program: wrong or missing token" in str(result["error"])
        assert source.state == "listening" and not source.connected
    assert "refused a program's connection: wrong or missing token" in caplog.text


def test_undrained_events_are_bounded_and_the_losses_counted(program):
    source, _sched, _counter = program
    source.max_pending = 100
    assert source.wait_until(lambda: source.dropped > 1000, 20)
    assert len(source) == 100 and source.lost_deliveries > 0
    batch = source.drain(30)
    assert len(batch) == 30 and len(source) == 70


def test_attach_refuses_non_loopback_and_reports_nobody_listening():
    with pytest.raises(RemoteError, match="loopback addresses or Unix sockets only"):
        RemoteSource.attach("10.0.0.1:5000", "t")
    with RemoteSource.listen() as probe:
        free = probe.address
    with pytest.raises(RemoteError, match=r"cannot attach to 127\.0\.0\.1"):
        RemoteSource.attach(free, "t", timeout=2)


def test_read_token_needs_a_token_or_a_private_file(tmp_path):
    assert read_token("given") == "given"
    path = protocol.write_token_file("from-file", tmp_path / "t")
    assert read_token(token_file=str(path)) == "from-file"
    with pytest.raises(RemoteError, match="--token-file"):
        read_token()


class ListSource:
    """An event source handing out prepared batches (what an EventStream needs)."""

    def __init__(self, events: list[Event]) -> None:
        self.events = events
        self.dropped = 0

    def drain(self, max_events: int | None = None) -> list[Event]:
        batch, self.events = self.events, []
        return batch


def test_an_event_stream_counts_counted_events_as_their_deliveries():
    def ev(kind: str, extra: dict | None = None) -> Event:
        return Event(1, 0.0, kind, 1, "A#1", "outbox", 2, "B#2", "inbox", "int", "3", extra)

    stream = EventStream(ListSource([ev("delivered"), ev("counted", {"n": 41}),
                                     ev("counted", {"n": 5, "discarded": True})]))  # fmt: skip
    stream.pump()
    assert stream.delivered == 42 and stream.links[(1, "outbox", 2, "inbox")].count == 42
    assert stream.tap is stream.source
