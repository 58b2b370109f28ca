"""Tests for workbench.ui.live.log_dock: filters, chips, pause, export, sampling, selection."""

from __future__ import annotations

import csv
import json
import time

import pytest
from PySide6.QtCore import Qt

from kamaelia_core.instrument import Event
from tests.ui.conftest import WINDOW_SIZE
from workbench.ui.live import log_model
from workbench.ui.live.log_dock import LogDock


def ev(seq, kind="delivered", msg="bytes", value="b'hi'", src=("CSA#3", 3, "outbox"),
       sink=("Echo#4", 4, "inbox"), t=None):  # fmt: skip
    return Event(seq, t if t is not None else 100.0 + seq / 1000, kind, src[1], src[0], src[2],
                 sink[1], sink[0], sink[2], msg, value, None)  # fmt: skip


@pytest.fixture
def dock(qtbot):
    widget = LogDock()
    qtbot.addWidget(widget)
    widget.resize(900, 300)
    widget.show()
    return widget


TCP = ("TCPServer#2", 2, "protocolHandlerSignal")
CORE = ("ServerCore#1", 1, "_socketactivity")


def sample_batch():
    return [
        ev(1, msg="newCSA", value="newCSA(caller=TCPServer#2, object=CSA#3)",
           src=TCP, sink=CORE),
        ev(2, kind="paused"),  # state only: not logged
        ev(3, value="b'hello\\r\\n'"),
        ev(4, src=("Echo#4", 4, "outbox"), sink=("CSA#3", 3, "inbox"), value="b'hello\\r\\n'"),
        ev(5, msg="producerFinished", src=("Echo#4", 4, "signal"), sink=("CSA#3", 3, "control"),
           value="producerFinished()"),
        ev(6, msg="shutdownCSA", value="shutdownCSA(caller=TCPServer#2, object=CSA#3)",
           src=TCP, sink=CORE),
    ]  # fmt: skip


def test_rows_columns_and_time(dock):
    dock.append(sample_batch())
    m = dock.model
    assert [r.seq for r in m.shown] == [1, 3, 4, 5, 6]
    first = m.shown[0]
    assert first.source == "TCPServer#2.protocolHandlerSignal"
    assert first.sink == "ServerCore#1._socketactivity"
    assert first.type == "newCSA" and first.token == "new" and first.category == "lifecycle"
    assert m.shown[1].time == "00:00:00.002"
    assert m.data(m.index(1, 3)) == "→  Echo#4.inbox"
    assert "5 msgs" in dock.count_label.text()


def test_chips_and_text_filters(dock):
    dock.append(sample_batch())
    m = dock.model
    dock.set_category("data")
    assert [r.seq for r in m.shown] == [3, 4]
    dock.set_category("control")
    assert [r.seq for r in m.shown] == [5]
    dock.set_category("lifecycle")
    assert [r.type for r in m.shown] == ["newCSA", "shutdownCSA"]
    dock.set_category("all")
    dock.filter_edit.setText("type:shutdown*")
    assert [r.seq for r in m.shown] == [6]
    dock.filter_edit.setText("box:inbox comp:echo*")
    assert [r.seq for r in m.shown] == [3, 4]
    dock.filter_edit.setText("hello")
    assert [r.seq for r in m.shown] == [3, 4]
    dock.append([ev(7, value="b'hello again'"), ev(8, value="b'other'")])
    assert [r.seq for r in m.shown] == [3, 4, 7]  # new rows filtered as they come


def test_pause_counts_but_does_not_add(dock):
    dock.append(sample_batch())
    dock.set_paused(True)
    dock.append([ev(10), ev(11)])
    assert len(dock.model.shown) == 5
    assert "paused · 2 new" in dock.count_label.text()
    dock.set_paused(False)
    dock.append([ev(12)])
    assert dock.model.shown[-1].seq == 12 and dock.model.total == 8


def test_bounded_rows(qtbot):
    small = LogDock(max_rows=100)
    qtbot.addWidget(small)
    small.model._last_append -= 10.0  # arrived slowly: no sampling
    small.append([ev(i) for i in range(1, 351)])
    assert len(small.model.shown) == 100 and small.model.shown[0].seq == 251
    assert small.model.total == 350


def test_flood_is_sampled_for_display_but_counted_exactly(dock, monkeypatch):
    monkeypatch.setattr(log_model, "LOG_RATE", 100.0)
    dock.model._rate_t = time.monotonic() - 1.0
    dock.append([ev(i) for i in range(1, 2001)])  # 2000 rows in "one second"
    assert dock.model.sample >= 10
    dock.append([ev(i) for i in range(2001, 4001)] + [ev(4001, msg="shutdownCSA")])
    m = dock.model
    assert m.total == 4001
    assert len([r for r in m.shown if r.seq > 2000]) < 300  # data rows thinned ...
    assert m.shown[-1].type == "shutdownCSA"  # ... lifecycle rows always kept
    assert f"sampled 1:{m.sample}" in dock.count_label.text()


