"""Tests for workbench.ui.panels.palette: categories, search, drag data, quick-add."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.fakes import DataSource, Echo, Selector, cid
from workbench.ui.canvas.view import MIME_COMPONENT
from workbench.ui.panels.palette import COUNT_ROLE, TAG_ROLE, PaletteDock, QuickAddPopup


def test_categories_in_order_with_counts_and_tooltips(qtbot, catalog):
    dock = PaletteDock(catalog)
    qtbot.addWidget(dock)
    heads = [dock.tree.topLevelItem(i).text(0) for i in range(dock.tree.topLevelItemCount())]
    assert [h.split()[0] for h in heads] == ["CHASSIS", "INTERNET", "UTIL"]
    assert dock.tree.topLevelItem(2).data(0, COUNT_ROLE) == 2
    tip = dock.tree.topLevelItem(1).child(2).toolTip(0)
    assert "Inboxes" in tip and "protocolHandlerSignal" in tip
    internet = dock.tree.topLevelItem(1)
    entries = [internet.child(i) for i in range(internet.childCount())]
    tagged = [e.text(0) for e in entries if e.data(0, TAG_ROLE) == "service"]
    assert tagged == ["Selector"]  # the tag is a pill beside the name, not in the name
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


def test_service_tag_is_painted_right_aligned_clear_of_the_name(qtbot, catalog):
    dock = PaletteDock(catalog)
    qtbot.addWidget(dock)
    dock.resize(240, 500)
    dock.show()
    qtbot.waitExposed(dock)
    internet = dock.tree.topLevelItem(1)
    entry = next(
        internet.child(i)
        for i in range(internet.childCount())
        if internet.child(i).data(0, TAG_ROLE)
    )
    rect = dock.tree.visualItemRect(entry)
    image = dock.tree.viewport().grab(rect).toImage()
    service = dock.theme.service
    right_half = [
        image.pixelColor(x, y)
        for x in range(image.width() // 2, image.width())
        for y in range(image.height())
    ]

    def near(c):
        return (
            abs(c.red() - service.red())
            + abs(c.green() - service.green())
            + abs(c.blue() - service.blue())
            < 60
        )

    assert any(near(c) for c in right_half)  # the pill's border, at the right of the row


def test_live_mode_keeps_colours_but_forbids_adding(qtbot, catalog):
    dock = PaletteDock(catalog)
    qtbot.addWidget(dock)
    dock.set_read_only(True)
    assert dock.isEnabled() and not dock.tree.dragEnabled()
    assert "read-only" in dock.hint.text()
    fired = []
    dock.component_activated.connect(fired.append)
    dock.search.setText("ech")
    dock.search.returnPressed.emit()
    assert fired == []
    dock.set_read_only(False)
    dock.search.returnPressed.emit()
    assert fired == [cid(Echo)]
