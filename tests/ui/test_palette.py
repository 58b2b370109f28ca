"""Tests for workbench.ui.panels.palette: categories, search, drag data, quick-add."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.fakes import DataSource, Echo, Selector, cid
from workbench.ui.canvas.view import MIME_COMPONENT
from workbench.ui.panels.palette import PaletteDock, QuickAddPopup


def test_categories_in_order_with_counts_and_tooltips(qtbot, catalog):
    dock = PaletteDock(catalog)
    qtbot.addWidget(dock)
    heads = [dock.tree.topLevelItem(i).text(0) for i in range(dock.tree.topLevelItemCount())]
    assert [h.split()[0] for h in heads] == ["CHASSIS", "INTERNET", "UTIL"]
    assert heads[2].split()[-1] == "2"
    tip = dock.tree.topLevelItem(1).child(2).toolTip(0)
    assert "Inboxes" in tip and "protocolHandlerSignal" in tip
    assert any("service" in dock.tree.topLevelItem(1).child(i).text(0) for i in range(4))
    assert cid(Selector) in dock.entries()


def test_search_filters_and_enter_activates(qtbot, catalog):
    dock = PaletteDock(catalog)
    qtbot.addWidget(dock)
    dock.search.setText("ech")
    assert dock.entries() == [cid(Echo)]
    with qtbot.waitSignal(dock.component_activated) as blocker:
        dock.search.returnPressed.emit()
    assert blocker.args == [cid(Echo)]


def test_drag_carries_the_catalog_id(qtbot, catalog):
    dock = PaletteDock(catalog)
    qtbot.addWidget(dock)
    dock.search.setText("DataSource")
    item = dock.tree.topLevelItem(0).child(0)
    data = dock.tree.mimeData([item])
    assert bytes(data.data(MIME_COMPONENT).data()).decode() == cid(DataSource)


def test_quick_add_popup_keyboard(qtbot, catalog):
    popup = QuickAddPopup(catalog)
    qtbot.addWidget(popup)
    popup.popup_at(popup.pos())
    qtbot.keyClicks(popup.edit, "echo")
    with qtbot.waitSignal(popup.chosen) as blocker:
        qtbot.keyClick(popup.edit, Qt.Key.Key_Return)
    assert blocker.args == [cid(Echo)]
    assert not popup.isVisible()
