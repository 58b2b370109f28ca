"""Fixtures for the live-view tests: the echo example running under the Qt driver, watched live."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from workbench.model import Catalog
from workbench.model.io import load
from workbench.resources import example_path
from workbench.runtime import Session
from workbench.runtime.traffic import TrafficGenerator, TrafficPlan, server_ports
from workbench.ui.canvas.scene import GraphScene
from workbench.ui.canvas.view import GraphView
from workbench.ui.driver import SchedulerDriver
from workbench.ui.live.controller import LiveController
from workbench.ui.live.log_dock import LogDock

EXAMPLE = example_path("echo_server")


@dataclass
class Live:
    """The pieces of one watched run."""

    scene: GraphScene
    view: GraphView
    session: Session
    driver: SchedulerDriver
    controller: LiveController
    log: LogDock
    generators: list[TrafficGenerator]

    @property
    def port(self) -> int:
        return server_ports(self.session.scheduler)[0]

    def traffic(self, **plan) -> TrafficGenerator:
        """Start a generator against the echo server (closed in teardown)."""
        gen = TrafficGenerator(self.session.scheduler, self.port, plan=TrafficPlan(**plan))
        self.generators.append(gen)
        return gen.start()

    def ports(self) -> set[int]:
        return (
            set().union(*(g.local_ports() for g in self.generators)) if self.generators else set()
        )

    def connections(self):
        return [e for e in self.controller.entities.values() if e.kind == "connection"]


@pytest.fixture(scope="session")
def catalog():
    return Catalog.discover()


def make_live(qtbot, catalog, **options) -> Live:
    graph = load(EXAMPLE, catalog)
    scene = GraphScene(graph, catalog)
    view = GraphView(scene)
    qtbot.addWidget(view)
    view.resize(1400, 900)
    view.show()
    session = Session(graph, catalog)
    session.start()
    driver = SchedulerDriver(session.scheduler)
    driver.start()
    gens: list[TrafficGenerator] = []
    ports = lambda: set().union(*(g.local_ports() for g in gens)) if gens else set()  # noqa: E731
    controller = LiveController(scene, session, view, traffic_ports=ports, **options)
    log = LogDock()
    qtbot.addWidget(log)
    log.attach(session.events, controller.describe)
    controller.start()
    live = Live(scene, view, session, driver, controller, log, gens)
    qtbot.waitUntil(lambda: bool(server_ports(session.scheduler)), timeout=3000)
    return live


def close_live(live: Live) -> None:
    for gen in live.generators:
        gen.stop()
    live.controller.close()
    live.log.detach()
    live.driver.stop()
    live.session.stop()
    live.scene.close()


@pytest.fixture
def live(qtbot, catalog):
    watched = make_live(qtbot, catalog)
    yield watched
    close_live(watched)
