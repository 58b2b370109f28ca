"""ConnectedSocketAdapter: reading, writing, back-pressure and its single close path."""

from __future__ import annotations

import socket
import struct

import pytest

from kamaelia_core import ipc
from kamaelia_core.component import Component
from kamaelia_core.errors import noSpaceInBox
from kamaelia_core.net import Selector
from kamaelia_core.net.csa import ConnectedSocketAdapter
from kamaelia_core.scheduler import Scheduler
from kamaelia_core.testing import ManualClock
from kamaelia_core.util.collector import Collector
from tests.net.conftest import drive, recv_some

pytestmark = pytest.mark.timeout(30)


class Feedback(Component):
    """Collects what the CSA says about its end, on two inboxes."""

    Inboxes = {"inbox": "socketShutdown", "control": "unused", "sig": "shutdownCSA"}

    def __init__(self) -> None:
        super().__init__()
        self.feedback: list = []
        self.signals: list = []

    def main(self):
        while True:
            while self.dataReady("inbox"):
                self.feedback.append(self.recv("inbox"))
            while self.dataReady("sig"):
                self.signals.append(self.recv("sig"))
            self.pause()
            yield 1


@pytest.fixture
def pair(sched):
    """A CSA on one end of a loopback TCP connection, registered as TCPServer would."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    client = socket.socket()
    # A small receive buffer (set before connecting: shrinking it later can stall the window)
    # makes the slow-reader tests quick and deterministic.
    client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)
    client.settimeout(5)
    client.connect(listener.getsockname())
    client.setblocking(False)
    server_side, _ = listener.accept()
    listener.close()
    service, selector = Selector.getSelectorService(sched.tracker)
    selector.activate(sched)
    csa = ConnectedSocketAdapter(server_side, service)
    sink = Collector()
    watcher = Feedback()
    csa.link((csa, "outbox"), (sink, "inbox"))
    csa.link((csa, "CreatorFeedback"), (watcher, "inbox"))
    csa.link((csa, "signal"), (watcher, "sig"))
    selector._deliver(ipc.newCSA(None, (csa, server_side)), "notify")
    for comp in (csa, sink, watcher):
        sched.activate(comp)
    sched.run_until_idle()
    yield csa, client, sink, watcher
    client.close()
    server_side.close()


def read_all(sched, client, until_eof=True, limit=4000):
    data = bytearray()
    done = [False]

    def pump():
        while True:
            chunk = recv_some(client)
            if chunk == b"":
                done[0] = True
            if not chunk:
                return
            data.extend(chunk)

    drive(sched, lambda: done[0], rounds=limit, poll=0.001, client=pump)
    return bytes(data)


def test_repr_shows_peer_buffer_and_activity(pair):
    csa, client, _sink, _w = pair
    host, port = client.getsockname()
    assert repr(csa) == f"<CSA#{csa.cid} peer={host}:{port} buffered=0B reading>"
    assert csa.peer == (host, port)


def test_received_bytes_go_out_of_outbox(sched, pair):
    _csa, client, sink, _w = pair
    client.sendall(b"abc")
    drive(sched, lambda: b"".join(sink.collected) == b"abc")
    client.sendall(b"def")  # registration is persistent: no re-registering between events
    drive(sched, lambda: b"".join(sink.collected) == b"abcdef")


def test_inbox_bytes_and_str_are_written(sched, pair):
    csa, client, _sink, _w = pair
    csa._deliver(b"hello ", "inbox")
    csa._deliver("wörld", "inbox")
    got = bytearray()
    want = "hello wörld".encode()
    drive(sched, lambda: got == want, client=lambda: got.extend(recv_some(client) or b""))


def test_peer_close_gives_exactly_one_socketShutdown_and_close(sched, tap, pair):
    csa, client, _sink, watcher = pair
    client.close()
    drive(sched, lambda: csa.state == "finished")
    sched.run_until_idle()
    assert len(watcher.feedback) == 1 and len(watcher.signals) == 1
    fb = watcher.feedback[0]
    assert isinstance(fb, ipc.socketShutdown) and fb.caller is csa
    assert fb.message[1] == "peer closed"
    assert isinstance(watcher.signals[0], ipc.shutdownCSA)
    assert csa.socket.fileno() == -1 and csa.closed
    assert repr(csa).endswith("closed>")


def test_reset_by_peer_closes_once(sched, pair):
    csa, client, _sink, watcher = pair
    client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    client.close()  # RST
    drive(sched, lambda: csa.state == "finished")
    assert len(watcher.feedback) == 1
    assert watcher.feedback[0].message[1] in ("ECONNRESET", "peer closed")


def test_write_after_reset_is_epipe_or_reset_and_closes_once(sched, pair):
    csa, client, _sink, watcher = pair
    client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    client.close()
    for _ in range(50):
        csa._deliver(b"x" * 65536, "inbox")
    drive(sched, lambda: csa.state == "finished")
    sched.run_until_idle()
    assert len(watcher.feedback) == 1 and len(watcher.signals) == 1
    assert watcher.feedback[0].message[1] in ("ECONNRESET", "EPIPE", "peer closed")


def test_producerFinished_flushes_then_closes(sched, tap, pair):
    csa, client, _sink, watcher = pair
    csa.socket.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    payload = bytes(range(256)) * 1024  # 256 KiB: more than the socket takes at once
    csa._deliver(payload, "inbox")
    csa._deliver(ipc.producerFinished(), "control")
    sched.run_until_idle()
    assert csa.state != "finished" and csa.buffer  # still flushing
    assert repr(csa).endswith("finishing>")
    assert read_all(sched, client) == payload
    assert watcher.feedback[0].message[1] == "producerFinished"
    kinds = [e.msg_type for e in tap.drain() if e.kind == "delivered" and e.cid == csa.cid]
    assert "newWriter" in kinds and kinds.index("newWriter") < kinds.index("socketShutdown")


def test_shutdownMicroprocess_closes_at_once(sched, pair):
    csa, _client, _sink, watcher = pair
    csa.socket.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    csa._deliver(b"y" * 1_000_000, "inbox")
    csa._deliver(ipc.shutdownMicroprocess(), "control")
    sched.run_until_idle()
    assert csa.state == "finished"
    assert watcher.feedback[0].message[1] == "shutdownMicroprocess"


class Upper(Component):
    """A protocol handler answering each chunk in upper case."""

    def main(self):
        while True:
            while self.dataReady("inbox"):
                self.send(self.recv("inbox").upper(), "outbox")
            self.pause()
            yield 1


def serve_with(sched, pair, handler: Component) -> tuple:
    """Put ``handler`` between the CSA's outbox and inbox (instead of the collector)."""
    csa, client, sink, _w = pair
    csa.unlink(thecomponent=sink)
    handler.link((csa, "outbox"), (handler, "inbox"))
    handler.link((handler, "outbox"), (csa, "inbox"))
    sched.activate(handler)
    return csa, client


