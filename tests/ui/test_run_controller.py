"""Tests for workbench.ui.run_controller: the echo example served from the Qt loop, then stopped."""

from __future__ import annotations

import socket

import pytest
from PySide6.QtWidgets import QApplication

from tests.ui.real_catalog import real_catalog
from workbench.resources import example_path

EXAMPLE = example_path("echo_server")


@pytest.fixture
def window(make_window):
    return make_window(real_catalog())


def _recv_some(sock: socket.socket, into: bytearray) -> bool:
    try:
        data = sock.recv(4096)
    except BlockingIOError:
        return False
    into.extend(data)
    return True


def test_echo_example_serves_clients_from_the_qt_loop(window, qtbot):
    assert window.open_file(str(EXAMPLE))
    window.run_graph()
    assert window.run.state == "running"
    core_id = next(n.id for n in window.graph.nodes if n.container_kind == "servercore")
    server = window.run.session.built.by_node[core_id]
    qtbot.waitUntil(lambda: window.scene.node_item(core_id).state in ("running", "waiting"))
    port = server.port
    assert port
    clients = [socket.create_connection(("127.0.0.1", port), timeout=2) for _ in range(3)]
    try:
        replies = []
        for i, client in enumerate(clients):
            client.setblocking(False)
            client.sendall(f"hello {i}\r\n".encode())
            replies.append(bytearray())
        for client, reply in zip(clients, replies, strict=True):
            qtbot.waitUntil(lambda c=client, r=reply: _recv_some(c, r) and b"\n" in r, timeout=3000)
        assert [bytes(r) for r in replies] == [f"hello {i}\r\n".encode() for i in range(3)]
    finally:
        for client in clients:
            client.close()
    # idle: nothing runnable, the slice timer stopped, and many turns of the Qt loop run no
    # scheduler slice at all (no busy polling while the Qt loop waits)
    driver = window.run.driver

    def connections_closed() -> bool:
        live = window.run.session.scheduler.components
        return not any(type(c).__name__ == "ConnectedSocketAdapter" for c in live)

    qtbot.waitUntil(connections_closed, timeout=3000)
    qtbot.waitUntil(lambda: not driver.is_busy(), timeout=3000)
    slices = driver.slices
    for _ in range(200):
        QApplication.processEvents()
    assert driver.slices == slices
    assert not driver.is_busy()
    window.stop_graph()
    assert window.run.session is None
    assert window.run_state_label.text().endswith("EDITING")
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()


def test_pause_and_step(window, qtbot):
    window.open_file(str(EXAMPLE))
    window.run_graph()
    window.toggle_pause(True)
    assert window.run.state == "paused" and not window.run.driver.is_busy()
    window.step_graph()
    assert window.run.state == "paused"
    window.toggle_pause(False)
    assert window.run.state == "running"
    window.stop_graph()
