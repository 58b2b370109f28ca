"""Tests for workbench.ui.canvas.routing and LinkItem routing: links keep clear of the cards."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF

from workbench.ui.canvas import routing
from workbench.ui.canvas.link_item import LinkItem


def card_rects(scene) -> dict:
    return {
        item: item.mapRectToScene(item.card_rect())
        for item in scene.items()
        if getattr(item, "is_card", False) and item.isVisible()
    }


def cards_crossed(link: LinkItem, cards: dict) -> list:
    """Cards (other than the link's ends) that its path passes through."""
    ends = {link.source.owner, link.sink.owner}
    path = link.path()
    points = [path.pointAtPercent(i / 200) for i in range(201)]
    return [
        item
        for item, rect in cards.items()
        if item not in ends and any(rect.adjusted(2, 2, -2, -2).contains(p) for p in points)
    ]


def link_named(scene, source: str, box: str) -> LinkItem:
    return next(
        lk for lk in scene.link_items() if lk.source.owner.title == source and lk.source.name == box
    )


def test_no_link_crosses_a_card_in_the_echo_example(scene):
    cards = card_rects(scene)
    crossing = {
        repr(link): cards_crossed(link, cards)
        for link in scene.link_items()
        if link.isVisible() and cards_crossed(link, cards)
    }
    assert crossing == {}


def test_long_forward_link_runs_along_the_bottom(scene):
    link = link_named(scene, "TCPServer", "_selectorSignal")
    cards = card_rects(scene)
    inner = [r for item, r in cards.items() if item.title.startswith(("CSA", "Echo"))]
    lowest = max(r.bottom() for r in inner)
    bottom = link.path().boundingRect().bottom()
    assert bottom > lowest  # below the rows of CSAs and Echos
    assert not cards_crossed(link, cards)


def test_backward_links_loop_over_their_cards(scene):
    link = link_named(scene, "Echo", "outbox")  # Echo back into its CSA, on the same row
    top = link.path().boundingRect().top()
    for end in (link.source.owner, link.sink.owner):
        assert top < end.sceneBoundingRect().top()  # over both cards
    feedback = link_named(scene, "CSA 51234", "CreatorFeedback")  # to the TCPServer, lower
    for backward in (link, feedback):
        assert not cards_crossed(backward, card_rects(scene))


def test_group_socket_links_keep_off_the_header_labels(scene):
    link = link_named(scene, "TCPServer", "protocolHandlerSignal")  # to the ServerCore header
    group = link.sink.owner
    frame = group.frame_rect()
    header = QRectF(frame.left(), frame.top(), frame.width(), 30)
    path = link.path()
    inside = [path.pointAtPercent(i / 200) for i in range(201)]
    inside = [p for p in inside if header.adjusted(0, 0, 0, -1).contains(p)]
    socket = link.sink.anchor()
    assert all(abs(p.y() - socket.y()) < 1 or abs(p.x() - socket.x()) < 40 for p in inside)


def test_a_card_moved_into_the_way_reroutes_the_link(qtbot, scene):
    link = link_named(scene, "TCPServer", "_selectorSignal")
    echo2 = next(i for i in card_rects(scene) if i.title == "Echo 2")
    mid = link.path().pointAtPercent(0.5)  # on the lane along the bottom
    echo2.setPos(mid.x() - echo2.width / 2, mid.y() - echo2.height / 2)
    assert echo2 in cards_crossed(link, card_rects(scene))
    qtbot.waitUntil(lambda: not cards_crossed(link, card_rects(scene)), timeout=2000)


def test_route_is_a_plain_curve_when_nothing_is_in_the_way():
    path = routing.route(QPointF(0, 0), QPointF(300, 40), [])
    assert path.elementCount() == 4  # move + one cubic (3 elements)


def test_route_detours_below_a_card_in_the_way():
    block = QRectF(120, -60, 80, 200)
    path = routing.route(QPointF(0, 0), QPointF(300, 20), [block])
    assert path.boundingRect().bottom() > block.bottom()
    points = [path.pointAtPercent(i / 100) for i in range(101)]
    assert not any(block.contains(p) for p in points)


def test_links_queued_for_rerouting_when_the_scene_is_rebuilt_are_let_go(qtbot, scene):
    """A graph_reset (another document opened) deletes every item; links still queued from a
    budgeted turn must not be touched on the next one."""
    from workbench.ui.canvas.link_item import LinkItem

    rerouter = scene._rerouter
    for item in scene.items():
        if isinstance(item, LinkItem):
            rerouter._queue[id(item)] = item  # left over by a turn that ran out of budget
    assert rerouter._queue
    scene.rebuild()
    scene.card_changed(QRectF(-100, -100, 50, 50))
    rerouter.run()  # raised "Internal C++ object (LinkItem) already deleted"
    assert not rerouter._queue
