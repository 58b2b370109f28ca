"""The live model, fed only by event batches: no Qt, no live objects, no reprs parsed."""

from __future__ import annotations

import json

import pytest

from kamaelia_core.chassis.pipeline import Pipeline
from kamaelia_core.instrument import Tap
from kamaelia_core.net import ServerCore
from kamaelia_core.scheduler import Scheduler
from kamaelia_core.util.echo import Echo
from tests.net.conftest import Clients, drive
from tests.runtime.fakes import Double, Explode, Keep, Numbers
from workbench.runtime.live_model import LiveEntity, LiveModel
from workbench.runtime.recorder import event_from_json, event_to_json

pytestmark = pytest.mark.timeout(30)


def program_graph(ent: LiveEntity) -> None:
    """What a program graph does: give each undeclared component a node of its own."""
    ent.design_id = f"auto{ent.cid}"


def echo_session(clients: int):
    """Run a ServerCore echo server with ``clients`` clients that talk then close; all events."""
    sched = Scheduler()
    tap = sched.attach_tap(Tap(capacity=1_000_000))
    server = ServerCore(protocol=Echo, port=0)
    sched.activate(server)
    sched.run_until_idle()
    events = tap.drain()
    peers = Clients(server.port, clients)
    try:
        for sock in peers.socks:
            drive(sched, lambda s=sock: _sent(s, b"ping\n"))
        drive(
            sched,
            lambda: all(bytes(r) == b"ping\n" for r in peers.received),
            client=peers.pump,
        )
        sched.sample_depths()
        events += tap.drain()
        middle = len(events)
    finally:
        peers.close()
    drive(sched, lambda: not server.connections)
    events += tap.drain()
    sched.close()
    events += tap.drain()
    return events, middle


def _sent(sock, data) -> bool:
    try:
        return sock.send(data) == len(data)
    except (BlockingIOError, OSError):
        return False


def by_class(model: LiveModel, name: str) -> list[LiveEntity]:
    return [e for e in model.entities.values() if e.class_name == name]


def test_a_program_server_with_its_connections_from_events_alone():
    events, middle = echo_session(3)
    model = LiveModel(undeclared=program_graph)
    seen = []
    model.subscribe(seen.append)
    model.apply(events[:middle])
    (core,) = by_class(model, "ServerCore")
    (tcp,) = by_class(model, "TCPServer")
    (selector,) = by_class(model, "Selector")
    csas, echoes = by_class(model, "ConnectedSocketAdapter"), by_class(model, "Echo")
    assert core.kind == "chassis" and core.placement == "undeclared" and core.design_id
    assert tcp.kind == "server" and tcp.placement == "spawned" and tcp.design_id == core.design_id
    assert selector.kind == "service" and selector.placement == "service"
    assert len(csas) == 3 and {c.kind for c in csas} == {"connection"}
    assert {c.placement for c in csas + echoes} == {"spawned"}
    assert {c.design_id for c in csas + echoes} == {core.design_id}
    for csa in csas:  # each handler is paired with its connection and shares its peer
        echo = model.entities[csa.partner]
        assert echo.kind == "handler" and echo.partner == csa.cid and echo.peer == csa.peer
        assert csa.peer.startswith("127.0.0.1:")
        assert (csa.cid, "outbox", echo.cid, "inbox") in model.links
    assert model.accepted == 3 and model.live_connections() == 3
    assert model.listening() == [tcp.listening] and tcp.listening.startswith("127.0.0.1:")
    added = [e for changes in seen for e in changes.entity_added]
    assert {e.cid for e in added} == set(model.entities)
    # the clients close: each connection announces closing, then ends with its handler
    closing, ended = [], []

    def watch(changes):
        closing.extend(changes.connection_closing)
        ended.extend(changes.entity_ended)

    model.subscribe(watch)
    model.apply(events[middle:])
    assert {e.cid for e in closing} >= {c.cid for c in csas + echoes}
    assert {e.cid for e in ended} >= {c.cid for c in csas + echoes}
    assert model.closed == 3 and model.live_connections() == 0
    assert all(model.entities[c.cid].state == "finished" for c in csas)
    assert not any(k[0] == csas[0].cid or k[2] == csas[0].cid for k in model.links)


