"""The window's picture exports: the canvas as PNG / SVG, and comic strips of recordings."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QImage

from tests.ui.recordings import record_echo_run
from workbench.model import Catalog
from workbench.resources import example_path
from workbench.ui import export
from workbench.ui.main_window import MainWindow

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(scope="module")
def recording(tmp_path_factory):
    return record_echo_run(tmp_path_factory.mktemp("rec") / "echo.jsonl", clients=2)


@pytest.fixture
def window(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(Catalog.discover(), settings=settings, autosave_dir=tmp_path / "auto")
    qtbot.addWidget(win)
    win.ask_save_changes = lambda: "discard"
    win.resize(1400, 900)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.shutdown()


def svg_texts(path):
    root = ET.parse(path).getroot()
    return {el.text.strip() for el in root.iter("{http://www.w3.org/2000/svg}text") if el.text}


def test_the_file_menu_offers_the_exports_after_export_python(window):
    file_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    texts = [a.text() for a in file_menu.actions()]
    at = texts.index("&Export Python…")
    assert texts[at + 1 : at + 4] == [
        "Export Canvas as &PNG…", "Export Canvas as S&VG…", "Export Co&mic Strip…"
    ]  # fmt: skip
    assert window.actions_["export_comic"] is window.exports.comic_action


def test_the_canvas_as_a_png_at_2x_and_the_visible_area(qtbot, window, tmp_path):
    assert window.open_file(str(example_path("echo_server")))
    dialog = window.exports.ask_canvas("png")
    assert dialog.isVisible()
    assert dialog.path.text() == str(example_path("echo_server").parent / "echo_server.png")
    dialog.path.edit.setText(str(tmp_path / "whole.png"))
    dialog.scale.setCurrentIndex(1)  # 2x
    dialog.ok_button.click()
    assert not dialog.isVisible() and window.exports.dialog is None
    rect = export.content_rect(window.scene)
    image = QImage(str(tmp_path / "whole.png"))
    assert (image.width(), image.height()) == (round(rect.width() * 2), round(rect.height() * 2))
    assert "Exported the canvas to" in window.status_label.text()
    dialog = window.exports.ask_canvas("png")
    dialog.path.edit.setText(str(tmp_path / "seen.png"))
    dialog.area.setCurrentIndex(1)  # what the view shows, at the size it is seen
    dialog.ok_button.click()
    seen = QImage(str(tmp_path / "seen.png"))
    viewport = window.view.viewport().size()
    assert abs(seen.width() - viewport.width()) <= 2
    assert abs(seen.height() - viewport.height()) <= 2


def test_an_unwritable_path_keeps_the_dialog_open_with_the_reason(window, tmp_path):
    assert window.open_file(str(example_path("echo_server")))
    dialog = window.exports.ask_canvas("svg")
    assert not dialog.scale.isEnabled()  # an SVG has no scale
    dialog.path.edit.setText(str(tmp_path / "nowhere" / "canvas.svg"))
    dialog.ok_button.click()
    assert dialog.isVisible()
    assert "nowhere does not exist" in dialog.error.text()
    assert "Export failed" in window.status_label.text()
    dialog.reject()
    assert window.exports.dialog is None


def test_a_live_canvas_exports_its_live_cards_and_a_comic_leaves_the_run_alone(
    qtbot, window, recording, tmp_path
):
    assert window.open_file(str(example_path("echo_server")))
    window.run_graph()
    qtbot.waitUntil(window.live.traffic_action.isEnabled, timeout=3000)
    window.live.start_traffic(2)
    session = window.run.session
    qtbot.waitUntil(lambda: session.model.live_connections() == 2, timeout=5000)

    def pills() -> bool:
        return any(getattr(i, "counter_text", None) for i in window.scene.items())

    qtbot.waitUntil(pills, timeout=3000)
    assert window.exports.export_canvas(str(tmp_path / "live.svg")) == ""
    words = svg_texts(tmp_path / "live.svg")
    assert {"ConnectedSocketAdapter", "TCPServer", "Selector", "echo"} <= words
    assert any("msgs" in w for w in words)  # the counter pills
    controller, items = window.live.controller, len(window.scene.items())
    assert window.exports.export_comic(str(recording), str(tmp_path / "strip.png")) == ""
    assert QImage(str(tmp_path / "strip.png")).width() > 600
    # drawn on a scene of its own: the window's run, its live view and its canvas go on
    assert window.run.session is session and window.run.state == "running"
    assert window.live.controller is controller and controller.model is session.model
    assert abs(len(window.scene.items()) - items) < 20
    assert "Comic strip saved to" in window.status_label.text()


def test_the_replay_bar_makes_a_comic_strip_of_the_recording_replayed(
    qtbot, window, recording, tmp_path
):
    assert window.open_file(str(recording))
    replay = window.watch.replay
    assert window.exports.comic_button.isVisibleTo(window.watch.bar)
    window.exports.comic_button.click()
    dialog = window.exports.dialog
    assert dialog.recording.text() == str(recording) and dialog.start.text() == "0"
    assert float(dialog.end.text()) > 0
    dialog.end.setText("")  # to the end
    dialog.out.edit.setText(str(tmp_path / "replayed.png"))
    dialog.panels.setValue(4)
    dialog.columns.setValue(2)
    dialog.svg.setChecked(True)
    dialog.ok_button.click()
    assert not dialog.isVisible()
    assert QImage(str(tmp_path / "replayed.png")).width() > 600
    assert "0.00 s" in svg_texts(tmp_path / "replayed.svg")
    assert window.exports.last_written == [tmp_path / "replayed.png", tmp_path / "replayed.svg"]
    assert window.run.session is replay  # the replay the window shows is still the one


def test_a_comic_range_outside_the_recording_keeps_the_dialog_open(window, recording, tmp_path):
    dialog = window.exports.ask_comic()
    assert dialog.recording.text() == ""  # nothing replayed: choose a recording
    dialog.ok_button.click()
    assert "Choose a recording" in dialog.error.text()
    dialog.recording.edit.setText(str(recording))
    dialog.start.setText("99")
    dialog.out.edit.setText(str(tmp_path / "strip.png"))
    dialog.ok_button.click()
    assert dialog.isVisible() and dialog.isEnabled()
    assert "99 s is outside the recording" in dialog.error.text()
    assert not (tmp_path / "strip.png").exists()
    dialog.start.setText("@nope")
    dialog.ok_button.click()
    assert "not '@nope'" in dialog.error.text()
