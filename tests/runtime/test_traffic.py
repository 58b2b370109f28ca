"""Tests for workbench.runtime.traffic: bounded loopback clients driven by a Scheduler."""

from __future__ import annotations

import socket

import pytest

from kamaelia_core.reactor import READ
from kamaelia_core.scheduler import Scheduler
from workbench.runtime.traffic import (
    TrafficError,
    TrafficGenerator,
    TrafficPlan,
    check_loopback,
    server_nodes,
    server_ports,
    wait_until,
)


class ReactorEcho:
    """A minimal echo server on the scheduler's reactor (no components): the generator's peer."""

    def __init__(self, scheduler: Scheduler) -> None:
        self.io = scheduler.io
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(128)
        self.listener.setblocking(False)
        self.port = self.listener.getsockname()[1]
        self.conns: dict[int, socket.socket] = {}
        self.accepted = 0
        self.io.register(self.listener, READ, self._accept)

    def _accept(self, fd: int, events: int) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except BlockingIOError:
                return
            conn.setblocking(False)
            self.accepted += 1
            self.conns[conn.fileno()] = conn
            self.io.register(conn, READ, self._echo)

    def _echo(self, fd: int, events: int) -> None:
        conn = self.conns[fd]
        while True:
            try:
                data = conn.recv(65536)
            except BlockingIOError:
                return
            if not data:
                self.io.unregister(conn)
                del self.conns[fd]
                conn.close()
                return
            conn.sendall(data)

    def close(self) -> None:
        for conn in self.conns.values():
            self.io.unregister(conn)
            conn.close()
        self.io.unregister(self.listener)
        self.listener.close()


@pytest.fixture
def echo():
    sched = Scheduler()
    server = ReactorEcho(sched)
    yield sched, server
    server.close()
    sched.close()


@pytest.mark.parametrize("host", ["10.0.0.1", "example.com", "0.0.0.0", "192.168.1.2"])
def test_refuses_non_loopback_hosts(host):
    with pytest.raises(TrafficError, match="loopback"):
        check_loopback(host)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.1.2.3", "::1", "localhost"])
def test_accepts_loopback_hosts(host):
    assert check_loopback(host)


def test_plan_bounds_are_enforced(echo):
    sched, server = echo
    with pytest.raises(TrafficError, match="clients"):
        TrafficGenerator(sched, server.port, plan=TrafficPlan(clients=0))
    with pytest.raises(TrafficError, match="duration"):
        TrafficGenerator(sched, server.port, plan=TrafficPlan(duration=1e9))
    with pytest.raises(TrafficError, match="port"):
        TrafficGenerator(sched, 0)


def test_clients_send_read_echoes_and_close_by_themselves(echo):
    sched, server = echo
    done = []
    gen = TrafficGenerator(
        sched,
        server.port,
        plan=TrafficPlan(clients=4, lines=3, rate=50, hold=0),
        on_done=done.append,
    ).start()
    assert wait_until(sched, lambda: gen.done, timeout=5)
    assert done == [gen]
    s = gen.stats
    assert (s.opened, s.connected, s.closed, s.failed) == (4, 4, 4, 0)
    assert s.lines_sent == 12
    assert s.bytes_received == s.bytes_sent > 0
    assert server.accepted == 4
    assert len(gen.local_ports()) == 4
    assert wait_until(sched, lambda: not server.conns, timeout=2)


def test_ping_pong_mode_and_hold_until_stop(echo):
    sched, server = echo
    gen = TrafficGenerator(
        sched, server.port, plan=TrafficPlan(clients=2, lines=50, rate=0, hold=None)
    ).start()
    assert wait_until(sched, lambda: gen.stats.bytes_received == gen.stats.bytes_sent > 0
                      and gen.stats.lines_sent == 100, timeout=5)  # fmt: skip
    assert gen.open_count == 2 and not gen.done
    gen.close_client(0)
    assert gen.open_count == 1
    gen.stop()
    assert gen.done and gen.stats.closed == 2


def test_deadline_closes_everything(echo):
    sched, server = echo
    gen = TrafficGenerator(
        sched, server.port, plan=TrafficPlan(clients=2, lines=0, hold=None, duration=0.1)
    ).start()
    assert wait_until(sched, lambda: gen.done, timeout=3)
    assert gen.stats.closed == 2


def test_connection_refused_is_counted_not_raised():
    sched = Scheduler()
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    try:
        gen = TrafficGenerator(sched, port, plan=TrafficPlan(clients=2, lines=1)).start()
        assert wait_until(sched, lambda: gen.done, timeout=3)
        assert gen.stats.failed == 2 and gen.stats.errors
    finally:
        sched.close()


def test_server_ports_finds_listening_sockets_of_components():
    from kamaelia_core.component import Component

    sched = Scheduler()
    comp = Component()
    comp.listener = socket.socket()
    comp.listener.bind(("127.0.0.1", 0))
    comp.listener.listen(1)
    try:
        sched.activate(comp)
        assert server_ports(sched) == [comp.listener.getsockname()[1]]
    finally:
        comp.listener.close()
        sched.close()


def test_server_nodes_reads_the_design():
    from pathlib import Path

    from workbench.model import Catalog, Graph
    from workbench.model.io import load

    catalog = Catalog.discover()
    examples = Path(__file__).resolve().parents[2] / "assets" / "examples"
    echo = load(examples / "echo_server.kgraph.json", catalog)
    core = next(n.id for n in echo.nodes if n.container_kind == "servercore")
    assert server_nodes(echo, catalog) == [core]
    assert server_nodes(load(examples / "transformer_pipeline.kgraph.json", catalog), catalog) == []
    bare = Graph()
    bare.add_node("kamaelia_core.net.tcpserver.TCPServer", position=(0, 0))
    bare.add_node("some.unknown.Component", position=(0, 100))
    assert len(server_nodes(bare, catalog)) == 1