def test_a_recording_replayed_gives_the_same_picture():
    events, _ = echo_session(2)
    live = LiveModel(undeclared=program_graph)
    live.apply(events)
    lines = [json.dumps(event_to_json(ev)) for ev in events]
    replayed = LiveModel(undeclared=program_graph)
    for start in range(0, len(lines), 7):  # batches cut anywhere
        replayed.apply(event_from_json(json.loads(line)) for line in lines[start : start + 7])
    assert replayed.picture() == live.picture()
    assert replayed.summary() == live.summary()


def test_graph_placements_design_instance_spawned():
    sched = Scheduler()
    tap = sched.attach_tap(Tap())
    keep = Keep()
    keep.design_id = "n1"
    handler = Echo()
    handler.instance_of = "n3"
    child = Double()
    keep.addChildren(child)
    for comp in (keep, handler, child):
        sched.activate(comp)
    model = LiveModel(templates={"n3": "n2"})
    model.apply(tap.drain())
    sched.close()
    assert model.entities[keep.cid].placement == "design"
    assert model.by_design == {"n1": keep.cid}
    assert (model.entities[handler.cid].placement, model.entities[handler.cid].design_id) == (
        "instance",
        "n3",
    )
    assert model.entities[handler.cid].kind == "handler"
    assert (model.entities[child.cid].placement, model.entities[child.cid].design_id) == (
        "spawned",
        "n1",
    )


@pytest.mark.expect_errors
def test_crash_state_and_traceback_come_from_the_event():
    sched = Scheduler()
    tap = sched.attach_tap(Tap())
    boom = Explode()
    sched.activate(boom)
    boom._deliver("x", "inbox")
    sched.run_until_idle()
    model = LiveModel()
    changes = model.apply(tap.drain())
    sched.close()
    ent = model.entities[boom.cid]
    assert ent.state == "crashed" and "ValueError: boom: 'x'" in ent.traceback
    assert changes.entity_ended == [ent] and model.crashes == [ent]


def test_a_pipeline_delivery_is_routed_along_the_linkages_it_crossed():
    sched = Scheduler()
    tap = sched.attach_tap(Tap())
    nums, double, keep = Numbers(count=2), Double(), Keep()
    pipe = Pipeline(nums, double)
    pipe.link((pipe, "outbox"), (keep, "inbox"))
    for comp in (pipe, keep):
        sched.activate(comp)
    sched.run_until_idle()
    model = LiveModel()
    changes = model.apply(tap.drain())
    sched.close()
    out = [(ev, hops) for ev, hops in changes.delivered if ev.cid == double.cid]
    ev, hops = out[0]
    assert ev.box == "outbox" and ev.sink_cid == keep.cid  # straight into the terminal inbox
    assert hops == [
        (double.cid, "outbox", pipe.cid, "outbox"),
        (pipe.cid, "outbox", keep.cid, "inbox"),
    ]
    first = next(h for e, h in changes.delivered if e.cid == nums.cid and e.box == "outbox")
    assert first == [(nums.cid, "outbox", double.cid, "inbox")]
    assert model.links == {}  # the pipeline ended: its links are gone, the routes were kept


def test_depths_come_from_samples_and_gaps_count_as_dropped():
    sched = Scheduler()
    tap = sched.attach_tap(Tap())
    keep = Keep()
    sched.activate(keep)
    sched.run_until_idle()
    for n in range(4):
        keep._deliver(n)
    sched.sample_depths()
    model = LiveModel()
    events = tap.drain()
    model.apply(events[:1] + events[2:])  # one event lost on the way
    sched.close()
    assert model.entities[keep.cid].depths == {"inbox": 4}
    assert model.dropped == 1


def test_the_cat_services_come_from_events():
    events, middle = echo_session(1)
    model = LiveModel(undeclared=program_graph)
    model.apply(events[:middle])
    (selector,) = by_class(model, "Selector")
    assert model.services["selector"] == (selector.cid, "notify")
    assert model.services["selectorshutdown"] == (selector.cid, "control")
    model.apply(events[middle:])  # the scheduler closed: the selector deregistered
    assert "selector" not in model.services
