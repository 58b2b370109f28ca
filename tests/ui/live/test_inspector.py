"""Tests for the live Inspector (workbench.ui.panels.inspector) and the live status bar, driven
through the real MainWindow with loopback clients."""

from __future__ import annotations

import pytest

from tests.ui.conftest import WINDOW_SIZE
from tests.ui.live.conftest import EXAMPLE
from workbench.runtime.traffic import TrafficGenerator, TrafficPlan, server_ports
from workbench.ui.live.live_node_item import LiveNodeItem
from workbench.ui.panels.inspector import LiveInspector, fmt_uptime


@pytest.fixture
def window(make_window, catalog):
    return make_window(catalog, WINDOW_SIZE)


def running(qtbot, win) -> int:
    assert win.open_file(str(EXAMPLE))
    win.run_graph()
    qtbot.waitUntil(lambda: win.live.controller is not None, timeout=3000)
    qtbot.waitUntil(lambda: bool(server_ports(win.run.session.scheduler)), timeout=3000)
    return server_ports(win.run.session.scheduler)[0]


def card(win, title: str) -> LiveNodeItem | None:
    return next(
        (i for i in win.scene.items() if isinstance(i, LiveNodeItem) and i.title == title), None
    )


def clients(win, port: int, n: int) -> TrafficGenerator:
    plan = TrafficPlan(clients=n, lines=1, rate=0, connect_rate=0, hold=None, duration=60)
    gen = TrafficGenerator(win.run.session.scheduler, port, plan=plan).start()
    win.live.traffic = gen  # closed with the run
    return gen


def test_fmt_uptime():
    assert fmt_uptime(137) == "00:02:17"
    assert fmt_uptime(3 * 3600 + 5) == "03:00:05"


def test_tcpserver_counters_sparkline_and_boxes_update(qtbot, window):
    port = running(qtbot, window)
    inspector: LiveInspector = window.live.inspector
    assert window.properties.windowTitle() == "Inspector"
    qtbot.waitUntil(lambda: card(window, "TCPServer") is not None, timeout=3000)
    tcp = card(window, "TCPServer")
    tcp.setSelected(True)
    assert inspector.isVisibleTo(window) and inspector.is_server()
    assert "TCPServer" in inspector.header.text()
    values = inspector.values
    assert values["live_connections"].text() == "0"
    gen = clients(window, port, 2)
    qtbot.waitUntil(lambda: values["accepted"].text() == "2", timeout=5000)
    qtbot.waitUntil(lambda: values["live_connections"].text() == "2", timeout=5000)
    inspector.sample()
    assert inspector.sparkline.values[-1] == 2.0 and inspector.sparkline.isVisibleTo(window)
    sent = inspector.box_labels[("out", "protocolHandlerSignal")]
    qtbot.waitUntil(lambda: sent.text() == "2 sent", timeout=5000)  # one newCSA each
    assert inspector.box_labels[("in", "_feedbackFromCSA")].text().startswith("queue ")
    gen.close_client(0)
    qtbot.waitUntil(lambda: values["closed"].text() == "1", timeout=5000)
    qtbot.waitUntil(lambda: values["live_connections"].text() == "1", timeout=5000)
    inspector.sample()
    assert inspector.sparkline.values[-1] == 1.0 and 2.0 in inspector.sparkline.values
    # per-component send counts let go of ended connections (churn must not grow them)
    sched = window.run.session.scheduler
    qtbot.waitUntil(lambda: set(inspector.sent) <= {c.cid for c in sched.components}, timeout=5000)
    assert "listenport" in [
        inspector.params.itemAt(i, inspector.params.ItemRole.LabelRole).widget().text()
        for i in range(inspector.params.rowCount())
    ]


def test_a_csa_shows_its_boxes_not_server_counters(qtbot, window):
    port = running(qtbot, window)
    clients(window, port, 1)
    qtbot.waitUntil(lambda: card(window, "ConnectedSocketAdapter") is not None, timeout=5000)
    csa = card(window, "ConnectedSocketAdapter")
    csa.setSelected(True)
    inspector = window.live.inspector
    assert not inspector.is_server() and not inspector.sparkline.isVisibleTo(window)
    outbox = inspector.box_labels[("out", "outbox")]
    qtbot.waitUntil(lambda: outbox.text() == "1 sent", timeout=5000)  # the client's one line
    assert "delivered=" in inspector.text() and "live_connections" not in inspector.text()


def test_edit_mode_gets_the_properties_editor_back(qtbot, window):
    running(qtbot, window)
    assert window.properties.read_only
    window.stop_graph()
    assert not window.live.inspector.isVisibleTo(window)
    assert window.live.inspector.controller is None
    assert not window.live.inspector.sample_timer.isActive()
    assert not window.properties.read_only


def test_status_bar_shows_live_counts_then_edit(qtbot, window):
    port = running(qtbot, window)
    label = window.count_label
    clients(window, port, 1)
    qtbot.waitUntil(lambda: window.live.controller.delivered > 0, timeout=5000)
    qtbot.waitUntil(lambda: " msgs" in label.text(), timeout=5000)
    text = label.text()
    assert text.startswith("Live \u00b7 ")
    for part in ("components", "links", "msg/s", "scheduler load"):
        assert part in text
    qtbot.waitUntil(lambda: "cycle " in window.run_state_label.text(), timeout=3000)
    assert window.run_state_label.text().startswith("\u25cf RUNNING \u00b7 cycle ")
    window.stop_graph()
    assert label.text().startswith("Edit \u00b7 ")
    assert window.run_state_label.text().endswith("EDITING")
