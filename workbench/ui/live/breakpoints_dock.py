"""Lists the run's breakpoints: what each stops on, how often it did, on/off, remove.

A dock owned by DebugTools; it shows the run Debugger's ``BreakSpec`` list and signals the
user's edits back (``toggled_on``, ``removed``, ``clear_requested``). The breakpoint that
stopped the run last is marked.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.ui.theme import named

HINT = (
    "Right-click a link or an inbox on the live canvas to stop the run when a message "
    "crosses it: any message, one type, or a value containing some text."
)


class BreakpointsDock(QDockWidget):
    """The Breakpoints dock."""

    toggled_on = Signal(object, bool)  #: (BreakSpec, enabled)
    removed = Signal(object)  #: BreakSpec
    clear_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Breakpoints", parent)
        self.setObjectName("BreakpointsDock")
        self.specs: list[Any] = []
        self._hit: Any = None
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(8, 8, 8, 8)
        self.hint = named(QLabel(HINT, wordWrap=True), "mutedLabel")
        layout.addWidget(self.hint)
        self.list = named(QListWidget(), "breakpointList")
        self.list.itemChanged.connect(self._on_item_changed)
        layout.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self._remove_selected)
        self.clear_button = QPushButton("Clear all")
        self.clear_button.clicked.connect(self.clear_requested.emit)
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.setWidget(body)
        self.setMinimumWidth(240)

    def set_specs(self, specs: list[Any]) -> None:
        """Show ``specs`` (the run's breakpoints)."""
        self.specs = list(specs)
        blocked = self.list.blockSignals(True)
        self.list.clear()
        for spec in self.specs:
            item = QListWidgetItem(self._text(spec))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            enabled = spec.core is None or spec.core.enabled
            item.setCheckState(Qt.CheckState.Checked if enabled else Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, spec)
            item.setToolTip(spec.label)
            self.list.addItem(item)
        self.list.blockSignals(blocked)
        self.hint.setVisible(not self.specs)
        self.remove_button.setEnabled(bool(self.specs))
        self.clear_button.setEnabled(bool(self.specs))

    def mark_hit(self, core: Any) -> None:
        """Mark the breakpoint whose core ``Breakpoint`` stopped the run."""
        self._hit = core
        self.set_specs(self.specs)
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(Qt.ItemDataRole.UserRole).core is core:
                self.list.setCurrentItem(item)

    def texts(self) -> list[str]:
        """The rows as shown (tests)."""
        return [self.list.item(i).text() for i in range(self.list.count())]

    def _text(self, spec: Any) -> str:
        mark = "▶ " if spec.core is not None and spec.core is self._hit else ""
        hits = spec.hits
        return f"{mark}{spec.label} · {hits} hit{'s' if hits != 1 else ''}"

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        spec = item.data(Qt.ItemDataRole.UserRole)
        self.toggled_on.emit(spec, item.checkState() == Qt.CheckState.Checked)

    def _remove_selected(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.removed.emit(item.data(Qt.ItemDataRole.UserRole))
