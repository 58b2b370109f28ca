"""No ghost tab bar is left over the window once docks join the Inspector's column."""

from __future__ import annotations

from PySide6.QtWidgets import QDockWidget

from tests.ui.conftest import WINDOW_SIZE
from tests.ui.real_catalog import real_catalog
from workbench.ui.dock_tabs import stale_tab_bars


def test_docks_added_at_run_time_leave_no_visible_stale_tab_bar(qtbot, make_window):
    window = make_window(real_catalog(), WINDOW_SIZE)
    qtbot.waitExposed(window)
    lessons = next(d for d in window.findChildren(QDockWidget) if "esson" in d.windowTitle())
    lessons.show()
    window.live.debug.show_dock()
    qtbot.waitUntil(lambda: not stale_tab_bars(window), timeout=2000)
    right = [b for b in window.findChildren(type(window.chrome.bar.tabs)) if b.isVisible()]
    assert any(
        {b.tabText(i) for i in range(b.count())} >= {"Inspector", "Breakpoints"} for b in right
    )
