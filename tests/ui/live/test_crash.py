"""A protocol handler that crashes is drawn red with its traceback, and a click reports it."""

from __future__ import annotations

import pytest

from kamaelia_core.component import Component
from kamaelia_core.net import ConnectedSocketAdapter, Selector, ServerCore, TCPServer
from workbench.model import Catalog, Graph
from workbench.runtime import Session
from workbench.runtime.traffic import TrafficGenerator, TrafficPlan, server_ports
from workbench.ui.canvas.scene import GraphScene
from workbench.ui.canvas.view import GraphView
from workbench.ui.driver import SchedulerDriver
from workbench.ui.live.controller import LiveController


class Boom(Component):
    """Raises on the first bytes it gets."""

    def main(self):
        while not self.dataReady("inbox"):
            self.pause()
            yield 1
        raise ValueError(f"boom on {self.recv('inbox')!r}")


@pytest.fixture
def boom_live(qtbot):
    catalog = Catalog([ServerCore, TCPServer, ConnectedSocketAdapter, Selector, Boom])
    graph = Graph()
    core = graph.add_node(
        "kamaelia_core.net.servers.ServerCore",
        name="boom_server",
        params={"port": 0},
        position=(0, 0),
        container_kind="servercore",
    )
    graph.add_node(f"{Boom.__module__}.Boom", name="boom", parent=core.id, position=(40, 70))
    scene = GraphScene(graph, catalog)
    view = GraphView(scene)
    qtbot.addWidget(view)
    session = Session(graph, catalog)
    session.start()
    driver = SchedulerDriver(session.scheduler)
    driver.start()
    ctl = LiveController(scene, session, view)
    ctl.start()
    qtbot.waitUntil(lambda: bool(server_ports(session.scheduler)), timeout=3000)
    gen = TrafficGenerator(session.scheduler, server_ports(session.scheduler)[0],
                           plan=TrafficPlan(clients=1, lines=1, hold=None))  # fmt: skip
    yield ctl, gen.start(), scene
    gen.stop()
    ctl.close()
    driver.stop()
    session.stop()
    scene.close()


@pytest.mark.expect_errors(match=r"Boom#\d+ crashed")
def test_crashed_handler_is_red_with_traceback_and_click_reports_it(qtbot, boom_live):
    ctl, _gen, scene = boom_live
    qtbot.waitUntil(lambda: any(e.state == "crashed" for e in ctl.entities.values()), timeout=4000)
    ent = next(e for e in ctl.entities.values() if e.state == "crashed")
    assert ent.kind == "handler" and "ValueError: boom on b'hello 0.0" in ent.traceback
    item = ent.item
    assert item.state == "crashed" and "boom on" in item.toolTip()
    with qtbot.waitSignal(ctl.crash_selected) as blocker:
        item.setSelected(True)
    title, text = blocker.args
    assert title == "boom" and "ValueError" in text
    ctl._sweep(ent.ended_at + 1.0)  # a crash stays on screen longer than a normal end
    assert item.scene() is scene
