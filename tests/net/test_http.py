"""HelloHTTP: one request head in, one HTTP/1.0 answer out, then the connection closes."""

from __future__ import annotations

import pytest

from kamaelia_core import ipc
from kamaelia_core.net import ServerCore
from kamaelia_core.scheduler import Scheduler
from kamaelia_core.testing import ManualClock
from kamaelia_core.util.collector import Collector
from kamaelia_core.util.http import HelloHTTP
from tests.net.conftest import connect, drive, recv_some

pytestmark = pytest.mark.timeout(30)


def ask(sched, port: int, request: bytes) -> bytes:
    client = connect(port)
    got, eof = bytearray(), []

    def pump():
        chunk = recv_some(client)
        if chunk == b"":
            eof.append(True)
        elif chunk:
            got.extend(chunk)

    try:
        for i in range(0, len(request), 7):  # in pieces, as a slow client would
            client.sendall(request[i : i + 7])
            sched.run_until_idle()
        drive(sched, lambda: eof, client=pump)
    finally:
        client.close()
    return bytes(got)


@pytest.fixture
def port(sched):
    server = ServerCore(protocol=HelloHTTP, port=0)
    sched.activate(server)
    return server.port


def test_get_is_answered_and_closed(sched, port):
    answer = ask(sched, port, b"GET / HTTP/1.0\r\nHost: x\r\n\r\n")
    head, body = answer.split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.0 200 OK")
    assert b"Content-Length: %d" % len(body) in head
    assert body == b"Hello, world!\n"


def test_head_has_no_body(sched, port):
    answer = ask(sched, port, b"HEAD / HTTP/1.1\r\n\r\n")
    assert answer.startswith(b"HTTP/1.0 200 OK") and answer.endswith(b"\r\n\r\n")
    assert b"Content-Length: 14\r\n" in answer


def test_other_methods_and_garbage(sched, port):
    assert ask(sched, port, b"POST / HTTP/1.0\r\n\r\n").startswith(b"HTTP/1.0 405")
    assert ask(sched, port, b"hello there\r\n\r\n").startswith(b"HTTP/1.0 400")


# -- the request-head time limit (slowloris) ------------------------------------------------


@pytest.fixture
def manual():
    """A scheduler on a manual clock, and that clock."""
    clock = ManualClock(1000.0)
    scheduler = Scheduler(clock=clock)
    yield scheduler, clock
    scheduler.close()


def http_on(scheduler, **kw):
    handler = HelloHTTP(**kw)
    out = Collector()
    ends = Collector()
    out.link((handler, "outbox"), (out, "inbox"))
    ends.link((handler, "signal"), (ends, "inbox"))
    for comp in (handler, out, ends):
        scheduler.activate(comp)
    scheduler.run_until_idle()
    return handler, out, ends


def test_a_head_still_incomplete_at_the_time_limit_gets_408_then_finishes(manual):
    scheduler, clock = manual
    handler, out, ends = http_on(scheduler, head_timeout=5.0)
    handler._deliver(b"GET / HT")  # a slow client: the head never completes
    clock.advance(4.9)
    scheduler.run_until_idle()
    assert out.collected == [] and handler.state != "finished"
    handler._deliver(b"T")
    clock.advance(0.1)
    scheduler.run_until_idle()
    assert out.collected[0].startswith(b"HTTP/1.0 408 Request Timeout\r\n")
    assert [type(m) for m in ends.collected] == [ipc.producerFinished]
    assert handler.state == "finished"
    assert scheduler.next_deadline() is None


def test_a_head_completed_in_time_is_answered_and_leaves_no_timer(manual):
    scheduler, clock = manual
    handler, out, _ends = http_on(scheduler, head_timeout=5.0)
    assert scheduler.next_deadline() == clock.now + 5.0
    handler._deliver(b"GET / HTTP/1.0\r\n\r\n")
    scheduler.run_until_idle()
    assert out.collected[0].startswith(b"HTTP/1.0 200 OK")
    assert scheduler.next_deadline() is None  # cancelled: nothing fires later


def test_the_time_limit_is_on_by_default_and_can_be_turned_off(manual):
    scheduler, clock = manual
    assert HelloHTTP.head_timeout == 10.0
    handler, out, _ends = http_on(scheduler, head_timeout=None)
    assert scheduler.next_deadline() is None
    clock.advance(3600)
    scheduler.run_until_idle()
    assert out.collected == [] and handler.state != "finished"
    with pytest.raises(ValueError, match="head_timeout must be a positive number of seconds"):
        HelloHTTP(head_timeout=0)


@pytest.mark.slow
def test_slowloris_clients_are_answered_408_and_closed(sched):
    server = ServerCore(protocol=lambda **kw: HelloHTTP(head_timeout=0.3, **kw), port=0)
    sched.activate(server)
    sched.run_until_idle()
    clients = [connect(server.port) for _ in range(20)]
    got = [bytearray() for _ in clients]
    eof = [False] * len(clients)

    def trickle():
        for i, client in enumerate(clients):
            if eof[i]:
                continue
            if not got[i]:
                try:
                    client.send(b"X")  # one header byte per round, never the blank line
                except OSError:  # the server closed first (EPIPE/ECONNRESET): read what it said
                    pass
            try:
                chunk = recv_some(client)
            except ConnectionResetError:  # a byte that crossed the close: the answer came first
                chunk = b""
            if chunk == b"":
                eof[i] = True
            elif chunk:
                got[i] += chunk

    try:
        drive(sched, lambda: all(eof), rounds=3000, poll=0.01, client=trickle)
    finally:
        for client in clients:
            client.close()
    assert all(bytes(g).startswith(b"HTTP/1.0 408") for g in got)
    drive(sched, lambda: not server.connections)
