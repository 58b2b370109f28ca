"""kamaelia-workbench --export (the canvas at the end of a timed run) and --comic (no window)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from tests.ui.recordings import record_echo_run
from workbench.resources import example_path
from workbench.ui import app as app_module
from workbench.ui.main_window import MainWindow

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(scope="module")
def recording(tmp_path_factory):
    return record_echo_run(tmp_path_factory.mktemp("rec") / "echo.jsonl", clients=2)


@pytest.fixture
def no_window(monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("--comic opened a window")

    monkeypatch.setattr(app_module, "MainWindow", refuse)


def test_comic_draws_a_strip_of_a_recording_without_a_window(
    qtbot, recording, tmp_path, capsys, no_window
):
    out = tmp_path / "strip.png"
    argv = ["--comic", str(recording), "--comic-out", str(out), "--comic-range", "0:@120",
            "--panels", "4", "--columns", "2", "--theme", "light"]  # fmt: skip
    assert app_module.main(argv) == 0
    assert f"comic strip of echo.jsonl saved to {out}" in capsys.readouterr().out
    image = QImage(str(out))
    assert image.width() > image.height() > 300  # two rows of two panels


def test_comic_writes_beside_the_recording_by_default(qtbot, recording, tmp_path, no_window):
    copy = tmp_path / "run.jsonl"
    copy.write_bytes(recording.read_bytes())
    assert app_module.main(["--comic", str(copy), "--panels", "2"]) == 0
    assert QImage(str(tmp_path / "run_comic.png")).width() > 300


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--comic-range", "5:9"], "5 s is outside the recording"),
        (["--panels", "0"], "2 to 12 panels, not 0"),
        (["--comic-range", "later"], "a range is FROM:TO"),
        (["--comic-out", "/nonexistent-folder/strip.png"], "does not exist"),
    ],
)
def test_bad_comic_input_exits_with_2_and_says_why(
    qtbot, recording, tmp_path, capsys, no_window, extra, message
):
    argv = ["--comic", str(recording), "--comic-out", str(tmp_path / "s.png"), *extra]
    if "--comic-out" in extra:
        argv = ["--comic", str(recording), *extra]
    assert app_module.main(argv) == 2
    err = capsys.readouterr().err
    assert "kamaelia-workbench: --comic:" in err and message in err
    assert not (tmp_path / "s.png").exists()


def test_comic_of_a_file_that_is_not_a_recording(qtbot, tmp_path, capsys, no_window):
    notes = tmp_path / "notes.jsonl"
    notes.write_text("[1, 2]\n", encoding="utf-8")
    assert app_module.main(["--comic", str(notes)]) == 2
    assert "not a kamaelia recording" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--example", "echo_server", "--export", "c.png"], "--export needs --duration"),
        (["--example", "echo_server", "--duration", "1", "--export", "c.bmp"], "a .png or an"),
        (["--example", "echo_server", "--duration", "1", "--export", "/no/x/c.svg"], "x does not"),
        (["--comic-out", "s.png"], "need --comic RECORDING.jsonl"),
        (["--comic", "r.jsonl", "--run", "--example", "echo_server"], "give no graph"),
    ],
)
def test_export_options_that_cannot_work_are_refused_before_anything_runs(argv, message, capsys):
    with pytest.raises(SystemExit) as info:
        app_module.main(argv)
    assert info.value.code == 2
    assert message in capsys.readouterr().err


def test_a_timed_run_exports_its_live_canvas_just_before_quitting(
    qtbot, tmp_path, capsys, monkeypatch
):
    made = []

    def factory():
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        made.append(MainWindow(settings=settings, autosave_dir=tmp_path / "autosave"))
        return made[-1]

    monkeypatch.setattr(app_module, "MainWindow", factory)
    quit_asked: list[bool] = []  # the real quit would end pytest-qt's application
    monkeypatch.setattr(QApplication, "quit", lambda *_: quit_asked.append(True))
    monkeypatch.setattr(
        QApplication, "exec",
        lambda *_: qtbot.waitUntil(lambda: bool(quit_asked), timeout=20000) or 0,
    )  # fmt: skip
    out = tmp_path / "canvas.svg"
    argv = [str(example_path("echo_server")), "--run", "--traffic", "1", "--duration", "1.5"]
    try:
        assert app_module.main([*argv, "--export", str(out)]) == 0
    finally:
        for window in made:
            window.shutdown()
            window.deleteLater()
    assert f"canvas exported to {out}" in capsys.readouterr().out
    words = {el.text for el in ET.parse(out).getroot().iter("{http://www.w3.org/2000/svg}text")}
    assert {"echo_server", "TCPServer", "Selector"} <= words