def test_export_csv_and_jsonl(dock, tmp_path):
    dock.append(sample_batch())
    dock.set_category("data")
    assert dock.export(str(tmp_path / "log.csv"), "csv") == 2
    with open(tmp_path / "log.csv", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0][:3] == ["seq", "time", "source"] and rows[1][0] == "3"
    assert dock.export(str(tmp_path / "log.jsonl"), "jsonl") == 2
    lines = (tmp_path / "log.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[1])["source"] == "Echo#4.outbox"


def test_click_row_selects_on_canvas_and_canvas_selection_reveals_row(qtbot, live):
    gen = live.traffic(clients=1, lines=2, rate=20, hold=None)
    qtbot.waitUntil(lambda: gen.stats.bytes_received == gen.stats.bytes_sent > 0, timeout=3000)
    qtbot.waitUntil(lambda: any(r.type == "bytes" for r in live.log.model.shown), timeout=2000)
    live.log.row_activated.connect(live.controller.select_event)
    live.controller.canvas_selected.connect(live.log.reveal)
    m = live.log.model
    i = next(i for i, r in enumerate(m.shown) if r.type == "bytes" and r.box == "outbox")
    index = m.index(i, 2)
    rect = live.log.table.visualRect(index)
    live.log.table.scrollTo(index)
    rect = live.log.table.visualRect(index)
    qtbot.mouseClick(live.log.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    link = next(d.item for d in live.controller.links.display.values() if d.item.highlighted)
    row = m.shown[i]
    assert link.isSelected()
    assert link.source.owner is live.controller.item_for(row.cid)
    assert link.sink.owner is live.controller.item_for(row.sink_cid)
    # and back: select the Echo card, the log jumps to its newest row
    live.log.table.clearSelection()
    echo = next(e for e in live.controller.entities.values() if e.kind == "handler")
    live.scene.clearSelection()
    echo.item.setSelected(True)
    selected = live.log.table.selectionModel().selectedRows()
    assert selected and echo.cid in (
        m.shown[selected[0].row()].cid,
        m.shown[selected[0].row()].sink_cid,
    )


def test_type_chips_are_painted_in_the_token_colours(dock):
    from workbench.ui.theme import DARK

    dock.set_theme(DARK)
    dock.append(
        [
            ev(1, msg="newCSA", src=TCP, sink=CORE),
            ev(2, msg="shutdownCSA", src=TCP, sink=CORE),
            ev(3, msg="producerFinished"),
        ]
    )
    table = dock.table
    expected = {0: DARK.new, 1: DARK.closing, 2: DARK.eos}
    for row, color in expected.items():
        rect = table.visualRect(dock.model.index(row, log_model.TYPE_COLUMN))
        image = table.viewport().grab(rect).toImage()
        pixels = [
            image.pixelColor(x, image.height() // 2) for x in range(6, min(40, image.width()))
        ]
        assert any(
            abs(p.red() - color.red())
            + abs(p.green() - color.green())
            + abs(p.blue() - color.blue())
            < 30
            for p in pixels
        ), (row, color.name())


def test_default_log_dock_shows_about_six_rows(qtbot, make_window):
    from tests.ui.fakes import make_catalog

    win = make_window(make_catalog(), WINDOW_SIZE)
    qtbot.waitExposed(win)
    table = win.live.log_dock.table
    rows = table.viewport().height() / table.verticalHeader().defaultSectionSize()
    assert rows >= 5.5


def test_select_seq_selects_that_row_or_the_next_shown(dock):
    dock.append([ev(seq) for seq in (10, 11, 13, 14)])
    assert dock.select_seq(13)
    (row,) = dock.table.selectionModel().selectedRows()
    assert dock.model.shown[row.row()].seq == 13 and not dock.follow.isChecked()
    assert not dock.select_seq(12)  # not logged: the next row is selected
    (row,) = dock.table.selectionModel().selectedRows()
    assert dock.model.shown[row.row()].seq == 13
    assert not dock.select_seq(99)


def test_include_puts_a_sampled_out_event_back_in_order(qtbot):
    from kamaelia_core.instrument import Event
    from workbench.ui.live.log_dock import LogDock

    dock = LogDock()
    qtbot.addWidget(dock)

    def ev(seq):
        return Event(seq, float(seq), "delivered", 1, "A#1", "outbox", 2, "B#2", "inbox",
                     "bytes", f"b'{seq}'", None)  # fmt: skip

    dock.append([ev(1), ev(3)])
    assert dock.model.include(ev(2)) is True
    assert [r.seq for r in dock.model.shown] == [1, 2, 3]
    assert dock.model.include(ev(2)) is False  # already there
    assert dock.select_seq(2)
