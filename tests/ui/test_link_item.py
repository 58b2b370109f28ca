"""Tests for workbench.ui.canvas.link_item: routing, counter pill, styles."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QGraphicsScene

from workbench.ui.canvas.boxes import boxes_from
from workbench.ui.canvas.link_item import LinkItem
from workbench.ui.canvas.node_item import NodeItem


@pytest.fixture
def pair(qtbot):
    scene = QGraphicsScene()
    a = NodeItem("a", "A", inboxes=boxes_from(["inbox", "control"], "in"),
                 outboxes=boxes_from(["outbox", "signal"], "out"))  # fmt: skip
    b = NodeItem("b", "B", inboxes=boxes_from(["inbox", "control"], "in"),
                 outboxes=boxes_from(["outbox", "signal"], "out"))  # fmt: skip
    b.setPos(400, 0)
    scene.addItem(a)
    scene.addItem(b)
    yield scene, a, b
    scene.clear()


def test_forward_link_ends_at_the_inbox(pair):
    scene, a, b = pair
    link = LinkItem("l1", a.port("outbox", "out"), b.port("inbox", "in"))
    scene.addItem(link)
    path = link.path()
    assert path.pointAtPercent(0).x() == pytest.approx(a.port("outbox", "out").scenePos().x())
    assert path.pointAtPercent(1).x() < b.scenePos().x()
    assert not link.is_control
    assert a.port("outbox", "out").is_linked


def test_backward_link_loops_over_the_cards(pair):
    scene, a, b = pair
    link = LinkItem("l2", b.port("outbox", "out"), a.port("inbox", "in"))
    scene.addItem(link)
    top = link.path().boundingRect().top()
    assert top < min(a.sceneBoundingRect().top(), b.sceneBoundingRect().top())


def test_path_follows_moves_and_counter_pill(pair):
    scene, a, b = pair
    link = LinkItem("l3", a.port("signal", "out"), b.port("control", "in"))
    scene.addItem(link)
    assert link.is_control
    before = link.path().pointAtPercent(1)
    b.moveBy(0, 100)
    assert link.path().pointAtPercent(1).y() == pytest.approx(before.y() + 100)
    plain = link.boundingRect()
    link.set_counter_text("12 msgs · 3/s")
    assert link.boundingRect().contains(link._pill_rect())
    assert link.boundingRect().united(plain) == link.boundingRect()
    link.set_counter_text(None)
    assert link.counter_text is None


def test_detach_and_dim(pair):
    scene, a, b = pair
    link = LinkItem("l4", a.port("outbox", "out"), b.port("inbox", "in"))
    scene.addItem(link)
    a.set_closing(True)
    assert link.dimmed
    link.detach()
    assert not b.port("inbox", "in").is_linked
