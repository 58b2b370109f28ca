"""workbench.ui.app: one QApplication; the entry point opens, runs and pictures a graph."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from workbench.resources import example_path
from workbench.ui import app as app_module
from workbench.ui.main_window import MainWindow


def test_create_app_reuses_the_running_application(qtbot):
    assert app_module.create_app() is QApplication.instance()


def test_main_opens_the_graph_given(qtbot, monkeypatch, tmp_path):
    opened = []

    class FakeWindow:
        def show(self):
            opened.append("shown")

        def resize(self, width, height):
            opened.append((width, height))

        def offer_recovery(self):
            opened.append("recovery")

        def open_file(self, path):
            opened.append(path)
            return True

    monkeypatch.setattr(app_module, "MainWindow", FakeWindow)
    monkeypatch.setattr(QApplication, "exec", lambda self: 0)
    assert app_module.main([str(tmp_path / "g.kgraph.json")]) == 0
    assert opened == [(1600, 1000), "shown", "recovery", str(tmp_path / "g.kgraph.json")]


def test_main_opens_a_shipped_example_by_name(qtbot, monkeypatch):
    opened = []

    class FakeWindow:
        def show(self):
            pass

        def resize(self, width, height):
            pass

        def offer_recovery(self):
            pass

        def open_file(self, path):
            opened.append(path)
            return True

    monkeypatch.setattr(app_module, "MainWindow", FakeWindow)
    monkeypatch.setattr(QApplication, "exec", lambda self: 0)
    assert app_module.main(["--example", "chat_server"]) == 0
    assert opened == [str(example_path("chat_server"))]


def test_list_examples_prints_every_shipped_example(capsys):
    assert app_module.main(["--list-examples"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines][:1] == ["chat_server"]
    assert f"echo_server{' ' * 16}{example_path('echo_server')}" in lines


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--example", "echo_srver"], "did you mean 'echo_server'?"),
        (["--example", "echo_server", "g.kgraph.json"], "not both"),
    ],
)
def test_bad_example_arguments_are_refused(argv, message, capsys):
    with pytest.raises(SystemExit) as info:
        app_module.main(argv)
    assert info.value.code == 2
    assert message in capsys.readouterr().err


@pytest.fixture
def isolated_window(monkeypatch, tmp_path):
    made = []

    def factory():
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings=settings, autosave_dir=tmp_path / "autosave")
        made.append(window)
        return window

    monkeypatch.setattr(app_module, "MainWindow", factory)
    yield made
    for window in made:
        window.shutdown()
        window.deleteLater()


def test_demo_run_with_traffic_quits_by_itself_and_saves_a_picture(
    qtbot, isolated_window, tmp_path, capsys, monkeypatch
):
    # The real app.exec()/quit() would end pytest-qt's application for the tests after this one:
    # run the event loop through qtbot until the demo asks to quit.
    quit_asked: list[bool] = []
    monkeypatch.setattr(QApplication, "quit", lambda *_: quit_asked.append(True))
    monkeypatch.setattr(
        QApplication,
        "exec",
        lambda *_: qtbot.waitUntil(lambda: bool(quit_asked), timeout=20000) or 0,
    )
    shot = tmp_path / "shots" / "wb.png"
    argv = [str(example_path("echo_server")), "--run", "--traffic", "2"]
    code = app_module.main(
        [*argv, "--duration", "2.5", "--screenshot", str(shot), "--size", "1200x800"]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "2 connections accepted" in out
    assert "0 crashes" in out
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1200, 800)
    window = isolated_window[0]
    assert window.run.session is None or window.run.state != "running"


def test_a_graph_that_cannot_be_opened_exits_with_2(qtbot, isolated_window, tmp_path, capsys):
    bad = tmp_path / "bad.kgraph.json"
    bad.write_text("{nope")
    assert app_module.main([str(bad), "--run", "--duration", "1"]) == 2
    assert "cannot open" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["--traffic", "-1", "g.kgraph.json"],
        ["--traffic", "100000", "g.kgraph.json"],
        ["--duration", "0", "g.kgraph.json"],
        ["--run"],
        ["--size", "12x12", "g.kgraph.json"],
        ["--size", "big", "g.kgraph.json"],
    ],
)
def test_bad_arguments_are_refused_with_a_message(argv, capsys):
    with pytest.raises(SystemExit) as info:
        app_module.main(argv)
    assert info.value.code == 2
    assert "kamaelia-workbench: error:" in capsys.readouterr().err
