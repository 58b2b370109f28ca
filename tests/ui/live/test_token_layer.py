"""Tests for workbench.ui.live.token_layer: one item, one timer that stops, hover, caps."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF

from workbench.ui.canvas.boxes import BoxSpec
from workbench.ui.canvas.link_item import LinkItem
from workbench.ui.canvas.node_item import NodeItem
from workbench.ui.live import token_layer
from workbench.ui.live.token_layer import TokenLayerItem


@pytest.fixture
def wired(scene):
    a = NodeItem("a", "A", inboxes=[], outboxes=[BoxSpec("outbox", "out")])
    b = NodeItem("b", "B", inboxes=[BoxSpec("inbox", "in")], outboxes=[])
    scene.addItem(a)
    scene.addItem(b)
    b.setPos(400, 60)
    link = LinkItem("l", a.port("outbox"), b.port("inbox"))
    scene.addItem(link)
    layer = TokenLayerItem()
    scene.addItem(layer)
    yield layer, link
    layer.clear()


def test_tokens_move_along_the_link_and_the_timer_stops(qtbot, wired):
    layer, link = wired
    layer.speed = 4.0
    assert layer.add(link.path(), "new", "newCSA", "newCSA(...)", "A.outbox → B.inbox", link=link)
    assert layer.timer.isActive()
    qtbot.waitUntil(lambda: layer.tokens and layer.tokens[0].pos is not None, timeout=1000)
    first = QPointF(layer.tokens[0].pos)
    qtbot.waitUntil(lambda: layer.tokens and layer.tokens[0].pos != first, timeout=1000)
    start, end = link.path().pointAtPercent(0), link.path().pointAtPercent(1)
    assert start.x() <= layer.tokens[0].pos.x() <= end.x()
    qtbot.waitUntil(lambda: not layer.timer.isActive(), timeout=2000)  # idle: nothing moves
    assert not layer.tokens and layer.drawn == 1


def test_hover_shows_the_message(qtbot, wired):
    layer, link = wired
    layer.speed = 0.1
    layer.add(link.path(), "data", "bytes", "b'hello'", "CSA#3.outbox → Echo#4.inbox", link=link)
    qtbot.waitUntil(lambda: layer.tokens[0].pos is not None, timeout=1000)
    token = layer.token_at(layer.tokens[0].pos + QPointF(3, 2))
    assert token is not None and token.value == "b'hello'"
    assert layer.token_at(layer.tokens[0].pos + QPointF(60, 60)) is None


def test_caps_count_what_is_not_drawn(qtbot, wired, monkeypatch):
    layer, link = wired
    monkeypatch.setattr(token_layer, "MAX_TOKENS", 5)
    for _ in range(20):
        layer.add(link.path(), "data", "bytes", "b'x'", "", link=link)
    assert len(layer.tokens) <= 5
    assert layer.drawn + layer.skipped == 20 and layer.skipped >= 15
    layer.enabled = False
    assert not layer.add(link.path(), "data", "bytes", "b'x'", "", link=link)


def test_pulses_are_static_between_refreshes(qtbot, wired):
    layer, link = wired
    layer.set_pulses([(link, 1500.0)])
    assert not layer.timer.isActive()  # no 30 fps repaint while flooded
    phase = layer._phase
    layer.set_pulses([(link, 1500.0)])
    assert layer._phase != phase and layer.boundingRect().contains(link.sceneBoundingRect())
    layer.set_pulses([])
    assert layer.boundingRect().isEmpty()
