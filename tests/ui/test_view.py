"""Tests for workbench.ui.canvas.view: zoom limits, fit, update mode, clicks and drops."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QGraphicsView

from workbench.ui.canvas.view import MIME_COMPONENT, GraphView


def _view(qtbot, scene) -> GraphView:
    view = GraphView(scene)
    view.resize(900, 600)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_zoom_clamped_and_update_mode(qtbot, scene):
    view = _view(qtbot, scene)
    with qtbot.waitSignal(view.zoom_changed):
        view.set_zoom(10)
    assert view.zoom() == 3.0
    view.set_zoom(0.01)
    assert view.zoom() == 0.1
    assert view.viewportUpdateMode() == QGraphicsView.ViewportUpdateMode.FullViewportUpdate
    view.zoom_reset()
    assert view.zoom() == 1.0
    assert view.viewportUpdateMode() == QGraphicsView.ViewportUpdateMode.SmartViewportUpdate


def test_fit_shows_everything(qtbot, scene):
    view = _view(qtbot, scene)
    view.set_zoom(3)
    view.fit_all()
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    assert visible.contains(scene.itemsBoundingRect())
    assert view.zoom() <= 1.0


def test_click_selects_a_node_through_the_viewport(qtbot, scene):
    view = _view(qtbot, scene)
    view.fit_all()
    node = next(i for i in scene.node_items() if i.title == "Selector")
    point = view.mapFromScene(node.mapToScene(QPointF(node.width / 2, 12)))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert scene.selected_node_ids() == [node.node_id]


def test_double_click_on_empty_canvas_asks_for_quick_add(qtbot, scene):
    view = _view(qtbot, scene)
    view.fit_all()
    with qtbot.waitSignal(view.quick_add_requested):
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(5, 5))


def test_drop_from_palette(qtbot, scene):
    view = _view(qtbot, scene)
    data = QMimeData()
    data.setData(MIME_COMPONENT, b"pkg.Echo")
    event = QDropEvent(
        QPointF(100, 100),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(view.component_dropped) as blocker:
        view.dropEvent(event)
    assert blocker.args[0] == "pkg.Echo"


def test_minimap_blocks_follow_the_scene(qtbot, scene):
    view = _view(qtbot, scene)
    view.minimap.render_scene()
    assert len(view.minimap._blocks) == len(scene.node_items())
    qtbot.waitUntil(lambda: not view.minimap._refresh.isActive(), timeout=2000)


def test_far_zoom_hides_ports_and_restores_them(qtbot, scene):
    view = _view(qtbot, scene)
    port = scene.link_items()[0].source
    view.set_zoom(0.15)
    assert scene.low_detail and not port.isVisible()
    view.set_zoom(1.0)
    assert not scene.low_detail and port.isVisible()


def test_two_thousand_nodes_use_the_cheap_drawing_paths(qtbot, catalog):
    """Fitted far out, a big graph drops labels and repaints the whole viewport; cards are
    cached. (The paint time itself is a benchmark figure: bench/canvas.py.)"""
    from PySide6.QtWidgets import QGraphicsItem, QGraphicsView

    from tests.ui.fakes import ConnectedSocketAdapter, Echo, cid
    from workbench.model import Graph
    from workbench.ui.canvas.node_item import NodeItem
    from workbench.ui.canvas.scene import GraphScene

    graph = Graph()
    for i in range(1000):
        a = graph.add_node(cid(ConnectedSocketAdapter), position=((i % 40) * 520, (i // 40) * 160))
        b = graph.add_node(cid(Echo), position=((i % 40) * 520 + 260, (i // 40) * 160))
        graph.add_link((a.id, "outbox"), (b.id, "inbox"))
    big = GraphScene(graph, catalog)
    try:
        view = _view(qtbot, big)
        view.fit_all()
        view.viewport().repaint()
        assert big.low_detail
        full = QGraphicsView.ViewportUpdateMode.FullViewportUpdate
        assert view.viewportUpdateMode() == full
        cards = [item for item in big.items() if isinstance(item, NodeItem)]
        assert len(cards) == 2000
        cached = QGraphicsItem.CacheMode.DeviceCoordinateCache
        assert all(card.cacheMode() == cached for card in cards)
        view.set_zoom(1.0)
        view.viewport().repaint()
        assert not big.low_detail
    finally:
        big.close()


def test_fit_keeps_cards_clear_of_the_minimap_and_includes_notes(qtbot, catalog):
    from tests.ui.fakes import Echo, cid
    from workbench.model import Graph
    from workbench.ui.canvas.scene import GraphScene

    graph = Graph()
    graph.add_node(cid(Echo), position=(0, 0))
    corner = graph.add_node(cid(Echo), position=(560, 300))
    note = graph.add_annotation("above it all", (0, -120))
    scene = GraphScene(graph, catalog)
    try:
        view = _view(qtbot, scene)
        view.fit_all()
        visible = view.mapToScene(view.viewport().rect()).boundingRect()
        assert visible.contains(scene.note_item(note.id).sceneBoundingRect())
        under_map = view.mapToScene(view.minimap.geometry()).boundingRect()
        card = scene.node_item(corner.id)
        assert not under_map.intersects(card.mapRectToScene(card.card_rect()))
    finally:
        scene.close()
