"""Tests for workbench.ui.app: one QApplication, the entry point opens the window and a graph."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from workbench.ui import app as app_module


def test_create_app_reuses_the_running_application(qtbot):
    assert app_module.create_app() is QApplication.instance()


def test_main_opens_the_graph_given(qtbot, monkeypatch, tmp_path):
    opened = []

    class FakeWindow:
        def show(self):
            opened.append("shown")

        def offer_recovery(self):
            opened.append("recovery")

        def open_file(self, path):
            opened.append(path)

    monkeypatch.setattr(app_module, "MainWindow", FakeWindow)
    monkeypatch.setattr(QApplication, "exec", lambda self: 0)
    assert app_module.main([str(tmp_path / "g.kgraph.json")]) == 0
    assert opened == ["shown", "recovery", str(tmp_path / "g.kgraph.json")]
