"""The timeline dock: lifelines, bars and arrows of a watched run, filters, collapse, scale."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QWheelEvent
from PySide6.QtWidgets import QApplication

from tests.runtime.timeline_events import Events
from workbench.ui.live.timeline_dock import TimelineDock
from workbench.ui.live.timeline_paint import HEADER_H
from workbench.ui.theme import DARK, LIGHT

SRC, DST, OTHER = (1, "Source#1"), (2, "Sink#2"), (3, "Other#3")


@pytest.fixture
def dock(qtbot):
    widget = TimelineDock()
    qtbot.addWidget(widget)
    widget.resize(1200, 520)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def paint(dock: TimelineDock):
    dock.refresh()
    dock.view.viewport().repaint()
    return dock.view.stats


def watched(qtbot, live, dock: TimelineDock, clients: int):
    """Run ``clients`` loopback clients that talk and close; wait until their CSAs are closed."""
    dock.attach(live.session, live.controller.describe)
    live.traffic(clients=clients, lines=2, rate=20, hold=0.05, connect_rate=50)

    def closed():
        csas = [line for line in dock.model.lines.values() if line.kind == "connection"]
        return len(csas) == clients and all(c.closed is not None and c.ended for c in csas)

    qtbot.waitUntil(closed, timeout=5000)
    dock.fit()
    return [line for line in dock.model.columns() if line.kind == "connection"]


@pytest.mark.parametrize("clients", [1, 3])
def test_a_csa_lifetime_bar_runs_from_newcsa_to_shutdowncsa(qtbot, live, dock, clients):
    csas = watched(qtbot, live, dock, clients)
    stats = paint(dock)
    arrows = {seq: y for seq, y, _x1, _x2 in stats.arrows}
    bars = {cid: (y0, y1, state) for kind, cid, y0, y1, state in stats.bars if kind == "connection"}
    for csa in csas:
        opened, closed = dock.model.message(csa.opened), dock.model.message(csa.closed)
        assert opened.msg_type == "newCSA" and closed.msg_type == "shutdownCSA"
        y0, y1, state = bars[csa.cid]
        assert state == "closed"
        assert y0 == pytest.approx(arrows[opened.seq]) and y1 == pytest.approx(arrows[closed.seq])
        assert y1 - y0 > 20
        life = next(b for b in stats.bars if b[0] == "life" and b[1] == csa.cid)
        assert life[4] == "finished" and y0 < life[2] < life[3] <= y1  # spawned after newCSA
        handler = dock.model.lines[csa.partner]
        columns = dock.view.columns()
        assert columns.index(handler) == columns.index(csa) + 1  # the handler beside its CSA


def test_arrows_follow_the_event_order_down_the_page(qtbot, live, dock):
    watched(qtbot, live, dock, 2)
    stats = paint(dock)
    seqs = [seq for seq, *_ in stats.arrows]
    ys = [y for _seq, y, *_ in stats.arrows]
    assert len(seqs) == len(dock.rows) >= 20
    assert seqs == sorted(seqs) and ys == sorted(ys) and len(set(ys)) == len(ys)
    delivered = [m.seq for m in dock.model.messages]
    assert seqs == [s for s in delivered if s in set(seqs)]


def test_filters_by_type_and_component_use_the_log_syntax(qtbot, live, dock):
    watched(qtbot, live, dock, 2)
    dock.set_filter("type:newCSA")
    paint(dock)
    assert {ev.msg_type for ev in dock.rows.first} == {"newCSA"}
    names = {line.class_name for line in dock.view.columns()}
    assert "Echo" not in names and {"TCPServer", "Selector"} <= names
    dock.set_filter("comp:CSA#*")  # the log's labels: CSA#12.outbox
    paint(dock)
    csa = "ConnectedSocketAdapter"
    assert dock.rows.first and all(csa in ev.name or csa in ev.sink_name for ev in dock.rows.first)
    assert {line.cid for line in dock.view.columns() if line.kind == "connection"} == {
        cid for cid, line in dock.model.lines.items() if line.kind == "connection"
    }
    dock.set_filter("", category="lifecycle")
    paint(dock)
    assert {ev.msg_type for ev in dock.rows.first} <= {
        "newCSA", "shutdownCSA", "socketShutdown", "removeReader", "removeWriter", "newReader",
        "newWriter", "shutdownMicroprocess",
    }  # fmt: skip
    dock.set_filter("", category="all")
    assert len(dock.rows) == len(dock.model.messages)


def test_repeated_messages_collapse_into_one_arrow_with_a_count(dock):
    ev = Events()
    batch = [ev.spawned(*SRC), ev.spawned(*DST)]
    batch += [ev.sent(SRC, "outbox", DST, "inbox", value="'tick'") for _ in range(5)]
    batch.append(ev.sent(DST, "outbox", SRC, "inbox", value="'tock'"))
    dock.feed(batch)
    stats = paint(dock)
    assert len(stats.arrows) == 2 and dock.rows.count == [5, 1]
    assert "\u00d75" in dock.view.describe_at(QPoint(round(stats.arrows[0][2] + 30),
                                                  round(stats.arrows[0][1])))  # fmt: skip
    dock.collapse_box.setChecked(False)
    assert len(paint(dock).arrows) == 6


def flood(dock: TimelineDock, n: int) -> None:
    ev = Events()
    batch = [ev.spawned(*SRC), ev.spawned(*DST), ev.spawned(*OTHER)]
    for i in range(n):
        ev.t += 0.001
        src, dst = (SRC, DST) if i % 4 else (DST, OTHER)
        batch.append(ev.sent(src, "outbox", dst, "inbox", value=f"'{i}'"))
    dock.feed(batch)


def test_thousands_of_messages_are_counted_in_bands_and_the_paint_stays_bounded(dock):
    flood(dock, 30_000)
    dock.fit()
    stats = paint(dock)
    assert dock.model.total == 30_000
    assert stats.bands > 10 and stats.aggregated == 30_000  # every message counted once
    assert len(stats.arrows) < 50
    bound = stats.bands * 130 + 30_000 // 1024 + 200
    assert stats.visits <= bound  # rows and tally blocks, never every message
    again = paint(dock)
    assert again.visits <= 200 and again.cached >= stats.bands - 2  # counts come from the cache
    flood_more = Events(t=1000.0)
    dock.feed([flood_more.sent(SRC, "outbox", DST, "inbox", value="'x'") for _ in range(500)])
    following = paint(dock)
    assert following.visits <= 20 * 130  # following live: only the new bands are counted


def test_zooming_in_on_a_dense_stretch_draws_its_arrows(qtbot, dock):
    flood(dock, 5_000)
    dock.fit()
    assert paint(dock).bands
    dock.view.set_zoom(30.0)
    stats = paint(dock)
    assert stats.bands == 0 and len(stats.arrows) > 10


def test_ctrl_wheel_zooms_in_time_and_a_plain_wheel_scrolls(qtbot, dock):
    flood(dock, 2_000)
    paint(dock)
    view = dock.view
    view.set_follow(False)
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum() // 2)
    zoom = view.zoom
    point = QPointF(400, 300)
    p_under = view.pos_at_y(point.y())
    wheel = QWheelEvent(point, view.viewport().mapToGlobal(point), QPoint(0, 0), QPoint(0, -240),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.ControlModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)  # fmt: skip
    QApplication.sendEvent(view.viewport(), wheel)
    assert view.zoom == pytest.approx(zoom / 1.25**2)
    assert view.pos_at_y(point.y()) == pytest.approx(p_under, abs=1 / view.zoom)
    bar = view.verticalScrollBar()
    before = bar.value()
    plain = QWheelEvent(point, view.viewport().mapToGlobal(point), QPoint(0, 0), QPoint(0, -120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)  # fmt: skip
    QApplication.sendEvent(view.viewport(), plain)
    assert bar.value() > before and view.zoom == pytest.approx(zoom / 1.25**2)


def test_follow_keeps_the_newest_in_view_until_the_user_scrolls_up(dock):
    flood(dock, 3_000)
    paint(dock)
    bar = dock.view.verticalScrollBar()
    assert dock.follow_box.isChecked() and bar.value() == bar.maximum() > 0
    bar.setValue(bar.maximum() // 2)
    assert not dock.follow_box.isChecked() and not dock.view.follow
    flood(dock, 100)
    paint(dock)
    assert bar.value() == bar.maximum() // 2 or bar.value() < bar.maximum()
    dock.follow_box.setChecked(True)
    assert bar.value() == bar.maximum()


def test_a_hidden_timeline_takes_no_rows_until_it_is_shown(qtbot, dock):
    dock.hide()
    flood(dock, 1_000)
    dock.refresh()
    assert len(dock.rows) == 0 and dock.model.total == 1_000
    dock.show()
    qtbot.waitUntil(lambda: len(dock.rows) == 1_000, timeout=2000)


def test_memory_is_bounded_and_the_forgotten_are_counted(qtbot):
    dock = TimelineDock(max_messages=2_000)
    qtbot.addWidget(dock)
    dock.show()
    flood(dock, 10_000)
    paint(dock)
    assert len(dock.model.messages) <= 2_000 and dock.model.forgotten >= 8_000
    assert "forgotten" in dock.count_label.text()


def test_a_crashed_component_ends_in_red(qtbot, dock):
    ev = Events()
    batch = [ev.spawned(*SRC), ev.spawned(*DST), ev.sent(SRC, "outbox", DST, "inbox")]
    batch += [ev.ended(*DST, kind="crashed", traceback="Traceback\nValueError: boom")]
    batch += [ev.sent(SRC, "outbox", OTHER, "inbox")]
    dock.feed(batch)
    stats = paint(dock)
    bar = next(b for b in stats.bars if b[0] == "life" and b[1] == 2)
    assert bar[4] == "crashed"
    x = dock.view.x_of_column(dock.view.columns().index(dock.model.lines[2]))
    image = dock.view.viewport().grab().toImage()
    pixel = QColor(image.pixel(round(x), round((bar[2] + bar[3]) / 2)))
    assert pixel.red() > pixel.green() + 40 and pixel.red() > pixel.blue() + 40
    assert "boom" in dock.view.describe_at(QPoint(round(x), HEADER_H // 2))


def test_clicking_an_arrow_or_a_header_tells_which(qtbot, dock):
    ev = Events()
    batch = [ev.spawned(*SRC), ev.spawned(*DST)]
    batch += [ev.sent(SRC, "outbox", DST, "inbox", value=f"'{i}'") for i in range(3)]
    dock.feed(batch)
    stats = paint(dock)
    seq, y, x1, x2 = stats.arrows[1]
    with qtbot.waitSignal(dock.message_selected) as got:
        qtbot.mouseClick(dock.view.viewport(), Qt.MouseButton.LeftButton,
                         pos=QPoint(round((x1 + x2) / 2), round(y)))  # fmt: skip
    assert got.args[0].seq == seq and dock.view.selected == dock.model.serial_of_seq(seq)
    with qtbot.waitSignal(dock.lifeline_selected) as picked:
        qtbot.mouseClick(dock.view.viewport(), Qt.MouseButton.LeftButton,
                         pos=QPoint(round(x2), HEADER_H // 2))  # fmt: skip
    assert picked.args[0] == {2} and dock.view.highlighted == {2}


def test_select_seq_scrolls_the_message_into_view(dock):
    flood(dock, 3_000)
    paint(dock)
    target = dock.model.messages[100]
    assert dock.select_seq(target.seq)
    stats = paint(dock)
    drawn = {seq for seq, *_ in stats.arrows}
    assert not dock.view.follow and target.seq in drawn
    assert not dock.select_seq(1)  # a spawn: no message of its own (the next one is shown)


def test_to_scale_spacing_places_rows_by_time(dock):
    ev = Events()
    batch = [ev.sent(SRC, "outbox", DST, "inbox", value="'a'")]
    ev.t += 2.0
    batch.append(ev.sent(SRC, "outbox", DST, "inbox", value="'b'"))
    dock.feed(batch)
    paint(dock)
    dock.spacing_box.setCurrentIndex(1)
    stats = paint(dock)
    assert dock.rows.spacing == "time" and dock.rows.pos[1] - dock.rows.pos[0] > 199
    assert stats.arrows or stats.bands == 0


def test_both_themes_paint_with_their_colours(dock):
    flood(dock, 200)
    for theme in (DARK, LIGHT):
        dock.set_theme(theme)
        assert paint(dock).lifelines == 3
        image = dock.view.viewport().grab().toImage()
        corner = QColor(image.pixel(image.width() - 30, image.height() - 4))
        header = QColor(image.pixel(image.width() - 30, 4))
        assert corner.name() == theme.canvas.name() and header.name() == theme.panel.name()
