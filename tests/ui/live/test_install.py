"""Tests for workbench.ui.live.install: the live mode inside the real MainWindow."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from tests.ui.conftest import WINDOW_SIZE
from tests.ui.live.conftest import EXAMPLE
from workbench.runtime.traffic import TrafficGenerator, TrafficPlan, server_ports
from workbench.ui.live.live_node_item import LiveNodeItem


@pytest.fixture
def window(make_window, catalog):
    return make_window(catalog, WINDOW_SIZE)


def live_items(win):
    return [i for i in win.scene.items() if isinstance(i, LiveNodeItem)]


def test_run_traffic_and_stop_in_the_window(qtbot, window):
    assert window.open_file(str(EXAMPLE))
    live = window.live
    assert not live.traffic_action.isEnabled()
    window.run_graph()
    qtbot.waitUntil(lambda: live.controller is not None, timeout=2000)
    qtbot.waitUntil(lambda: bool(server_ports(window.run.session.scheduler)), timeout=2000)
    qtbot.waitUntil(lambda: bool(window.run.session.model.listening()), timeout=2000)  # pumped
    assert live.traffic_action.isEnabled()
    live.set_clients(3)
    gen = live.start_traffic()
    assert gen is not None and gen.plan.clients == 3
    qtbot.waitUntil(lambda: len(live.controller.entities_of_kind("connection")) == 3, timeout=4000)
    qtbot.waitUntil(lambda: any(r.type == "newCSA" for r in live.log_dock.model.shown))
    assert live.traffic_action.text() == "Traffic: 3 clients"
    window.speed_slider.setValue(0)
    assert live.controller.tokens.speed == pytest.approx(0.05)
    live.tokens_action.setChecked(False)
    assert not live.controller.tokens.enabled
    window.stop_graph()
    assert live.controller is None and live.traffic is None
    assert not live_items(window)
    assert window.scene.node_item("n2").isVisible()  # the handler template is back


def test_traffic_without_a_server_says_why(qtbot, window):
    assert live_items(window) == []
    assert window.live.start_traffic() is None
    assert "Run the graph first" in window.status_label.text()


def _pipeline_without_server(win):
    """DataSource -> PureTransformer -> Collector, as a user would wire it (no server)."""
    src = win.editor.add_node("kamaelia_core.util.sources.DataSource", (0, 0),
                              params={"messages": ["a", "b"]})  # fmt: skip
    mid = win.editor.add_node("kamaelia_core.util.transformers.PureTransformer", (300, 0))
    sink = win.editor.add_node("kamaelia_core.util.collector.Collector", (600, 0))
    win.editor.add_link((src, "outbox"), (mid, "inbox"))
    win.editor.add_link((mid, "outbox"), (sink, "inbox"))


def test_clicking_traffic_keeps_a_real_count(qtbot, window):
    """The button's own click (``triggered(bool)``) once set the count to False."""
    assert window.open_file(str(EXAMPLE))
    live = window.live
    window.run_graph()
    qtbot.waitUntil(lambda: live.traffic_action.isEnabled(), timeout=3000)
    live.traffic_button.click()  # what a mouse does: the action's triggered(checked=False)
    assert live.traffic is not None and live.traffic.plan.clients == 3
    assert live.traffic_action.text() == "Traffic: 3 clients"
    window.stop_graph()
    window.new_file()
    assert live.traffic_action.text() == "Traffic: no server"
    with pytest.raises(ValueError, match="positive whole number"):
        live.set_clients(False)
    assert live.clients == 3


def test_traffic_says_the_graph_has_no_server_and_why_it_is_off(qtbot, window, tmp_path):
    live = window.live
    _pipeline_without_server(window)
    assert live.traffic_action.text() == "Traffic: no server"
    assert not live.traffic_action.isEnabled()
    assert "no TCP server" in live.traffic_action.toolTip()
    window.run_graph()
    qtbot.waitUntil(lambda: window.run.state in ("running", "finished"), timeout=2000)
    assert live.traffic_action.text() == "Traffic: no server"
    assert not live.traffic_action.isEnabled()
    window.stop_graph()
    assert window.open_file(str(EXAMPLE))  # a server graph, not running yet
    assert live.traffic_action.text() == "Traffic: 3 clients"
    assert not live.traffic_action.isEnabled()
    assert "Run the graph first" in live.traffic_action.toolTip()
    core = next(n for n in window.graph.nodes if n.container_kind == "servercore")
    window.editor.set_param(core.id, "port", "abc")  # the run cannot start
    window.run_graph()
    assert window.run.session is None
    assert live.traffic_action.text() == "Traffic: 3 clients"
    assert not live.traffic_action.isEnabled()
    assert "Run the graph first" in live.traffic_action.toolTip()
    window.grab().save(str(tmp_path / "traffic.png"))


