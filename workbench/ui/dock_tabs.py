"""Keeps the window's dock tab bars honest: a tab bar Qt no longer uses is hidden.

QMainWindow makes a tab bar for each group of tabified docks and keeps old ones when docks are
re-grouped (the Lessons and Breakpoints docks join the Inspector's column at run time); with
Qt 6 some of those stay visible at their old place, drawn over the palette or the canvas as a
ghost "Log | Message log". After every change of the docks this hides each tab bar that does
not sit against a visible dock showing one of its tabs.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QDockWidget, QMainWindow, QTabBar

TOUCH = 6
"""Pixels between a dock and its tab bar (the bar sits right below or above its docks)."""


def stale_tab_bars(window: QMainWindow) -> list[QTabBar]:
    """The window's tab bars that are visible but belong to no visible dock group."""
    docks = [d for d in window.findChildren(QDockWidget) if d.isVisible() and not d.isFloating()]
    stale = []
    for bar in window.findChildren(QTabBar):
        if bar.parent() is not window or not bar.isVisible():
            continue
        titles = {bar.tabText(i) for i in range(bar.count())}
        rect = bar.geometry().adjusted(-TOUCH, -TOUCH, TOUCH, TOUCH)
        if not any(d.windowTitle() in titles and rect.intersects(d.geometry()) for d in docks):
            stale.append(bar)
    return stale


def hide_stale_tab_bars(window: QMainWindow) -> int:
    """Hide the stale tab bars now; returns how many."""
    stale = stale_tab_bars(window)
    for bar in stale:
        bar.hide()
    return len(stale)


class DockTabsKeeper(QObject):
    """Hides stale tab bars after every dock change of its window (docks added later too).

    A child of the window: its connections go with it, so docks still signalling while the
    window is being destroyed reach nobody.
    """

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._watched: set[int] = set()
        window.tabifiedDockWidgetActivated.connect(self.soon)
        self.soon()

    def soon(self, *_args: object) -> None:
        """Tidy up once the current change is laid out."""
        QTimer.singleShot(0, self, self.tidy)

    def tidy(self) -> None:
        """Watch docks added since, and hide the stale tab bars."""
        for dock in self.window.findChildren(QDockWidget):
            if id(dock) not in self._watched:
                self._watched.add(id(dock))
                dock.visibilityChanged.connect(self.soon)
                dock.dockLocationChanged.connect(self.soon)
        hide_stale_tab_bars(self.window)


def keep_dock_tabs_tidy(window: QMainWindow) -> DockTabsKeeper:
    """Keep ``window``'s dock tab bars free of ghosts; returns the keeper (the window owns it)."""
    return DockTabsKeeper(window)
