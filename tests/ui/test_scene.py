"""Tests for workbench.ui.canvas.scene: follows the model, turns gestures into requests."""

from __future__ import annotations

from tests.ui.fakes import Echo, cid
from workbench.model import Graph
from workbench.ui.canvas.group_item import GroupItem
from workbench.ui.canvas.node_item import NodeItem


def _by_name(scene, name):
    return next(i for i in scene.node_items() if i.title == name)


def test_scene_draws_every_node_group_and_link(scene, graph):
    assert len(scene.node_items()) == len(graph.nodes)
    assert len(scene.link_items()) == len(graph.links)
    core = _by_name(scene, "ServerCore (port 8080)")
    assert isinstance(core, GroupItem)
    assert len(core.members) == 5
    tcp = _by_name(scene, "TCPServer")
    assert tcp.model is graph.node(tcp.node_id)
    assert scene.port_item(tcp.node_id, "protocolHandlerSignal").is_linked
    assert not scene.port_item(tcp.node_id, "newconnection").is_linked


def test_scene_observes_model_changes(scene, graph):
    node = graph.add_node(cid(Echo), name="Late", position=(50, 600))
    item = scene.node_item(node.id)
    assert isinstance(item, NodeItem)
    assert item.pos().y() == 600
    graph.move_node(node.id, (80, 640))
    assert (item.pos().x(), item.pos().y()) == (80, 640)
    graph.rename_node(node.id, "Later")
    assert item.title == "Later"
    tcp = _by_name(scene, "TCPServer")
    link = graph.add_link((node.id, "outbox"), (tcp.node_id, "newconnection"))
    assert scene.link_item(link.id).sink is scene.port_item(tcp.node_id, "newconnection")
    graph.remove_node(node.id)
    assert scene.node_item(node.id) is None
    assert scene.link_item(link.id) is None
    assert not scene.port_item(tcp.node_id, "newconnection").is_linked


def test_graph_reset_rebuilds(scene, graph):
    graph.replace_with(Graph())
    assert scene.node_items() == []
    assert scene.link_items() == []


def test_close_unsubscribes_and_clears(qtbot, graph, catalog):
    from workbench.ui.canvas.scene import GraphScene

    scene = GraphScene(graph, catalog)
    scene.close()
    assert scene.items() == []
    graph.add_node(cid(Echo))
    assert scene.items() == []


def test_wiring_legal_and_illegal(scene, graph, qtbot):
    tcp = _by_name(scene, "TCPServer")
    echo = graph.add_node(cid(Echo), name="Spare", position=(0, 700))
    other = graph.add_node(cid(Echo), name="Other", position=(400, 700))
    out = scene.port_item(echo.id, "outbox")
    inbox = scene.port_item(other.id, "inbox")
    with qtbot.waitSignal(scene.link_requested) as blocker:
        scene.begin_wire(out, out.scenePos())
        scene.update_wire(inbox.scenePos())
        assert scene._wire.legal is True
        scene.end_wire(inbox.scenePos())
    assert blocker.args == [(echo.id, "outbox"), (other.id, "inbox")]
    # dragging backwards (inbox to outbox) is ordered for the user
    with qtbot.waitSignal(scene.link_requested) as blocker:
        scene.begin_wire(inbox, inbox.scenePos())
        scene.end_wire(out.scenePos())
    assert blocker.args == [(echo.id, "outbox"), (other.id, "inbox")]
    # into a box inside a container from outside: refused, with the reason
    target = scene.port_item(tcp.node_id, "newconnection")
    with qtbot.waitSignal(scene.link_rejected) as blocker:
        scene.begin_wire(out, out.scenePos())
        scene.update_wire(target.scenePos())
        assert scene._wire.legal is False
        scene.end_wire(target.scenePos())
    assert "container boundary" in blocker.args[0]
    assert scene._wire is None
    # an outbox that already has a destination is refused
    graph.add_link((echo.id, "outbox"), (other.id, "inbox"))
    with qtbot.waitSignal(scene.link_rejected) as blocker:
        scene.begin_wire(out, out.scenePos())
        scene.end_wire(inbox.scenePos())
    assert "one destination" in blocker.args[0]


def test_lookups_for_the_live_view(scene, graph):
    link = graph.links[0]
    item = scene.link_between(link.source, link.sink)
    assert item is scene.link_item(link.id)
    assert item.path().length() > 0
    assert scene.port_item(*link.source) is item.source


def test_user_move_is_reported_not_applied(scene, graph, qtbot):
    tcp = _by_name(scene, "TCPServer")
    tcp.setPos(tcp.pos().x() + 40, tcp.pos().y())
    with qtbot.waitSignal(scene.nodes_moved) as blocker:
        scene.report_moved([tcp])
    assert tcp.node_id in blocker.args[0]
    assert graph.node(tcp.node_id).position != blocker.args[0][tcp.node_id]


def test_snap_to_grid(scene):
    tcp = _by_name(scene, "TCPServer")
    tcp.setPos(33.3, 47.9)
    assert (tcp.pos().x(), tcp.pos().y()) == (30, 50)


def test_scene_draws_and_follows_annotations(scene, graph):
    note = graph.add_annotation("hello", (10, 20))
    item = scene.note_item(note.id)
    assert item.model is note and item.text == "hello"
    graph.edit_annotation(note.id, text="hello again", position=(30, 40))
    assert item.text == "hello again" and (item.pos().x(), item.pos().y()) == (30, 40)
    item.setSelected(True)
    assert scene.selected_note_ids() == [note.id]
    graph.remove_annotation(note.id)
    assert scene.note_item(note.id) is None and item.scene() is None
    graph.add_annotation("kept", (0, 0))
    graph.replace_with(graph.copy())
    assert [i.text for i in scene.note_items()] == ["kept"]
    graph.replace_with(Graph())
    assert scene.note_items() == []
