"""Tests for workbench.ui.canvas.group_item: frame follows members, collapse, sockets."""

from __future__ import annotations

from PySide6.QtCore import QPointF


def _core(scene):
    return next(i for i in scene.node_items() if i.title.startswith("ServerCore"))


def test_frame_encloses_members(scene):
    core = _core(scene)
    frame = core.frame_rect()
    for member in core.members:
        assert frame.contains(member.sceneBoundingRect())


def test_frame_follows_a_moved_member(scene):
    core = _core(scene)
    member = core.members[0]
    member.moveBy(0, 600)
    assert core.frame_rect().contains(member.sceneBoundingRect())


def test_collapse_hides_members_and_reroutes_outside_links(scene):
    core = _core(scene)
    selector = next(i for i in scene.node_items() if i.title == "Selector")
    link = scene.port_item(selector.node_id, "notify").links[0]
    core.set_collapsed(True)
    assert all(not m.isVisible() for m in core.members)
    assert link.isVisible()
    assert link.path().pointAtPercent(0) == core.collapsed_anchor(False)
    core.set_collapsed(False)
    assert all(m.isVisible() for m in core.members)


def test_socket_targets_for_child_to_parent_links(scene):
    core = _core(scene)
    socket = core.port("_socketactivity", "in")
    assert socket.is_linked
    assert core.frame_rect().top() <= socket.scenePos().y() <= core.frame_rect().top() + 30


def test_drag_header_moves_members(scene):
    core = _core(scene)
    before = [m.scenePos() for m in core.members]
    core.move_by(QPointF(100, 50))
    after = [m.scenePos() for m in core.members]
    assert all(a - b == QPointF(100, 50) for a, b in zip(after, before, strict=True))
