"""Tests for workbench.ui.live.controller: the echo example watched live with loopback clients."""

from __future__ import annotations

from workbench.ui.live.live_node_item import LiveNodeItem


def _links_of(live, item):
    return {
        (lk.source.owner, lk.source.name, lk.sink.owner, lk.sink.name)
        for lk in item.links()
        if lk.scene() is not None
    }


def test_three_clients_appear_with_links_and_peer_labels(qtbot, live):
    gen = live.traffic(clients=3, lines=1, rate=5, hold=None)
    qtbot.waitUntil(lambda: len(live.connections()) == 3 and gen.stats.connected == 3, timeout=3000)
    qtbot.waitUntil(lambda: all(e.item is not None for e in live.connections()), timeout=2000)
    ctl = live.controller
    tcp = next(e for e in ctl.entities.values() if e.kind == "singleton")
    selector = next(e for e in ctl.entities.values() if e.kind == "service")
    assert tcp.cls == "TCPServer" and selector.cls == "Selector"
    assert selector.item.service and selector.item.subtitle == "service via CAT"
    group = live.scene.node_item("n1")
    peers = set()
    for csa in live.connections():
        item = csa.item
        assert isinstance(item, LiveNodeItem) and item.title == "ConnectedSocketAdapter"
        host, port = csa.peer.rsplit(":", 1)
        assert host == "127.0.0.1" and int(port) in gen.local_ports()
        assert csa.peer in item.subtitle and "traffic" in item.subtitle
        peers.add(csa.peer)
        handler = ctl.entities[csa.partner]
        assert handler.kind == "handler" and handler.slot == csa.slot
        assert handler.item.subtitle.startswith(f"handler · {port}")
        assert item in group.members and handler.item in group.members
        links = _links_of(live, item)
        assert (item, "outbox", handler.item, "inbox") in links
        assert (handler.item, "outbox", item, "inbox") in links
        assert (handler.item, "signal", item, "control") in links
        assert (item, "CreatorFeedback", tcp.item, "_feedbackFromCSA") in links
        assert not any(lk.sink.owner is selector.item for lk in item.links())  # service: hidden
    assert len(peers) == 3
    assert (tcp.item, "protocolHandlerSignal", group, "_socketactivity") in _links_of(
        live, tcp.item
    )
    assert (tcp.item, "_selectorSignal", selector.item, "notify") in _links_of(live, tcp.item)
    rows = {e.slot for e in live.connections()}
    assert rows == {0, 1, 2}
    # newCSA went to both destinations, each drawn as a token
    qtbot.waitUntil(
        lambda: sum(1 for t, _ in ctl.tokens.recent if t == "newCSA") >= 6, timeout=2000
    )
    where = [w for t, w in ctl.tokens.recent if t == "newCSA"]
    assert sum("protocolHandlerSignal" in w for w in where) == 3
    assert sum(w.endswith(".notify") and "_selectorSignal" in w for w in where) == 3


def test_closing_one_connection_shows_shutdown_and_removes_it(qtbot, live):
    gen = live.traffic(clients=3, lines=1, rate=5, hold=None)
    qtbot.waitUntil(lambda: len(live.connections()) == 3 and gen.stats.connected == 3, timeout=3000)
    ctl = live.controller
    ctl.set_speed(4.0)  # quicker fade
    port = gen.clients[0].local_port
    victim = next(e for e in live.connections() if e.peer.endswith(f":{port}"))
    item, partner = victim.item, ctl.entities[victim.partner]
    gen.close_client(0)
    qtbot.waitUntil(lambda: victim.closing, timeout=3000)
    assert item.closing and item.opacity() < 0.5 and item.subtitle  # drawn closing
    seen = [t for t, _ in ctl.tokens.recent]
    qtbot.waitUntil(lambda: "shutdownCSA" in [t for t, _ in ctl.tokens.recent], timeout=2000)
    seen = [t for t, _ in ctl.tokens.recent]
    assert "socketShutdown" in seen
    qtbot.waitUntil(lambda: item.scene() is None, timeout=4000)
    assert victim.cid not in ctl.entities and partner.cid not in ctl.entities
    assert len(live.connections()) == 2
    figures = ctl.counters()
    assert (figures["live_connections"], figures["accepted"], figures["closed"]) == (2, 3, 1)
    survivors = {e.slot for e in live.connections()}
    assert survivors == {0, 1, 2} - {victim.slot}  # nobody moved