@pytest.mark.parametrize(
    ("running", "has_server", "ports", "text", "enabled", "why"),
    [
        (False, False, [], "Traffic: no server", False, "no TCP server"),
        (False, True, [], "Traffic: 3 clients", False, "Run the graph first"),
        (True, False, [], "Traffic: no server", False, "no TCP server"),
        (True, True, [], "Traffic: not listening", False, "not listening"),
        (True, True, [4000], "Traffic: 3 clients", True, "port 4000"),
        (True, False, [4000], "Traffic: 3 clients", True, "port 4000"),
    ],
)
def test_traffic_readiness(running, has_server, ports, text, enabled, why):
    from workbench.ui.live.install import traffic_readiness

    got_text, got_enabled, tip = traffic_readiness(3, running, has_server, ports)
    assert (got_text, got_enabled) == (text, enabled)
    assert why in tip


def test_the_timeline_is_a_tab_beside_the_log_toggled_in_the_view_menu_and_remembered(
    qtbot, window, make_window, catalog
):
    live = window.live
    timeline = live.timeline_dock
    assert timeline in window.tabifiedDockWidgets(live.log_dock)
    toggle = timeline.toggleViewAction()
    assert toggle in window.view_menu.actions() and toggle.text() == "Timeline"
    assert toggle.isChecked()
    toggle.trigger()
    assert not toggle.isChecked()
    window.shutdown()  # saves the window state
    again = make_window(catalog)  # the next start
    again.show()
    assert not again.live.timeline_dock.toggleViewAction().isChecked()


def running_with_traffic(qtbot, window):
    """The echo example running with one client that sent two lines, got them back and stays
    connected (nothing more moves on the timeline)."""
    assert window.open_file(str(EXAMPLE))
    window.run_graph()
    live = window.live
    qtbot.waitUntil(lambda: live.controller is not None, timeout=2000)
    qtbot.waitUntil(lambda: bool(server_ports(window.run.session.scheduler)), timeout=2000)
    plan = TrafficPlan(clients=1, lines=2, rate=20, hold=None, duration=30)
    port = server_ports(window.run.session.scheduler)[0]
    gen = live.traffic = TrafficGenerator(window.run.session.scheduler, port, plan=plan).start()
    qtbot.waitUntil(lambda: gen.stats.bytes_received == gen.stats.bytes_sent > 0, timeout=5000)
    timeline = live.timeline_dock
    timeline.raise_()
    qtbot.waitUntil(lambda: timeline.view.isVisible(), timeout=2000)
    qtbot.waitUntil(lambda: sum(e.msg_type == "bytes" for e in timeline.rows.first) >= 4)
    timeline.fit()
    timeline.view.viewport().repaint()
    return live, timeline


def test_a_message_picked_in_the_timeline_is_selected_in_the_log_and_on_the_canvas(qtbot, window):
    live, timeline = running_with_traffic(qtbot, window)
    rows = timeline.rows
    live.log_dock.flush()
    logged = {r.seq for r in live.log_dock.model.shown}  # (a burst can be sampled in the log)
    i = next(i for i, e in enumerate(rows.first) if e.msg_type == "bytes" and e.seq in logged)
    ev = rows.first[i]
    timeline.view.set_zoom(22.0)  # arrows far enough apart to click one
    timeline.view.set_follow(False)
    timeline.view.center_on(rows.pos[i])
    timeline.view.viewport().repaint()
    seq, y, x1, x2 = next(a for a in timeline.view.stats.arrows if a[0] == ev.seq)
    qtbot.mouseClick(timeline.view.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(round((x1 + x2) / 2), round(y)))  # fmt: skip
    log = live.log_dock
    (selected,) = log.table.selectionModel().selectedRows()
    assert log.model.shown[selected.row()].seq == seq
    link = next(d.item for d in live.controller.links.display.values() if d.item.highlighted)
    assert link.isSelected()
    assert link.source.owner is live.controller.item_for(ev.cid)
    assert link.sink.owner is live.controller.item_for(ev.sink_cid)


def test_a_log_row_scrolls_the_timeline_to_it_and_a_canvas_node_lights_its_lifeline(qtbot, window):
    live, timeline = running_with_traffic(qtbot, window)
    log = live.log_dock
    log.raise_()
    qtbot.waitUntil(lambda: log.table.isVisible(), timeout=2000)
    log.flush()
    m = log.model
    i = next(i for i, r in enumerate(m.shown) if r.type == "newCSA")
    log.table.scrollTo(m.index(i, 2))
    rect = log.table.visualRect(m.index(i, 2))
    qtbot.mouseClick(log.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    serial = timeline.model.serial_of_seq(m.shown[i].seq)
    assert timeline.view.selected == serial is not None
    timeline.raise_()
    qtbot.waitUntil(lambda: timeline.view.isVisible(), timeout=2000)
    timeline.view.viewport().repaint()
    drawn = {a[0]: a[1] for a in timeline.view.stats.arrows}
    assert m.shown[i].seq in drawn and not timeline.view.follow  # scrolled to it, and it stays
    echo = next(e for e in live.controller.entities.values() if e.kind == "handler")
    window.scene.clearSelection()
    echo.item.setSelected(True)
    assert echo.cid in timeline.view.highlighted
