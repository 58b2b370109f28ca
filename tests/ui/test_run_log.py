"""Tests for workbench.ui.panels.run_log: the message log says whose run it shows, and lets go of
it (kept for export) when another document opens or a new run starts."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from tests.ui.conftest import WINDOW_SIZE
from workbench.model import Catalog

EXAMPLES = Path(__file__).resolve().parents[2] / "assets" / "examples"
ECHO = EXAMPLES / "echo_server.kgraph.json"
PIPELINE = EXAMPLES / "transformer_pipeline.kgraph.json"
CLOCK = re.compile(r"\d\d:\d\d:\d\d")


@pytest.fixture(scope="module")
def catalog():
    return Catalog.discover()


@pytest.fixture
def window(make_window, catalog):
    win = make_window(catalog, WINDOW_SIZE)
    win.trust_answer = True
    return win


def run_until_logged(qtbot, win) -> None:
    win.run_graph()
    qtbot.waitUntil(lambda: win.live.log_dock.model.total > 0, timeout=3000)


def test_the_rows_of_another_documents_run_do_not_stay(qtbot, window):
    assert window.open_file(str(ECHO))
    run_until_logged(qtbot, window)
    window.stop_graph()
    assert window.open_file(str(PIPELINE))
    assert window.live.log_dock.model.total == 0
    assert window.live.log_dock.model.rowCount() == 0


def test_the_log_names_its_run_and_lets_go_of_it_for_another_document(qtbot, window, tmp_path):
    dock, label = window.live.log_dock, window.run_log
    assert "No run yet" in label.text()
    assert window.open_file(str(ECHO))
    run_until_logged(qtbot, window)
    text = label.text()
    assert "echo_server" in text and CLOCK.search(text) and "running" in text
    window.stop_graph()
    assert "stopped" in label.text() and "echo_server" in label.text()
    rows = list(dock.model.rows)
    assert window.open_file(str(ECHO))  # the same document again: its run stays
    assert list(dock.model.rows) == rows and "echo_server" in label.text()
    window.grab().save(str(tmp_path / "log_echo_stopped.png"))

    assert window.open_file(str(PIPELINE))  # another document, in Edit mode
    assert dock.model.total == 0 and dock.model.rowCount() == 0
    assert "transformer_pipeline" in label.text() and "not run yet" in label.text()
    note = label.placeholder  # over the empty table: the old run is still there to export
    assert note.isVisible() and "echo_server" in note.text() and "Export" in note.text()
    window.grab().save(str(tmp_path / "log_other_document.png"))
    out = tmp_path / "echo_run.jsonl"
    assert label.export_previous(str(out), "jsonl") == len(rows)
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["seq"] for r in lines] == [r.seq for r in rows]
    out_csv = tmp_path / "echo_run.csv"
    assert label.export_previous(str(out_csv), "csv") == len(rows)
    with out_csv.open(encoding="utf-8", newline="") as f:
        assert len(list(csv.reader(f))) == len(rows) + 1  # a header row
    menu = [a.text() for a in dock.export_menu.actions()]
    assert any("echo_server" in t and "CSV" in t for t in menu)

    run_until_logged(qtbot, window)  # a new run: the log is that run's
    qtbot.waitUntil(lambda: "finished" in label.text(), timeout=3000)
    assert "transformer_pipeline" in label.text() and "echo_server" not in label.text()
    assert not label.placeholder.isVisible()
    assert all(r.seq <= dock.model.total for r in dock.model.rows)
    assert label.previous is not None and label.previous.document == "echo_server"


def test_a_new_run_of_the_same_document_keeps_the_last_one_for_export(qtbot, window, tmp_path):
    label = window.run_log
    assert window.open_file(str(PIPELINE))
    run_until_logged(qtbot, window)
    window.stop_graph()
    first = len(window.live.log_dock.model.rows)
    run_until_logged(qtbot, window)
    assert label.previous is not None and label.previous.state == "stopped"
    assert label.export_previous(str(tmp_path / "first.jsonl"), "jsonl") == first
    window.new_file()  # a new, untitled document: the run is not its run
    assert window.live.log_dock.model.total == 0
    assert "untitled" in label.text() and "transformer_pipeline" in label.placeholder.text()


def test_nothing_to_export_is_said_plainly(window, tmp_path):
    with pytest.raises(LookupError, match="no earlier run"):
        window.run_log.export_previous(str(tmp_path / "x.csv"), "csv")
