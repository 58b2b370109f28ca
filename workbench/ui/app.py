"""Starts the desktop workbench: the QApplication (names, high-DPI policy, theme) and the window.

``workbench.cli.workbench_main`` should delegate to :func:`main`; tests build a
:class:`~workbench.ui.main_window.MainWindow` directly under pytest-qt instead.
"""

from __future__ import annotations

import argparse
import sys

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from workbench.ui.main_window import MainWindow

ORG, APP = "Kamaelia", "Kamaelia Workbench"


def create_app(argv: list[str] | None = None) -> QApplication:
    """Return the QApplication (created once, with crisp fractional scaling)."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    QCoreApplication.setOrganizationName(ORG)
    QCoreApplication.setApplicationName(APP)
    app = QApplication(list(argv or sys.argv[:1]))
    app.setApplicationDisplayName(APP)
    return app


def main(argv: list[str] | None = None) -> int:
    """Open the workbench window (with GRAPH if given) and run the Qt event loop."""
    parser = argparse.ArgumentParser(prog="kamaelia-workbench")
    parser.add_argument("graph", nargs="?", help="a .kgraph.json file to open")
    args = parser.parse_args(argv)
    app = create_app()
    window = MainWindow()
    window.show()
    window.offer_recovery()
    if args.graph:
        window.open_file(args.graph)
    return app.exec()
