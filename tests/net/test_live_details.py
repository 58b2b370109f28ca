"""What the tap tells a viewer of a TCP server, as plain data: no reprs parsed, no live objects."""

from __future__ import annotations

import json

import pytest

from kamaelia_core.net import ServerCore
from kamaelia_core.util.echo import Echo
from tests.net.conftest import connect, drive, recv_some

pytestmark = pytest.mark.timeout(30)


def test_spawned_and_lifecycle_events_carry_what_the_live_view_needs(sched, tap):
    server = ServerCore(protocol=Echo, port=0)
    sched.activate(server)
    sched.run_until_idle()
    client = connect(server.port)
    try:
        client.send(b"hi\n")
        got = bytearray()

        def read():
            data = recv_some(client)
            if data:
                got.extend(data)

        drive(sched, lambda: bytes(got) == b"hi\n", client=read)
        local_port = client.getsockname()[1]
    finally:
        client.close()
    drive(sched, lambda: not server.connections)
    events = tap.drain()
    for ev in events:  # everything a viewer gets is plain data, ready for the wire
        json.dumps(ev.extra)
    spawned = {ev.cid: ev.extra for ev in events if ev.kind == "spawned"}
    by_cls = {extra["cls"].rsplit(".", 1)[-1]: (cid, extra) for cid, extra in spawned.items()}
    core_cid, core = by_cls["ServerCore"]
    tcp_cid, tcp = by_cls["TCPServer"]
    csa_cid, csa = by_cls["ConnectedSocketAdapter"]
    _, echo = by_cls["Echo"]
    _, selector = by_cls["Selector"]
    assert core["port"] == server.port and core["spawns"] is True and core["parent"] is None
    assert tcp["listening"] == f"127.0.0.1:{server.port}" and tcp["parent"] == core_cid
    assert csa["peer"] == f"127.0.0.1:{local_port}" and csa["parent"] == tcp_cid
    assert echo["connection"] == csa_cid and echo["parent"] == core_cid
    assert selector["service"] is True and selector["daemon"] is True
    assert "ReadReady" in csa["inboxes"] and "CreatorFeedback" in csa["outboxes"]
    assert echo["inboxes"] == ["inbox", "control"]
    kinds = {}
    for ev in events:
        if ev.kind == "delivered" and ev.msg_type in ("newCSA", "shutdownCSA", "socketShutdown"):
            kinds.setdefault(ev.msg_type, []).append(ev)
    assert {ev.extra["object"] for ev in kinds["newCSA"]} == {csa_cid}
    assert {ev.extra["object"] for ev in kinds["shutdownCSA"]} == {csa_cid}
    assert {ev.extra["caller"] for ev in kinds["socketShutdown"]} >= {csa_cid}
    # the seed's flows: newCSA and shutdownCSA reach both the ServerCore and the Selector
    assert {ev.sink_cid for ev in kinds["newCSA"]} >= {core_cid}
    assert len({ev.sink_cid for ev in kinds["newCSA"]}) == 2


def test_samples_report_waiting_messages_and_when_they_are_gone(sched, tap):
    echo = Echo()
    sched.activate(echo)
    sched.run_until_idle()
    for n in range(3):
        echo._deliver(n, "inbox")
    sched.sample_depths()
    sched.run_until_idle()
    sched.sample_depths()
    samples = [ev.extra for ev in tap.drain() if ev.kind == "sampled"]
    assert samples[0]["depths"] == [[echo.cid, "inbox", 3, None]] and samples[0]["live"] >= 1
    assert samples[1]["depths"] == [[echo.cid, "inbox", 0, None]]
