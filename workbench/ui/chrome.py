"""The window's frame around the canvas: document tabs with a breadcrumb, and the status bar.

Installed by the MainWindow. Above the canvas: one tab for the open document and one for each
recent file (a click opens it), and at the right the containment path of the selection
("echo_server > ServerCore > TCPServer", with chevrons). The status bar reads, at the left, the
mode with the counts ("Live · 9 components · 14 links · 2,341 msgs · 3.1 msg/s · scheduler load
4%"), and at the right the theme and the versions. While live it refreshes twice a second and
adds the scheduler's cycle count to the toolbar's run state ("RUNNING · cycle 41,276").
"""

from __future__ import annotations

import sys
import time
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QTabBar, QVBoxLayout, QWidget

from workbench.ui.documents import doc_title
from workbench.ui.theme import named

SEP = " \u203a "
DOT = " \u00b7 "
MAX_TABS = 4
REFRESH_MS = 500


class DocumentBar(QWidget):
    """Tabs of the open and recent documents, and the breadcrumb of the selection."""

    def __init__(self, parent: QWidget | None = None) -> None:
        """An empty bar (``set_documents`` fills it)."""
        super().__init__(parent)
        self.setObjectName("documentBar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 2, 12, 0)
        self.tabs = named(QTabBar(), "documentTabs")
        self.tabs.setDrawBase(False)
        self.tabs.setExpanding(False)
        self.tabs.setDocumentMode(True)
        self.breadcrumb = named(QLabel(), "breadcrumb")
        self.breadcrumb.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.tabs)
        layout.addStretch(1)
        layout.addWidget(self.breadcrumb)
        self.paths: list[str | None] = []

    def set_documents(
        self, current: str | None, recent: list[str], dirty: bool, title: str | None = None
    ) -> None:
        """Tab 0 is ``current`` (marked when ``dirty``; ``title`` names a document no file
        holds), then the other recent files."""
        blocked = self.tabs.blockSignals(True)
        while self.tabs.count():
            self.tabs.removeTab(0)
        others = [p for p in recent if p != current][: MAX_TABS - 1]
        self.paths = [current, *others]
        for i, path in enumerate(self.paths):
            name = title if i == 0 and path is None and title else doc_title(path)
            self.tabs.addTab(name + (" \u2022" if i == 0 and dirty else ""))
            self.tabs.setTabToolTip(i, str(path) if path else "not saved yet")
        self.tabs.setCurrentIndex(0)
        self.tabs.blockSignals(blocked)

    def tab_titles(self) -> list[str]:
        """The tabs' texts in order."""
        return [self.tabs.tabText(i) for i in range(self.tabs.count())]

    def set_path(self, parts: list[str]) -> None:
        """Show the breadcrumb ``parts`` joined by chevrons."""
        self.breadcrumb.setText(SEP.join(parts))


