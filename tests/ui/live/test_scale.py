"""Live view at scale: 500 connections collapse into stacks; a flood keeps the Qt loop alive."""

from __future__ import annotations

import itertools

from PySide6.QtCore import QTimer

from tests.ui.live.conftest import close_live, make_live


def test_500_clients_collapse_into_stacks_and_expand(qtbot, catalog):
    live = make_live(qtbot, catalog)
    try:
        gen = live.traffic(clients=500, lines=0, connect_rate=0, hold=None, duration=60)
        qtbot.waitUntil(lambda: len(live.connections()) == 500, timeout=15000)
        ctl = live.controller
        cluster = ctl.layout.clusters["n1"]
        assert cluster.collapsed
        stack = cluster.stacks["connection"]
        handlers = cluster.stacks["handler"]
        qtbot.waitUntil(lambda: stack.stack_count == 500 and handlers.stack_count == 500)
        assert stack.title == "ConnectedSocketAdapter" and "500 running" in stack.footer
        assert all(e.item is None for e in live.connections())  # no per-connection items
        lk = next(d for d in ctl.links.display.values()
                  if d.item.source.owner is stack and d.item.sink.owner is handlers)  # fmt: skip
        assert len(lk.members) == 500
        stack_pos = stack.scenePos()
        stack.on_expand(stack)
        assert not cluster.collapsed and cluster.expanded
        assert all(e.item is not None and e.item.scene() is live.scene for e in live.connections())
        ys = sorted(e.item.pos().y() for e in live.connections())
        assert len(set(ys)) == 500  # one row each
        assert stack.scene() is live.scene and stack.expanded  # header with "collapse"
        assert stack.scenePos().y() < min(ys)
        stack.on_expand(stack)  # the same chip collapses again
        assert cluster.collapsed and cluster.stacks["connection"] is stack
        assert stack.scenePos() == stack_pos and not stack.expanded
        assert all(e.item is None for e in live.connections())
        gen.stop()
        ctl.set_speed(20.0)
        qtbot.waitUntil(lambda: not live.connections(), timeout=15000)
        qtbot.waitUntil(lambda: not cluster.collapsed, timeout=3000)
    finally:
        close_live(live)


def test_flood_degrades_to_rates_and_keeps_the_loop_responsive(qtbot, catalog):
    """During a flood the GUI's 16 ms timer keeps firing and traffic keeps flowing between
    ticks: the loop interleaves scheduler slices with GUI work. (How late the timer fires is a
    benchmark figure, measured by bench/liveview.py, not asserted here.)"""
    live = make_live(qtbot, catalog, high_rate=200)
    try:
        gen = live.traffic(clients=8, lines=100_000, rate=0, hold=None, duration=30)
        ticks: list[int] = []
        probe = QTimer()
        probe.setInterval(16)
        probe.timeout.connect(lambda: ticks.append(live.session.scheduler.slices))
        probe.start()
        qtbot.waitUntil(lambda: live.controller.mode == "high-rate", timeout=5000)
        first = len(ticks)
        qtbot.waitUntil(lambda: len(ticks) >= first + 40, timeout=15000)
        probe.stop()
        flowing = sum(1 for a, b in itertools.pairwise(ticks[first:]) if b > a)
        assert flowing >= 30, f"the scheduler ran between only {flowing} of 40 GUI ticks"
        ctl = live.controller
        assert not ctl.tokens.tokens  # tokens off, pulses on
        assert ctl.tokens.pulses
        assert live.controller.banner.isVisible()
        model = live.log.model
        assert model.sample > 1  # the log samples what it displays ...
        live.session.events.pump()
        assert ctl.delivered == live.session.events.delivered  # ... every delivery is counted
        assert live.session.tap.dropped == 0
        gen.stop()
    finally:
        close_live(live)


def test_clicking_the_stack_chip_expands_and_collapses(qtbot, catalog):
    from PySide6.QtCore import Qt

    live = make_live(qtbot, catalog, collapse_at=2)
    try:
        live.traffic(clients=3, lines=0, connect_rate=0, hold=None)
        qtbot.waitUntil(lambda: len(live.connections()) == 3, timeout=4000)
        cluster = live.controller.layout.clusters["n1"]
        qtbot.waitUntil(lambda: cluster.collapsed and "connection" in cluster.stacks)
        stack = cluster.stacks["connection"]
        qtbot.waitExposed(live.view)

        def click_chip() -> None:
            live.view.centerOn(stack)
            chip = stack.mapToScene(stack.chip_rect().center())
            pos = live.view.mapFromScene(chip)
            qtbot.mouseClick(live.view.viewport(), Qt.MouseButton.LeftButton, pos=pos)

        click_chip()
        assert not cluster.collapsed and stack.expanded
        assert all(e.item is not None for e in live.connections())
        click_chip()
        assert cluster.collapsed and not stack.expanded
    finally:
        close_live(live)
