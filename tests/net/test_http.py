"""HelloHTTP: one request head in, one HTTP/1.0 answer out, then the connection closes."""

from __future__ import annotations

import pytest

from kamaelia_core.net import ServerCore
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
