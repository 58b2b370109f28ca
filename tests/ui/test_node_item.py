"""Tests for workbench.ui.canvas.node_item: card layout, ports and the live-view hooks."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

from workbench.ui.canvas.boxes import BoxSpec, boxes_from
from workbench.ui.canvas.node_item import NodeItem


@pytest.fixture
def node(qtbot):
    scene = QGraphicsScene()
    item = NodeItem(
        "n1",
        "CSA",
        "ConnectedSocketAdapter",
        "Internet",
        boxes_from({"control": "", "inbox": "", "ReadReady": "", "_private": ""}, "in"),
        boxes_from(["signal", "outbox", "CreatorFeedback"], "out"),
    )
    scene.addItem(item)
    yield item
    scene.clear()


def test_boxes_ordered_data_private_control_last(node):
    rows = {port.name: row for row, port in node._rows}
    assert rows["inbox"] < rows["ReadReady"] < rows["_private"] < rows["control"]
    assert rows["control"] == rows["signal"] == node.row_count - 1
    assert node.port("inbox").pos().x() == 0
    assert node.port("outbox").pos().x() == node.width


def test_box_kinds():
    assert BoxSpec("control", "in").kind == "control"
    assert BoxSpec("signal", "out").kind == "control"
    assert BoxSpec("_feedback", "in").kind == "private"
    assert BoxSpec("outbox", "out").kind == "data"


def test_state_and_closing(node):
    node.set_state("running")
    assert node.state == "running" and node.opacity() == 1.0
    node.set_state("closing")
    assert node.closing and node.opacity() == pytest.approx(0.4, abs=0.01)
    node.set_state("crashed", "Traceback: boom")
    assert not node.closing and node.toolTip() == "Traceback: boom"
    with pytest.raises(ValueError, match="unknown node state"):
        node.set_state("sleepy")


def test_queue_depth_badge_grows_port_bounds(node):
    port = node.port("inbox", "in")
    small = port.boundingRect()
    node.set_queue_depth("inbox", 3, warn=True)
    assert port.queue_depth == 3 and port.queue_warn
    assert port.boundingRect().width() > small.width()


def test_cached_in_device_coordinates(node):
    assert node.cacheMode() == QGraphicsItem.CacheMode.DeviceCoordinateCache


def test_stack_count_and_rebuild_keeps_ports(node):
    port = node.port("outbox")
    node.set_stack_count(137)
    assert node.stack_count == 137
    node.set_boxes(boxes_from(["inbox"], "in"), boxes_from(["outbox"], "out"))
    assert node.port("outbox") is port
    assert node.port("ReadReady") is None
