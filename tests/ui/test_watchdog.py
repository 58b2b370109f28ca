"""An in-loop run whose component never yields: the watchdog stops it and the window lives on."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer

from kamaelia_core.component import Component
from kamaelia_core.util import Collector, DataSource
from workbench.model import Catalog


class Spinner(Component):
    """The classic mistake: a loop with no ``yield`` in it."""

    def main(self):
        yield 1
        n = 0
        while True:
            n += 1


@pytest.mark.expect_errors
def test_a_component_that_loops_forever_is_stopped_and_reported(qtbot, make_window):
    window = make_window(Catalog([Spinner, DataSource, Collector]))
    graph = window.graph
    spin = graph.add_node(f"{Spinner.__module__}.Spinner", name="spinner", position=(0, 0))
    src = graph.add_node(
        "kamaelia_core.util.sources.DataSource", name="src", params={"messages": [1]},
        position=(0, 200),
    )  # fmt: skip
    collector = "kamaelia_core.util.collector.Collector"
    sink = graph.add_node(collector, name="sink", position=(300, 200))
    graph.add_link((src.id, "outbox"), (sink.id, "inbox"))
    ticks = []
    beat = QTimer(interval=20)
    beat.timeout.connect(lambda: ticks.append(1))
    beat.start()
    crashes = []
    window.run.crashed.connect(lambda node, name, text: crashes.append((node, name, text)))
    try:
        window.run_graph()
        qtbot.waitUntil(lambda: bool(crashes), timeout=8000)
        node_id, name, text = crashes[0]
        assert node_id == spin.id and name.startswith("Spinner#")
        assert "held the scheduler" in text and "watchdog" in text and "test_watchdog.py" in text
        item = window.scene.node_item(spin.id)
        qtbot.waitUntil(lambda: item.state == "crashed", timeout=2000)
        assert "held the scheduler" in (item.detail or "")
        assert window.run.state in ("running", "finished")  # the run goes on without it
        before = len(ticks)
        qtbot.waitUntil(lambda: len(ticks) >= before + 5, timeout=2000)  # the window is alive
        sink_state = window.scene.node_item(sink.id).state
        assert sink_state in ("waiting", "running", "finished")
    finally:
        beat.stop()
        window.shutdown()