class SlowUpper(Component):
    """Answers each chunk in upper case one scheduler round after receiving it."""

    def main(self):
        while True:
            if self.dataReady("inbox"):
                data = self.recv("inbox")
                yield 1  # thinking
                self.send(data.upper(), "outbox")
                continue
            self.pause()
            yield 1


@pytest.mark.parametrize("handler_class", [Upper, SlowUpper])
def test_half_close_flushes_the_answer_then_closes(sched, pair, handler_class):
    """The request arrives with the end of stream: the answer, prompt or a round late, is sent."""
    handler = handler_class()
    csa, client = serve_with(sched, pair, handler)
    client.sendall(b"question")
    client.shutdown(socket.SHUT_WR)
    assert read_all(sched, client) == b"QUESTION"
    assert csa.reason == "peer closed"
    handler.stop()


def test_the_end_of_stream_after_every_answer_closes_without_grace_rounds(sched, pair):
    upper = Upper()
    csa, client = serve_with(sched, pair, upper)
    client.sendall(b"question")
    drive(sched, lambda: csa.bytes_out == len(b"question"))
    client.shutdown(socket.SHUT_WR)
    assert read_all(sched, client) == b"QUESTION"
    assert csa.reason == "peer closed" and csa._grace == 0
    upper.stop()


class Producer(Component):
    """Writes ``total`` bytes in chunks, honouring noSpaceInBox (Axon flow control)."""

    def __init__(self, total: int, chunk: int = 65536) -> None:
        super().__init__()
        self.total, self.chunk, self.blocked = total, chunk, 0

    def main(self):
        sent = 0
        block = b"z" * self.chunk
        while sent < self.total:
            try:
                self.send(block, "outbox")
            except noSpaceInBox:
                self.blocked += 1
                self.pause()
                yield 1
                continue
            sent += len(block)
            yield 1
        self.send(ipc.producerFinished(self), "signal")


def test_4mb_to_a_slow_reader_completes_with_bounded_buffering(sched, pair):
    csa, client, _sink, _w = pair
    csa.socket.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16384)
    total = 4 * 1024 * 1024
    producer = Producer(total)
    producer.link((producer, "outbox"), (csa, "inbox"))
    producer.link((producer, "signal"), (csa, "control"))
    sched.activate(producer)
    received = [0]
    peak_inbox = [0]
    eof = [False]

    def slow_reader():
        peak_inbox[0] = max(peak_inbox[0], csa.dataReady("inbox"))
        chunk = recv_some(client, 8192)  # a slow reader: one small read per round
        if chunk == b"":
            eof[0] = True
        elif chunk:
            received[0] += len(chunk)

    drive(sched, lambda: eof[0], rounds=20000, poll=0.001, client=slow_reader)
    assert received[0] == total
    assert producer.blocked > 0  # back-pressure reached the producer
    assert csa.max_buffered <= csa.high_water + producer.chunk
    assert peak_inbox[0] <= csa.paused_inbox_limit


