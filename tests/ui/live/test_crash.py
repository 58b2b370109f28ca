"""A protocol handler that crashes is drawn red with its traceback, and a click reports it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kamaelia_core.component import Component
from kamaelia_core.net import ConnectedSocketAdapter, Selector, ServerCore, TCPServer
from tests.ui.conftest import WINDOW_SIZE
from workbench.model import Catalog, Graph
from workbench.runtime import Session
from workbench.runtime.traffic import TrafficGenerator, TrafficPlan, server_ports
from workbench.ui.canvas.scene import GraphScene
from workbench.ui.canvas.view import GraphView
from workbench.ui.driver import SchedulerDriver
from workbench.ui.live import lifecycle
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


def test_a_crashed_handler_stays_crashed_when_its_connection_closes(qtbot):
    from types import SimpleNamespace

    from PySide6.QtWidgets import QGraphicsScene

    from workbench.ui.canvas.node_item import NodeItem
    from workbench.ui.live.clusters import Entity

    scene = QGraphicsScene()
    csa = Entity(5, "ConnectedSocketAdapter#5", "ConnectedSocketAdapter", "connection", "n1")
    handler = Entity(6, "Boom#6", "Boom", "handler", "n2", partner=5, state="crashed")
    csa.partner = 6
    for ent in (csa, handler):
        ent.item = NodeItem(f"live:{ent.cid}", ent.cls)
        scene.addItem(ent.item)
    handler.item.set_state("crashed", "Traceback ...\nValueError: boom on b'hello'")
    ctl = SimpleNamespace(entities={5: csa, 6: handler}, _dirty_clusters=set())
    for cid in (5, 6):  # the model says the connection and its handler are closing
        lifecycle.closing(ctl, SimpleNamespace(cid=cid))
    assert csa.closing and csa.item.state == "closing"
    assert not handler.closing and handler.item.state == "crashed"
    assert "boom on" in handler.item.toolTip() and handler.item.opacity() == 1.0
    scene.clear()


PER_CONNECTION = (
    Path(__file__).resolve().parents[3]
    / "assets"
    / "examples"
    / "per_connection_pipeline.kgraph.json"
)


@pytest.fixture
def window(make_window):
    win = make_window(Catalog.discover(), WINDOW_SIZE)
    win.trust_answer = True
    return win


@pytest.mark.expect_errors(match=r"PureTransformer#\d+ crashed")
def test_a_member_of_a_per_connection_pipeline_that_crashes_is_shown_on_the_canvas(
    qtbot, window, tmp_path
):
    """The copy of "upper" made for one connection raises: the status bar and the Log said so,
    but no card did (it is neither a built design node nor a drawn live card)."""
    doc = json.loads(PER_CONNECTION.read_text(encoding="utf-8"))
    upper = next(n for n in doc["nodes"] if n["name"] == "upper")
    upper["params"]["function"] = {"$code": "lambda data: 1 / 0"}
    path = tmp_path / "crashy.kgraph.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert window.open_file(str(path))
    window.run_graph()
    live = window.live
    qtbot.waitUntil(live.traffic_action.isEnabled, timeout=3000)
    with qtbot.waitSignal(window.run.crashed, timeout=5000) as crash:
        assert live.start_traffic(1) is not None
    assert crash.args[0] == upper["id"] and "ZeroDivisionError" in crash.args[2]
    card = window.scene.node_item(upper["id"])  # the design card the copy was made from
    qtbot.waitUntil(lambda: "ZeroDivisionError" in card.toolTip(), timeout=2000)
    assert card.crashes

    def handler_cards():  # each connection's own Pipeline
        return [e.item for e in live.controller.entities_of_kind("handler") if e.item is not None]

    qtbot.waitUntil(
        lambda: any("ZeroDivisionError" in i.toolTip() for i in handler_cards()), timeout=2000
    )
    row = next(i for i in handler_cards() if "ZeroDivisionError" in i.toolTip())
    assert "ZeroDivisionError" in row.toolTip() and row.state != "crashed"  # it still runs
    window.view.fit_all()
    window.grab().save(str(tmp_path / "crashed_member.png"))
    with qtbot.waitSignal(live.controller.crash_selected) as picked:
        window.scene.clearSelection()
        row.setSelected(True)
    assert "ZeroDivisionError" in picked.args[1]
    assert "ZeroDivisionError" in window.status_label.text()
    window.scene.clearSelection()
    card.setSelected(True)  # the design card: its crash under its parameters
    assert "ZeroDivisionError" in window.properties.crash_text.text()
    window.stop_graph()
    assert card.crashes  # still there after the run, until the next one
    window.run_graph()
    assert not card.crashes
