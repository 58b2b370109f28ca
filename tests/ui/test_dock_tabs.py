"""No ghost tab bar is left over the window once docks join the Inspector's column."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDockWidget

from tests.ui.real_catalog import real_catalog
from workbench.ui.dock_tabs import stale_tab_bars
from workbench.ui.main_window import MainWindow


def test_docks_added_at_run_time_leave_no_visible_stale_tab_bar(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(real_catalog(), settings=settings, autosave_dir=tmp_path / "auto")
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    try:
        lessons = next(d for d in window.findChildren(QDockWidget) if "esson" in d.windowTitle())
        lessons.show()
        window.live.debug.show_dock()
        qtbot.waitUntil(lambda: not stale_tab_bars(window), timeout=2000)
        right = [b for b in window.findChildren(type(window.chrome.bar.tabs)) if b.isVisible()]
        assert any(
            {b.tabText(i) for i in range(b.count())} >= {"Inspector", "Breakpoints"} for b in right
        )
    finally:
        window.shutdown()