class CountingSocket:
    """Wraps a socket and counts ``recv`` calls (and those that found nothing)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock, self.calls, self.empty = sock, 0, 0

    def recv(self, size: int) -> bytes:
        self.calls += 1
        try:
            return self.sock.recv(size)
        except BlockingIOError:
            self.empty += 1
            raise

    def __getattr__(self, name: str):
        return getattr(self.sock, name)


def test_a_short_read_ends_the_reading_until_the_next_event(sched, pair):
    csa, client, sink, _w = pair
    counting = csa.socket = CountingSocket(csa.socket)
    client.sendall(b"abc")
    drive(sched, lambda: b"".join(sink.collected) == b"abc")
    sched.run_until_idle()
    assert (counting.calls, counting.empty) == (1, 0)  # no recv just to hear EAGAIN
    client.sendall(b"def")
    drive(sched, lambda: b"".join(sink.collected) == b"abcdef")
    client.shutdown(socket.SHUT_WR)
    drive(sched, lambda: csa.closed)
    assert csa.reason == "peer closed" and counting.empty == 0


def test_without_a_reactor_watching_the_socket_it_reads_until_eagain(sched):
    a, b = socket.socketpair()
    try:
        csa = ConnectedSocketAdapter(a)
        sink = Collector()
        csa.link((csa, "outbox"), (sink, "inbox"))
        counting = csa.socket = CountingSocket(a)
        for comp in (csa, sink):
            sched.activate(comp)
        sched.run_until_idle()
        b.sendall(b"abc")
        csa._deliver(a, "ReadReady")  # driven by hand: no edge will come for what follows
        sched.run_until_idle()
        assert b"".join(sink.collected) == b"abc"
        assert (counting.calls, counting.empty) == (2, 1)
        csa.stop()
        sched.run_until_idle()
    finally:
        a.close()
        b.close()


# -- the idle timeout ------------------------------------------------------------------------


@pytest.fixture
def manual():
    """A scheduler on a manual clock, and that clock."""
    clock = ManualClock(50.0)
    scheduler = Scheduler(clock=clock)
    yield scheduler, clock
    scheduler.close()


@pytest.fixture
def idle_pair(manual):
    """A CSA with a 5 s idle timeout on one end of a socket pair, driven by hand (no reactor)."""
    scheduler, _clock = manual
    a, b = socket.socketpair()
    csa = ConnectedSocketAdapter(a, idle_timeout=5.0)
    sink, watcher = Collector(), Feedback()
    csa.link((csa, "outbox"), (sink, "inbox"))
    csa.link((csa, "CreatorFeedback"), (watcher, "inbox"))
    for comp in (csa, sink, watcher):
        scheduler.activate(comp)
    scheduler.run_until_idle()
    yield csa, a, b, sink, watcher
    a.close()
    b.close()


def test_a_connection_that_moves_no_byte_is_closed_after_the_idle_timeout(manual, idle_pair):
    scheduler, clock = manual
    csa, _a, peer, _sink, watcher = idle_pair
    clock.advance(4.9)
    scheduler.run_until_idle()
    assert not csa.closed
    clock.advance(0.1)
    scheduler.run_until_idle()
    assert csa.closed and csa.reason == "idle timeout"
    assert [m.message[1] for m in watcher.feedback] == ["idle timeout"]
    assert peer.recv(10) == b""
    assert scheduler.next_deadline() is None


def test_bytes_either_way_restart_the_idle_clock(manual, idle_pair):
    scheduler, clock = manual
    csa, a, peer, sink, _watcher = idle_pair
    clock.advance(3.0)
    peer.sendall(b"in")
    csa._deliver(a, "ReadReady")
    scheduler.run_until_idle()
    assert sink.collected == [b"in"]
    clock.advance(4.0)  # 7 s since the start, 4 since the read
    scheduler.run_until_idle()
    assert not csa.closed
    csa._deliver(b"out")
    scheduler.run_until_idle()
    assert peer.recv(10) == b"out"
    clock.advance(4.9)
    scheduler.run_until_idle()
    assert not csa.closed
    assert scheduler.next_deadline() == clock.now + 0.1  # one timer, moved on when it fired
    clock.advance(0.1)
    scheduler.run_until_idle()
    assert csa.reason == "idle timeout"


def test_without_an_idle_timeout_an_idle_connection_stays(manual):
    scheduler, clock = manual
    a, b = socket.socketpair()
    try:
        csa = ConnectedSocketAdapter(a)
        scheduler.activate(csa)
        scheduler.run_until_idle()
        assert csa.idle_timeout is None and scheduler.next_deadline() is None
        clock.advance(24 * 3600)
        scheduler.run_until_idle()
        assert not csa.closed
    finally:
        a.close()
        b.close()


@pytest.mark.parametrize("bad", [0, -1.0, "5", True])
def test_an_idle_timeout_must_be_a_positive_number(bad):
    a, b = socket.socketpair()
    try:
        with pytest.raises(ValueError, match="idle_timeout must be None or a positive number"):
            ConnectedSocketAdapter(a, idle_timeout=bad)
    finally:
        a.close()
        b.close()