def test_log_shows_the_same_events_in_order(qtbot, live):
    gen = live.traffic(clients=3, lines=1, rate=5, hold=None)
    qtbot.waitUntil(lambda: gen.stats.connected == 3 and len(live.connections()) == 3, timeout=3000)
    gen.close_client(1)
    qtbot.waitUntil(
        lambda: any(r.type == "shutdownCSA" for r in live.log.model.shown), timeout=3000
    )
    rows = list(live.log.model.shown)
    seqs = [r.seq for r in rows]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    new_rows = [r for r in rows if r.type == "newCSA"]
    assert len(new_rows) == 6  # to ServerCore._socketactivity and to the Selector, per client
    assert sum(r.sink.endswith("._socketactivity") for r in new_rows) == 3
    assert sum(r.sink.endswith(".notify") for r in new_rows) == 3
    first_close = next(i for i, r in enumerate(rows) if r.type == "shutdownCSA")
    last_new = max(i for i, r in enumerate(rows) if r.type == "newCSA")
    assert last_new < first_close
    closing = [r for r in rows if r.type in ("socketShutdown", "shutdownCSA")]
    port = str(gen.clients[1].local_port)
    assert any(port in r.conn for r in closing)
    assert all(r.category == "lifecycle" for r in new_rows + closing)


def test_counters_and_depths_follow_traffic(qtbot, live):
    gen = live.traffic(clients=2, lines=4, rate=20, hold=None)
    qtbot.waitUntil(lambda: gen.stats.bytes_received == gen.stats.bytes_sent > 0
                    and gen.stats.lines_sent == 8, timeout=4000)  # fmt: skip
    ctl = live.controller
    qtbot.waitUntil(
        lambda: any(
            (d.item.counter_text or "").startswith("4 msgs") for d in ctl.links.display.values()
        ),
        timeout=3000,
    )
    assert ctl.delivered == live.session.events.delivered  # every delivery counted


def test_animate_selected_links_only(qtbot, live):
    gen = live.traffic(clients=2, lines=1, rate=5, hold=None)
    qtbot.waitUntil(lambda: len(live.connections()) == 2 and gen.stats.connected == 2, timeout=3000)
    ctl = live.controller
    first, _second = sorted(live.connections(), key=lambda e: e.slot)
    card = first.item
    link = next(lk for lk in card.links() if (lk.source.owner, lk.source.name) == (card, "outbox"))
    live.scene.clearSelection()
    link.setSelected(True)
    ctl.set_selected_only(True)
    ctl.tokens.recent.clear()
    for client in gen.clients:
        client.sock.send(b"again\r\n")
    # both echoes have come back, so both connections' deliveries have been drawn (or not)
    expected = gen.stats.bytes_received + 2 * len(b"again\r\n")
    qtbot.waitUntil(lambda: gen.stats.bytes_received >= expected, timeout=3000)
    qtbot.waitUntil(lambda: len(ctl.tokens.recent) >= 1, timeout=2000)
    live.session.events.pump()
    ctl.tick()
    name = first.name.replace("ConnectedSocketAdapter", "CSA")
    assert ctl.tokens.recent and all(w.startswith(f"{name}.outbox") for _t, w in ctl.tokens.recent)


def test_a_graph_that_ends_before_the_first_frame_still_counts_on_its_links(qtbot, catalog):
    from workbench.model import Graph
    from workbench.runtime import Session
    from workbench.ui.canvas.scene import GraphScene
    from workbench.ui.live.controller import LiveController

    graph = Graph()
    pipe = graph.add_node("kamaelia_core.chassis.pipeline.Pipeline", name="pipe",
                          container_kind="pipeline")  # fmt: skip
    source = "kamaelia_core.util.sources.DataSource"
    graph.add_node(source, name="src", params={"messages": [1, 2, 3]}, parent=pipe.id)
    graph.add_node("kamaelia_core.util.collector.Collector", name="sink", parent=pipe.id)
    scene = GraphScene(graph, catalog)
    session = Session(graph, catalog)
    session.start()
    ctl = LiveController(scene, session)  # subscribed, but no frame runs until the end
    try:
        session.run_for(2.0)
        assert session.finished
        ctl.tick()
        ctl._refresh(ctl._last_refresh + 1.0)
        designs = {e.design_id for e in ctl.entities.values() if e.kind == "design"}
        assert {n.id for n in graph.nodes} <= designs
        texts = [lk.counter_text for lk in scene.link_items() if lk.counter_text]
        assert any(t.startswith("3 msgs") for t in texts)
    finally:
        ctl.close()
        session.stop()
        scene.close()
    assert not [lk.counter_text for lk in scene.link_items() if lk.counter_text]
