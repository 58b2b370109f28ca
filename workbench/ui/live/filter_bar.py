"""The filter line and the message-kind chips above the message log and the timeline.

Both docks filter the watched run's messages the same way (``type:``, ``box:``, ``comp:``,
``conn:`` terms and a kind: all, data, lifecycle, control); this builds those controls into a
dock's tool bar and reads the chosen kind back, so the two bars look and behave alike.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QButtonGroup, QCheckBox, QHBoxLayout, QLineEdit, QPushButton

from workbench.ui.theme import named

CHIPS = (("All", "all"), ("Data", "data"), ("Lifecycle", "lifecycle"), ("Control", "control"))
"""(label, category) of each chip, "All" first (checked at the start)."""


def add_filter_controls(
    bar: QHBoxLayout, owner: QObject, placeholder: str, on_change: Callable[..., object]
) -> tuple[QLineEdit, QButtonGroup]:
    """Add the filter line and the exclusive kind chips to ``bar``; returns both.

    ``on_change`` is called whenever the text is edited or a chip is clicked.
    """
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    edit.setClearButtonEnabled(True)
    edit.textChanged.connect(on_change)
    bar.addWidget(edit, 3)
    chips = QButtonGroup(owner)
    chips.setExclusive(True)
    for i, (label, key) in enumerate(CHIPS):
        button = named(QPushButton(label), "chip")
        button.setCheckable(True)
        button.setProperty("category", key)
        button.setChecked(i == 0)
        chips.addButton(button, i)
        bar.addWidget(button)
    chips.idClicked.connect(lambda _i: on_change())
    return edit, chips


def chosen_category(chips: QButtonGroup) -> str:
    """The checked chip's category ("all", "data", "lifecycle", "control")."""
    button = chips.checkedButton()
    return button.property("category") if button is not None else "all"


def check_box(text: str, checked: bool = False, tip: str = "") -> QCheckBox:
    """A check box of the bar, ticked or not, with its tool tip."""
    box = QCheckBox(text)
    box.setChecked(checked)
    if tip:
        box.setToolTip(tip)
    return box
