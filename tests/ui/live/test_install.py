"""Tests for workbench.ui.live.install: the live mode inside the real MainWindow."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from tests.ui.live.conftest import EXAMPLE
from workbench.runtime.traffic import server_ports
from workbench.ui.live.live_node_item import LiveNodeItem
from workbench.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, tmp_path, catalog):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(catalog, settings=settings, autosave_dir=tmp_path / "auto")
    qtbot.addWidget(win)
    win.ask_save_changes = lambda: "discard"
    win.resize(1600, 1000)
    win.show()
    yield win
    win.shutdown()


def live_items(win):
    return [i for i in win.scene.items() if isinstance(i, LiveNodeItem)]


def test_run_traffic_and_stop_in_the_window(qtbot, window):
    assert window.open_file(str(EXAMPLE))
    live = window.live
    assert not live.traffic_action.isEnabled()
    window.run_graph()
    qtbot.waitUntil(lambda: live.controller is not None, timeout=2000)
    qtbot.waitUntil(lambda: bool(server_ports(window.run.session.scheduler)), timeout=2000)
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
