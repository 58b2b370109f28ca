"""Breakpoints, Step Message and watchpoints in the real window, on the echo example."""

from __future__ import annotations

import pytest

from tests.ui.conftest import WINDOW_SIZE
from tests.ui.live.conftest import EXAMPLE
from workbench.runtime.debugging import BreakSpec
from workbench.ui.live.kinds import LIFECYCLE_KINDS

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def window(qtbot, make_window, catalog):
    win = make_window(catalog, WINDOW_SIZE)
    qtbot.waitExposed(win)
    assert win.open_file(str(EXAMPLE))
    win.run_graph()
    qtbot.waitUntil(win.live.traffic_action.isEnabled, timeout=3000)
    return win


def test_a_breakpoint_on_newcsa_pauses_and_shows_where(qtbot, window):
    live, debug = window.live, window.live.debug
    spec = debug.add(BreakSpec(msg_type="newCSA"))
    assert spec is not None and debug.dock.isVisible() and debug.dock.texts() == ["newCSA · 0 hits"]
    with qtbot.waitSignal(window.run.breakpoint_hit, timeout=10_000) as hit:
        live.start_traffic(1)
    event = hit.args[0].event
    qtbot.waitUntil(lambda: "Stopped at breakpoint" in window.status_label.text(), timeout=2000)
    assert window.run.state == "paused" and event.msg_type == "newCSA"
    assert "Stopped at breakpoint" in window.status_label.text()
    assert "buffering socket data" in window.status_label.text()
    assert debug.dock.texts() == ["▶ newCSA · 1 hit"]
    rows = live.log_dock.table.selectionModel().selectedRows()
    assert rows and live.log_dock.model.row_at(rows[0].row()).seq == event.seq
    assert any(d.item.highlighted for d in live.controller.links.display.values())
    # Step Message: exactly one more delivery reaches the log, and the run stays paused
    debug.step_message()
    qtbot.waitUntil(lambda: "Stepped:" in window.status_label.text(), timeout=2000)
    live.log_dock.flush()
    newer = [r for r in live.log_dock.model.shown if r.seq > event.seq]
    (stepped,) = [r for r in newer if r.type not in LIFECYCLE_KINDS]
    assert window.run.state == "paused"
    if stepped.type == "newCSA":
        # the one delivery stepped was the connection's other newCSA (TCPServer sends one to
        # the Selector and one to the ServerCore; which comes first after the pause depends on
        # when the client connected): a step is not a hit, nothing is left to stop at
        assert spec.hits == 1
    else:
        # continue: the second newCSA of that connection (to the other side) stops it again
        with qtbot.waitSignal(window.run.breakpoint_hit, timeout=10_000) as again:
            window.toggle_pause(False)
        assert again.args[0].event.msg_type == "newCSA" and spec.hits == 2
    debug.clear()
    assert debug.dock.texts() == []
    window.toggle_pause(False)  # no breakpoint left: the client gets its echo
    qtbot.waitUntil(lambda: live.traffic.stats.bytes_received > 0, timeout=10_000)


def test_the_canvas_menu_offers_breakpoints_and_a_watch(qtbot, window):
    live, debug = window.live, window.live.debug
    gen = live.start_traffic(1)
    qtbot.waitUntil(lambda: gen.stats.bytes_received > 0, timeout=10_000)
    ctl = live.controller
    disp = next(d for d in ctl.links.display.values() if d.owned and d.count)
    view = window.view
    view.centerOn(disp.item.midpoint())
    pos = view.mapFromScene(disp.item.path().pointAtPercent(0.5))
    menu = debug.menu_at(pos)
    assert menu is not None
    texts = [a.text() for a in menu.actions()]
    assert "Break on messages here" in texts and "Run to the next message here" in texts
    callout = debug.watch(disp.item)
    qtbot.waitUntil(lambda: bool(callout.lines) or disp.recent is not None, timeout=2000)
    gen.stop()
    debug.watch(disp.item, False)
    assert disp.recent is None and callout.scene() is None


def test_breakpoints_need_a_run(make_window, catalog):
    win = make_window(catalog)
    assert win.live.debug.add(BreakSpec(msg_type="newCSA")) is None
    assert "Run the graph first" in win.status_label.text()


def test_a_paused_component_shows_what_waits_its_children_and_the_cat_services(qtbot, window):
    live, debug = window.live, window.live.debug
    gen = live.start_traffic(1)
    qtbot.waitUntil(lambda: gen.stats.bytes_received > 0, timeout=10_000)
    debug.add(BreakSpec(msg_type="bytes"))
    gen.clients[0].sock.send(b"again\r\n")
    qtbot.waitUntil(lambda: window.run.state == "paused", timeout=10_000)
    core = next(n for n in window.graph.nodes if n.container_kind == "servercore")
    inspector = live.inspector
    inspector.show_item(window.scene.node_item(core.id))
    inspector.refresh()
    assert (
        inspector.paused_note.isVisible()
        and "buffering socket data" in inspector.paused_note.text()
    )
    assert "TCPServer#" in inspector.children_text.text()
    services = inspector.services_text.text()
    assert "selector → Selector#" in services and ".notify" in services
    assert inspector.queued.text()  # what waits (or that nothing does, as last sampled)
    debug.clear()
    window.toggle_pause(False)
    inspector.refresh()
    assert not inspector.paused_note.isVisible()
