"""Fixtures for the Qt tests: a catalog of echo-server-shaped classes, a graph, a scene, and
main windows made in the test's own folder."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QSettings, QStandardPaths

from tests.ui.fakes import discard, echo_graph, make_catalog
from workbench.model import Catalog
from workbench.ui.canvas.scene import GraphScene
from workbench.ui.main_window import MainWindow

WINDOW_SIZE = (1600, 1000)
"""The size the window tests show a window at (room for every dock)."""


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


@pytest.fixture
def make_window(qtbot, tmp_path) -> Iterator[Callable[..., MainWindow]]:
    """``make_window(catalog=None, size=None, **options)``: a MainWindow of ``catalog`` (the
    discovered one when None), shown at ``size`` if given (``WINDOW_SIZE`` mostly).

    Every window of a test keeps its settings in one file and its autosaves in one folder under
    ``tmp_path`` (so a second window is a restart: it reads what the first saved), answers
    "discard" when asked about unsaved changes, and is shut down and deleted after the test.
    ``options`` go to MainWindow (``components_dir``, ``session_factory``).
    """
    made: list[MainWindow] = []

    def make(
        catalog: Catalog | None = None, size: tuple[int, int] | None = None, **options
    ) -> MainWindow:
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        win = MainWindow(catalog, settings=settings, autosave_dir=tmp_path / "auto", **options)
        qtbot.addWidget(win)
        win.ask_save_changes = lambda: "discard"
        made.append(win)
        if size is not None:
            win.resize(*size)
            win.show()
        return win

    yield make
    for win in made:
        win.shutdown()
        discard(win)


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
