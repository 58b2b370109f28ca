"""Echo: passes data through and ends on producerFinished/shutdownMicroprocess, passing it on."""

from __future__ import annotations

import pytest

from kamaelia_core import ipc
from kamaelia_core.net import ServerCore
from kamaelia_core.util.collector import Collector
from kamaelia_core.util.echo import Echo
from tests.net.conftest import connect, drive, recv_some

pytestmark = pytest.mark.timeout(30)


@pytest.mark.parametrize("ending", [ipc.producerFinished(), ipc.shutdownMicroprocess()])
def test_passes_data_then_forwards_the_ending(sched, ending):
    echo, sink = Echo(peer="127.0.0.1"), Collector()
    echo.link((echo, "outbox"), (sink, "inbox"))
    echo.link((echo, "signal"), (sink, "control"))
    echo._deliver(b"a", "inbox")
    echo._deliver(b"b", "inbox")
    echo._deliver(ending, "control")
    sched.activate(echo)
    sched.activate(sink)
    sched.run_until_idle()
    assert sink.collected == [b"a", b"b"]
    assert echo.state == "finished" and sink.state == "finished"
    assert echo.peer == "127.0.0.1"  # ServerCore's keywords are kept


def test_is_an_echo_server_with_servercore(sched):
    server = ServerCore(protocol=Echo, port=0)
    sched.activate(server)
    client = connect(server.port)
    try:
        client.sendall(b"round trip")
        got = bytearray()
        drive(
            sched, lambda: got == b"round trip", client=lambda: got.extend(recv_some(client) or b"")
        )
    finally:
        client.close()


def test_declares_its_boxes_and_palette_entry():
    from kamaelia_core.util import echo as module

    assert module.__kamaelia_components__ == (Echo,)
    assert set(Echo.Inboxes) == {"inbox", "control"} and all(Echo.Inboxes.values())
