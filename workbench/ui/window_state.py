"""Where the window's docks go, and the window's size and dock layout kept between sessions.

Sits between the MainWindow and its QSettings: the first layout of the palette, properties and
log docks, then, when the settings hold them, the geometry and dock state saved by the last
window (``window/geometry``, ``window/state``), and the saving of both at shutdown.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow

log = logging.getLogger(__name__)

DOCK_STATE_VERSION = 1
"""Version of the saved dock layout; a layout saved by an older one is not restored (version 0
put the Lessons under the Inspector, squeezing both)."""
DEFAULT_SIZE = (1400, 900)


def place_docks(
    window: QMainWindow, palette: QDockWidget, properties: QDockWidget, log_dock: QDockWidget
) -> None:
    """The first layout: the palette left, the properties right, the log below the canvas."""
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, palette)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, properties)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, log_dock)
    window.resizeDocks([palette, properties], [230, 300], Qt.Orientation.Horizontal)
    window.resizeDocks([log_dock], [170], Qt.Orientation.Vertical)


def restore_window_state(window: QMainWindow, settings: QSettings) -> None:
    """Give the window the size and dock layout it had last time (a default size else)."""
    geometry = settings.value("window/geometry")
    if isinstance(geometry, QByteArray):
        window.restoreGeometry(geometry)
    else:
        window.resize(*DEFAULT_SIZE)
    state = settings.value("window/state")
    if isinstance(state, QByteArray) and not window.restoreState(state, DOCK_STATE_VERSION):
        log.info("dock layout of an older version not restored")


def save_window_state(window: QMainWindow, settings: QSettings) -> None:
    """Keep the window's size and dock layout for the next window."""
    settings.setValue("window/geometry", window.saveGeometry())
    settings.setValue("window/state", window.saveState(DOCK_STATE_VERSION))
