"""TCPClient: non-blocking connect, data both ways, clear endings."""

from __future__ import annotations

import pytest

from kamaelia_core import ipc
from kamaelia_core.net import ServerCore, TCPClient
from kamaelia_core.util.collector import Collector
from kamaelia_core.util.echo import Echo
from tests.net.conftest import drive

pytestmark = pytest.mark.timeout(30)


def client_with_sink(sched, port: int, **kw):
    client = TCPClient("127.0.0.1", port, **kw)
    sink = Collector()
    sink.link((client, "outbox"), (sink, "inbox"))
    sink.link((client, "signal"), (sink, "control"))
    return client, sink


def test_round_trip_through_an_echo_server_then_producerFinished(sched):
    server = ServerCore(protocol=Echo, port=0)
    client, sink = client_with_sink(sched, server.port)
    client._deliver(b"sent before connecting", "inbox")
    for comp in (server, client, sink):
        sched.activate(comp)
    drive(sched, lambda: b"".join(sink.collected) == b"sent before connecting")
    assert client.connectedSocket is not None
    assert repr(client).endswith("connected>")
    client._deliver(ipc.producerFinished(), "control")
    drive(sched, lambda: client.state == "finished")
    drive(sched, lambda: sink.state == "finished")
    assert client.reason == "producerFinished"
    drive(sched, lambda: not server.connections)


def test_refused_connection_is_reported_clearly(sched):
    server = ServerCore(protocol=Echo, port=0)
    port = server.port
    server.server.stop()  # nobody listens there any more
    client, sink = client_with_sink(sched, port)
    sched.activate(client)
    sched.activate(sink)
    drive(sched, lambda: client.state == "finished")
    want = f"connection to 127.0.0.1:{port} failed: ECONNREFUSED (Connection refused)"
    assert client.reason == want
    drive(sched, lambda: sink.state == "finished")


def test_unresolvable_host_is_reported(sched):
    client = TCPClient("no such host.invalid", 80)
    sched.activate(client)
    drive(sched, lambda: client.state == "finished")
    assert client.reason.startswith("cannot resolve 'no such host.invalid'")


def test_server_closing_ends_the_client(sched):
    server = ServerCore(protocol=Echo, port=0)
    client, sink = client_with_sink(sched, server.port)
    for comp in (server, client, sink):
        sched.activate(comp)
    drive(sched, lambda: server.connections)
    server._deliver(ipc.shutdownMicroprocess(), "control")
    drive(sched, lambda: client.state == "finished")
    assert client.reason == "peer closed"


def test_shutdownMicroprocess_closes_at_once(sched):
    server = ServerCore(protocol=Echo, port=0)
    client, sink = client_with_sink(sched, server.port)
    for comp in (server, client, sink):
        sched.activate(comp)
    drive(sched, lambda: client.connectedSocket is not None)
    client._deliver(ipc.shutdownMicroprocess(), "control")
    drive(sched, lambda: client.state == "finished")
    assert client.reason == "shutdownMicroprocess"


def test_running_out_of_descriptors_is_a_failure_not_a_crash(sched, monkeypatch):
    import errno
    import os

    from kamaelia_core.net import tcpclient

    def no_fds(*_args, **_kw):
        raise OSError(errno.EMFILE, os.strerror(errno.EMFILE))

    monkeypatch.setattr(tcpclient.socket, "socket", no_fds)
    client = TCPClient("127.0.0.1", 9)
    ends = Collector()
    ends.link((client, "signal"), (ends, "inbox"))
    sched.activate(client)
    sched.activate(ends)
    drive(sched, lambda: client.state in ("finished", "crashed"))
    assert client.state == "finished" and client.crash is None
    assert client.reason == "cannot open a socket to 127.0.0.1:9: EMFILE (Too many open files)"
    assert [m.message for m in ends.collected] == [client.reason]


@pytest.mark.parametrize("port", [70000, 65536, -1])
def test_a_port_out_of_range_is_reported_not_wrapped(sched, port):
    client = TCPClient("127.0.0.1", port)
    sched.activate(client)
    drive(sched, lambda: client.state in ("finished", "crashed"))
    assert client.state == "finished"
    assert client.reason == f"invalid port {port!r}: a TCP port is an int from 0 to 65535"


class AnswerThenClose(Echo):
    """Answers the first data in upper case, then ends (ServerCore closes the connection)."""

    def main(self):
        while not self.dataReady("inbox"):
            self.pause()
            yield 1
        self.send(self.recv("inbox").upper(), "outbox")
        self.send(ipc.producerFinished(self), "signal")


def test_wait_for_serverclose_keeps_the_connection_after_producer_finished(sched):
    server = ServerCore(protocol=AnswerThenClose, port=0)
    client, sink = client_with_sink(sched, server.port, wait_for_serverclose=True)
    client._deliver(b"request", "inbox")
    client._deliver(ipc.producerFinished(), "control")  # "that was all I had to say"
    for comp in (server, client, sink):
        sched.activate(comp)
    drive(sched, lambda: sink.state == "finished")
    assert b"".join(sink.collected) == b"REQUEST"
    assert client.reason == "peer closed"


def test_wait_for_serverclose_still_closes_at_once_on_shutdown(sched):
    server = ServerCore(protocol=Echo, port=0)
    client, sink = client_with_sink(sched, server.port, wait_for_serverclose=True)
    for comp in (server, client, sink):
        sched.activate(comp)
    drive(sched, lambda: client.connectedSocket is not None)
    client._deliver(ipc.producerFinished(), "control")
    client._deliver(b"still open", "inbox")
    drive(sched, lambda: b"".join(sink.collected) == b"still open")
    client._deliver(ipc.shutdownMicroprocess(), "control")
    drive(sched, lambda: client.state == "finished")
    drive(sched, lambda: not server.connections)
