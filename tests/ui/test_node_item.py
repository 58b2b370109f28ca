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


def _red_pixels(item, theme) -> int:
    """Pixels of the theme's error colour (within a tolerance) in a rendering of ``item``."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QImage, QPainter

    rect = item.boundingRect()
    image = QImage(int(rect.width()), int(rect.height()), QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    item.scene().render(painter, QRectF(image.rect()), item.sceneBoundingRect())
    painter.end()
    red = theme.error
    count = 0
    for y in range(image.height()):
        for x in range(image.width()):
            c = image.pixelColor(x, y)
            if (abs(c.red() - red.red()) < 40 and abs(c.green() - red.green()) < 40
                    and abs(c.blue() - red.blue()) < 40):  # fmt: skip
                count += 1
    return count


def test_a_crash_badge_stays_through_later_states_until_a_new_run(node):
    from workbench.ui.theme import DARK

    node.set_state("running")
    plain = _red_pixels(node, DARK)
    node.mark_crashed("PureTransformer#43", "Traceback ...\nZeroDivisionError: division by zero")
    assert node.crashes == {"PureTransformer#43": node.crashes["PureTransformer#43"]}
    assert "PureTransformer#43 crashed" in node.toolTip()
    assert "ZeroDivisionError" in node.toolTip()
    badged = _red_pixels(node, DARK)
    assert badged > plain + 100  # the red badge and border are drawn
    for later in ("waiting", "closing", "finished"):  # what the other writers set next
        node.set_state(later)
        assert node.crashes and "ZeroDivisionError" in node.toolTip()
    node.mark_crashed("PureTransformer#43", "Traceback ...\nZeroDivisionError: again")
    assert len(node.crashes) == 1  # the same component marked twice is one crash
    node.set_state("idle")  # a new run, or the edit look
    assert not node.crashes and node.toolTip() == ""


def test_own_crash_is_a_crash_badge_too(node):
    node.set_state("crashed", "Traceback ...\nValueError: boom")
    assert node.crash_text() and "ValueError: boom" in node.crash_text()
    node.set_state("closing")  # its connection closes after it crashed
    assert "ValueError: boom" in node.toolTip()
