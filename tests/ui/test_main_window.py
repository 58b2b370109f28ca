"""Tests for workbench.ui.main_window: the whole window composing, saving and running a graph."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPointF

from kamaelia_core import Component
from kamaelia_core.util import Collector, DataSource
from tests.ui.fakes import Echo, TCPServer, cid, echo_graph, make_catalog
from workbench.model import Catalog, dumps, save
from workbench.resources import example_names, example_path
from workbench.ui.canvas.node_item import NodeItem


@pytest.fixture
def make_window(make_window):
    """The shared ``make_window`` with the echo-shaped catalog by default."""
    return lambda catalog=None, **kw: make_window(catalog or make_catalog(), **kw)


@pytest.fixture
def echo_file(tmp_path) -> Path:
    path = tmp_path / "echo_server.kgraph.json"
    save(echo_graph(), path)
    return path


def test_open_example_draws_it(make_window, echo_file):
    window = make_window()
    assert window.open_file(str(echo_file))
    assert len(window.scene.node_items()) == 7
    assert window.file_label.text() == "echo_server.kgraph.json"
    assert not window.docs.dirty
    assert str(echo_file.resolve()) in window.docs.recent()


def test_file_menu_opens_the_shipped_examples(make_window):
    window = make_window(Catalog.discover())
    actions = {a.text(): a for a in window.examples_menu.actions()}
    assert set(actions) == {name.replace("_", " ") for name in example_names()}
    actions["echo server"].trigger()
    assert window.file_label.text() == "echo_server (copy)"  # a copy: the example stays shipped
    assert window.docs.path is None and window.docs.origin == example_path("echo_server")
    assert window.chrome.bar.tab_titles()[0] == "echo_server (copy)"
    assert not window.open_example("no_such_example")
    assert "no example called 'no_such_example'" in window.status_label.text()
    assert "no example called" in window.log.text()


def test_add_node_from_palette_and_undo_redo(make_window):
    window = make_window()
    assert cid(Echo) in window.palette_dock.entries()
    node_id = window.add_component(cid(Echo), QPointF(103, 58))
    item = window.scene.node_item(node_id)
    assert isinstance(item, NodeItem) and item.isSelected()
    assert window.graph.node(node_id).position == (100.0, 60.0)
    assert window.docs.dirty and window.file_label.text().endswith("\u2022")
    window.stack.undo()
    assert window.scene.node_item(node_id) is None
    window.stack.redo()
    assert window.scene.node_item(node_id) is not None


def test_wire_two_nodes_and_reject_an_illegal_link(make_window, echo_file):
    window = make_window()
    window.open_file(str(echo_file))
    a = window.add_component(cid(Echo), QPointF(0, 700))
    b = window.add_component(cid(Echo), QPointF(400, 700))
    out, inbox = window.scene.port_item(a, "outbox"), window.scene.port_item(b, "inbox")
    window.scene.begin_wire(out, out.scenePos())
    window.scene.end_wire(inbox.scenePos())
    assert [(ln.source, ln.sink) for ln in window.graph.links_to((b, "inbox"))] == [
        ((a, "outbox"), (b, "inbox"))
    ]
    assert out.is_linked and window.scene.link_between((a, "outbox"), (b, "inbox"))
    tcp = next(n for n in window.graph.nodes if n.component == cid(TCPServer))
    target = window.scene.port_item(tcp.id, "newconnection")
    links_before = len(window.graph.links)
    window.scene.begin_wire(window.scene.port_item(b, "outbox"), inbox.scenePos())
    window.scene.end_wire(target.scenePos())
    assert len(window.graph.links) == links_before
    assert window.status_label.text().startswith("Cannot link:")
    window.stack.undo()  # the link
    assert not window.graph.links_to((b, "inbox"))


def test_edit_a_parameter_with_validation(make_window, echo_file):
    window = make_window()
    window.open_file(str(echo_file))
    tcp = next(n for n in window.graph.nodes if n.component == cid(TCPServer))
    window.scene.node_item(tcp.id).setSelected(True)
    field = window.properties.fields["listenport"]
    assert field.kind == "int"
    field.editor.setValue(9090)
    field.editor.editingFinished.emit()
    assert window.graph.node(tcp.id).params["listenport"] == 9090
    host = window.properties.fields["host"]
    host.editor.setText("0.0.0.0")
    host.editor.editingFinished.emit()
    assert window.graph.node(tcp.id).params["host"] == "0.0.0.0"
    window.stack.undo()
    assert "host" not in window.graph.node(tcp.id).params
    assert window.properties.fields["host"].editor.text() == ""
    field._commit("not a port")
    assert field.message.isVisibleTo(window.properties)
    assert "expected" in field.message.text()
    assert window.graph.node(tcp.id).params["listenport"] == 9090


def test_save_and_reload_identical(make_window, echo_file, tmp_path):
    window = make_window()
    window.open_file(str(echo_file))
    window.add_component(cid(Echo), QPointF(500, 700))
    target = tmp_path / "copy.kgraph.json"
    assert window.save_file_as(str(target))
    assert not window.docs.dirty
    text = dumps(window.graph)
    other = make_window()
    assert other.open_file(str(target))
    assert dumps(other.graph) == text == target.read_text()


def test_delete_copy_paste(make_window, echo_file):
    window = make_window()
    window.open_file(str(echo_file))
    echo = next(n for n in window.graph.nodes if n.name == "Echo")
    window.scene.node_item(echo.id).setSelected(True)
    before = len(window.graph.nodes)
    window.copy()
    window.paste()
    assert len(window.graph.nodes) == before + 1
    window.delete_selection()
    assert len(window.graph.nodes) == before
    window.scene.clearSelection()
    window.scene.node_item(echo.id).setSelected(True)
    links = len(window.graph.links)
    window.delete_selection()
    assert not window.graph.has_node(echo.id) and len(window.graph.links) < links
    window.stack.undo()
    assert window.graph.has_node(echo.id) and len(window.graph.links) == links


def test_unsaved_changes_prompt_and_autosave_recover(make_window, tmp_path):
    window = make_window()
    window.add_component(cid(Echo), QPointF(0, 0))
    asked = []
    window.ask_save_changes = lambda: asked.append(1) or "cancel"
    window.new_file()
    assert asked and len(window.graph.nodes) == 1
    copy = window.docs.autosave()
    assert copy is not None and copy.exists()
    crashed = tmp_path / "auto" / "untitled-1.kgraph.json"
    copy.rename(crashed)
    other = make_window()
    assert other.docs.pending_recoveries() == [crashed]
    assert other.docs.recover(crashed)
    assert len(other.graph.nodes) == 1 and other.docs.dirty and not crashed.exists()


def test_theme_switch_and_settings(make_window):
    window = make_window()
    window.set_theme("light")
    assert window.scene.theme.name == "light"
    assert window.settings.value("ui/theme") == "light"
    window.set_theme("dark")


def test_auto_layout_is_one_undo_step(make_window, echo_file):
    window = make_window()
    window.open_file(str(echo_file))
    before = {n.id: n.position for n in window.graph.nodes}
    window.auto_layout()
    assert {n.id: n.position for n in window.graph.nodes} != before
    window.stack.undo()
    assert {n.id: n.position for n in window.graph.nodes} == before


class Crasher(Component):
    """Raises on its first message."""

    def main(self):
        while not self.dataReady("inbox"):
            self.pause()
            yield 1
        raise RuntimeError("boom from the test")


@pytest.mark.expect_errors(match=r"Crasher#\d+ crashed")
def test_run_shows_states_and_crash_then_stops(make_window, qtbot):
    catalog = Catalog([DataSource, Collector, Crasher])
    window = make_window(catalog)
    src = window.editor.add_node(
        f"{DataSource.__module__}.DataSource", (0, 0), params={"messages": [1, 2, 3]}
    )
    sink = window.editor.add_node(f"{Collector.__module__}.Collector", (300, 0))
    src2 = window.editor.add_node(
        f"{DataSource.__module__}.DataSource", (0, 200), params={"messages": ["x"]}
    )
    bad = window.editor.add_node(f"{Crasher.__module__}.Crasher", (300, 200))
    window.editor.add_link((src, "outbox"), (sink, "inbox"))
    window.editor.add_link((src2, "outbox"), (bad, "inbox"))
    with qtbot.waitSignal(window.run.crashed, timeout=5000) as blocker:
        window.run_graph()
    assert blocker.args[0] == bad
    assert "boom from the test" in blocker.args[2]
    assert window.run_state_label.text().endswith(("RUNNING", "FINISHED"))
    item = window.scene.node_item(bad)
    qtbot.waitUntil(lambda: item.state == "crashed", timeout=3000)
    assert "boom from the test" in item.detail
    assert "boom from the test" in window.log.text()
    item.setSelected(True)
    assert "boom from the test" in window.properties.crash_text.text()
    assert window.count_label.text().startswith("Live \u00b7 4 components \u00b7 2 links")
    qtbot.waitUntil(lambda: window.scene.node_item(src).state == "finished", timeout=3000)
    assert window.properties.read_only
    window.stop_graph()
    assert window.run.session is None and window.run.pump is None
    assert window.run_state_label.text().endswith("EDITING")
    assert not window.properties.read_only


def test_run_failure_is_reported(make_window):
    window = make_window()

    def broken(graph, catalog):
        raise ValueError("cannot build this")

    window.run.session_factory = broken
    window.run_graph()
    assert "cannot build this" in window.log.text()
    assert window.run.session is None


def test_palette_activation_places_the_component(make_window):
    window = make_window()
    window.palette_dock.search.setText("Echo")
    window.palette_dock.search.returnPressed.emit()
    assert [n.component for n in window.graph.nodes] == [cid(Echo)]
    window.quick_add.chosen.emit(cid(TCPServer))
    assert len(window.graph.nodes) == 2


def test_python_expressions_run_only_when_trusted(make_window, qtbot):
    from kamaelia_core.util import PureTransformer
    from workbench.model.catalog import Catalog as RealCatalog

    catalog = RealCatalog([DataSource, PureTransformer, Collector])
    window = make_window(catalog)
    graph = window.graph
    src = graph.add_node(cid(DataSource), params={"messages": ["a"]})
    up = graph.add_node(cid(PureTransformer), params={"function": {"$code": "str.upper"}})
    graph.add_link((src.id, "outbox"), (up.id, "inbox"))
    window.trust_answer = False
    window.run_graph()
    assert window.run.session is None
    assert "not trusted" in window.status_label.text()
    window.trust_answer = True
    window.run_graph()
    assert window.run.session is not None
    window.stop_graph()


@pytest.mark.expect_errors(match=r"graph observer GraphScene\._on_event failed on")
def test_a_canvas_detached_by_an_error_is_reported_and_redraw_follows_again(
    make_window, monkeypatch, tmp_path
):
    window = make_window()

    def broken(node):
        raise RuntimeError("drawing failed")

    monkeypatch.setattr(window.scene, "_on_node_added", broken)
    node_id = window.editor.add_node(cid(Echo), (0, 0))
    status = window.status_label.text()
    assert status.startswith("The canvas stopped following the document after an error")
    assert "RuntimeError: drawing failed" in status and "View > Redraw Canvas" in status
    assert "color:" in window.status_label.styleSheet()  # shown as an error
    assert "The canvas" in window.log.text() and "drawing failed" in window.log.text()
    assert window.scene.node_item(node_id) is None  # detached: the canvas no longer follows
    window.resize(1000, 640)
    window.show()
    window.grab().save(str(tmp_path / "canvas_detached.png"))
    monkeypatch.undo()
    window.actions_["redraw"].trigger()
    assert window.scene.node_item(node_id) is not None
    second = window.editor.add_node(cid(Echo), (300, 0))
    assert window.scene.node_item(second) is not None  # it follows the document again
    assert window.status_label.text() == "Canvas redrawn from the document"


@pytest.mark.expect_errors(match=r"event watcher .*bad_watcher failed on")
def test_a_live_view_detached_by_an_error_is_reported(make_window, qtbot):
    catalog = Catalog([DataSource, Collector])
    window = make_window(catalog)
    src = window.editor.add_node(
        f"{DataSource.__module__}.DataSource", (0, 0), params={"messages": [1, 2, 3]}
    )
    sink = window.editor.add_node(f"{Collector.__module__}.Collector", (300, 0))
    window.editor.add_link((src, "outbox"), (sink, "inbox"))

    def bad_watcher(batch):
        raise ValueError("cannot draw this batch")

    window.run_graph()
    window.run.session.events.subscribe(bad_watcher)
    with qtbot.waitSignal(window.run.watcher_failed, timeout=3000) as blocker:
        pass
    assert "bad_watcher stopped following the run" in blocker.args[0]
    assert "ValueError: cannot draw this batch" in blocker.args[1]
    assert "bad_watcher stopped following the run" in window.status_label.text()
    assert "cannot draw this batch" in window.log.text()
    window.stop_graph()


def test_a_changed_example_is_saved_where_the_user_says_never_over_the_example(
    make_window, tmp_path
):
    window = make_window(Catalog.discover())
    shipped = example_path("echo_server")
    before = shipped.read_bytes()
    assert window.open_example("echo_server")
    window.graph.move_node(window.graph.nodes[0].id, (999.0, 999.0))  # a change of the user's
    mine = tmp_path / "mine.kgraph.json"
    assert window.file_actions.save_file_as(str(mine))
    assert window.docs.path == mine and window.docs.origin is None
    assert window.file_label.text() == "mine.kgraph.json"
    assert shipped.read_bytes() == before
    assert str(shipped.resolve()) not in window.docs.recent()  # nor offered as "your" file
