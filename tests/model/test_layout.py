"""Tests for workbench.model.layout: layered positions without overlaps."""

from __future__ import annotations

import pytest

from tests.ui.fakes import echo_graph
from workbench.model.layout import auto_layout


@pytest.fixture
def graph():
    return echo_graph()


def test_layers_follow_links_and_nothing_overlaps(graph):
    positions = auto_layout(graph, lambda _nid: (200.0, 80.0))
    assert set(positions) == {n.id for n in graph.nodes}
    by_name = {n.name: positions[n.id] for n in graph.nodes}
    assert by_name["CSA 51234"][0] < by_name["Echo"][0]
    leaves = [positions[n.id] for n in graph.nodes if not n.is_container]
    boxes = [(x, y, x + 200, y + 80) for x, y in leaves]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