class WindowChrome(QObject):
    """Document bar and status bar of one MainWindow.

    Args:
        window: the MainWindow (its view becomes the lower half of the central widget).
    """

    def __init__(self, window: Any) -> None:
        """Wrap the canvas with the document bar and fill the status bar."""
        super().__init__(window)
        self.window = window
        self.bar = DocumentBar()
        central = named(QWidget(), "canvasFrame")
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.bar)
        column.addWidget(window.view, 1)
        window.setCentralWidget(central)
        self.bar.tabs.tabBarClicked.connect(self._on_tab)
        status = window.statusBar()
        window.count_label = named(QLabel(), "statusSummary")
        status.addWidget(window.count_label)
        window.status_label = named(QLabel(), "statusMessage")
        status.addWidget(window.status_label, 1)
        window.theme_label = named(QLabel(), "mutedLabel")
        status.addPermanentWidget(window.theme_label)
        self.version_label = named(QLabel(versions()), "mutedLabel")
        status.addPermanentWidget(self.version_label)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.update_counts)
        self._load = (0.0, time.monotonic())
        window.view.setFocus()  # the canvas, not the palette's search box, has the keyboard

    # -- documents --------------------------------------------------------------------------
    def update_documents(self) -> None:
        """Re-read the open document, its state and the recent files."""
        w = self.window
        # resolved, as the recent list keeps it: a file opened by a relative path is one tab
        path = str(w.docs.path.resolve()) if w.docs.path is not None else None
        untitled = w.docs.display_name() if w.docs.path is None else None
        self.bar.set_documents(path, list(w.docs.recent()), w.docs.dirty, untitled)

    def _on_tab(self, index: int) -> None:
        if 0 < index < len(self.bar.paths) and self.bar.paths[index]:
            self.window.open_file(self.bar.paths[index])
        self.bar.tabs.setCurrentIndex(0)

    # -- breadcrumb -------------------------------------------------------------------------
    def update_breadcrumb(self) -> None:
        """The containment path of the one selected card: document, groups, card."""
        w = self.window
        picked = [i for i in w.scene.selectedItems() if hasattr(i, "ports")]
        parts = [w.docs.short_title()]
        if len(picked) == 1:
            for title, cls in containment(picked[0]):
                parts.append(cls if title == parts[-1] and cls else title)
        self.bar.set_path(parts)

    # -- status -----------------------------------------------------------------------------
    def update_counts(self) -> None:
        """The left of the status bar: mode and counts (live figures while running)."""
        w = self.window
        nodes, links = len(w.graph.nodes), len(w.graph.links)
        live = getattr(getattr(w, "live", None), "controller", None)
        if live is None or not w.run.running:
            mode = "Edit" if not w.run.running else "Live"
            w.count_label.setText(f"{mode}{DOT}{nodes} components{DOT}{links} links")
            return
        extra = sum(1 for e in live.entities.values() if e.kind != "design")
        drawn = sum(1 for d in live.links.display.values() if d.owned)
        rate = live.run.stream.rate
        parts = [
            "Paused" if w.run.state == "paused" else "Live",
            f"{nodes + extra:,} components",
            f"{links + drawn:,} links",
            f"{live.delivered:,} msgs",
            f"{_fmt_rate(rate)} msg/s",
            f"scheduler load {_fmt_load(self.scheduler_load())}",
        ]
        w.count_label.setText(DOT.join(parts))
        driver = w.run.driver
        if driver is not None and hasattr(w, "run_state_label"):
            state = "PAUSED" if w.run.state == "paused" else "RUNNING"
            w.run_state_label.setText(f"\u25cf {state}{DOT}cycle {driver.slices:,}")

    def scheduler_load(self) -> float:
        """Share of wall time the scheduler spent in its slices since the last call."""
        driver = self.window.run.driver
        busy = getattr(driver, "busy_s", 0.0) if driver is not None else 0.0
        now = time.monotonic()
        last_busy, last_t = self._load
        self._load = (busy, now)
        if busy < last_busy or now <= last_t:
            return 0.0
        return min(1.0, (busy - last_busy) / (now - last_t))

    def on_run_state(self, state: str) -> None:
        """Refresh live while running."""
        if state in ("running", "paused"):
            self._load = (0.0, time.monotonic())
            self.timer.start()
        else:
            self.timer.stop()
        self.update_counts()

    def close(self) -> None:
        """Stop the refresh timer."""
        self.timer.stop()


def containment(item: Any) -> list[tuple[str, str]]:
    """(title, class) from the outermost group down to ``item`` (a card or group)."""
    chain: list[tuple[str, str]] = []
    seen = 0
    while item is not None and seen < 16:
        component = getattr(getattr(item, "model", None), "component", "")
        title = getattr(item, "title", "") or getattr(item, "node_id", "?")
        chain.insert(0, (title, component.rsplit(".", 1)[-1] if component else ""))
        item, seen = getattr(item, "parent_group", None), seen + 1
    return chain


def versions() -> str:
    """ "Kamaelia workbench 0.1.0 · Python 3.11"."""
    try:
        from importlib.metadata import version

        wb = version("kamaelia-workbench")
    except Exception:  # not installed as a distribution (a checkout)
        wb = "dev"
    py = f"{sys.version_info.major}.{sys.version_info.minor}"
    return f"Kamaelia workbench {wb}{DOT}Python {py}"


def _fmt_load(load: float) -> str:
    """ "36%", "4.2%", "0.3%"."""
    pct = load * 100
    return f"{pct:.0f}%" if pct >= 10 else f"{pct:.1f}%"


def _fmt_rate(rate: float) -> str:
    if rate >= 1000:
        return f"{rate / 1000:.1f}k"
    return f"{rate:.1f}" if rate < 10 else f"{rate:.0f}"
