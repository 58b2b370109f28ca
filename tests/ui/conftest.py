"""Fixtures for the Qt tests: a catalog of echo-server-shaped classes, a graph, a scene."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QStandardPaths

from tests.ui.fakes import echo_graph, make_catalog
from workbench.ui.canvas.scene import GraphScene


@pytest.fixture
def catalog():
    return make_catalog()


@pytest.fixture
def graph():
    return echo_graph()


@pytest.fixture
def scene(qtbot, graph, catalog):
    scene = GraphScene(graph, catalog)
    yield scene
    scene.close()


@pytest.fixture(autouse=True, scope="session")
def _test_standard_paths():
    """Windows made without explicit folders (the user's components, autosave) use Qt's test
    locations (under ~/.qttest), never the real user's data."""
    QStandardPaths.setTestModeEnabled(True)


@pytest.fixture(autouse=True)
def _empty_clipboard_after_test(qapp):
    """A QMimeData left on the clipboard is destroyed after Python has torn PySide down at
    exit, which crashes the interpreter (SIGSEGV after the last test): clear it per test."""
    yield
    qapp.clipboard().clear()
