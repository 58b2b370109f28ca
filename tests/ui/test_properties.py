"""Tests for workbench.ui.panels.properties: editors by type, defaults, required, validation."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QLineEdit, QSpinBox

from tests.ui.fakes import DataSource, TCPServer, cid
from workbench.model import Graph
from workbench.ui.panels.properties import PropertiesDock, literal_text, parse_literal


@pytest.fixture
def dock(qtbot, catalog):
    dock = PropertiesDock(catalog)
    qtbot.addWidget(dock)
    return dock


def test_editors_follow_the_parameter_types(dock):
    g = Graph()
    node = g.add_node(cid(DataSource))
    dock.set_node(node)
    kinds = {name: type(f.editor) for name, f in dock.fields.items()}
    assert kinds == {
        "messages": QLineEdit,
        "delay": QDoubleSpinBox,
        "name_hint": QLineEdit,
        "verbose": QCheckBox,
    }
    assert dock.fields["messages"].message.text().startswith("required")
    assert dock.fields["name_hint"].editor.placeholderText() == "default: src"


def test_valid_edit_is_emitted_invalid_is_shown(dock, qtbot):
    g = Graph()
    node = g.add_node(cid(TCPServer))
    dock.set_node(node)
    assert isinstance(dock.fields["listenport"].editor, QSpinBox)
    with qtbot.waitSignal(dock.param_edited) as blocker:
        dock.fields["host"].editor.setText("10.0.0.1")
        dock.fields["host"].editor.editingFinished.emit()
    assert blocker.args == [node.id, "host", "10.0.0.1"]
    with qtbot.assertNotEmitted(dock.param_edited):
        dock.fields["listenport"]._commit("eighty")
    assert "expected" in dock.fields["listenport"].message.text()


def test_literals_round_trip():
    assert parse_literal("[1, 2]") == [1, 2]
    assert parse_literal("(1, 2)") == [1, 2]
    assert parse_literal("b'hi\\r\\n'") == {"$bytes": "hi\r\n"}
    assert parse_literal("lambda x: x.upper()") == {"$code": "lambda x: x.upper()"}
    assert literal_text({"$bytes": "hi"}) == "b'hi'"
    with pytest.raises(ValueError):
        parse_literal("[1, 2")


def test_read_only_and_refresh(dock):
    g = Graph()
    node = g.add_node(cid(TCPServer))
    dock.set_node(node)
    dock.set_read_only(True)
    assert not dock.fields["host"].isEnabled()
    g.set_param(node.id, "host", "h")
    dock.refresh(node.id)
    assert dock.fields["host"].editor.text() == "h"
    dock.set_node(None)
    assert dock.fields == {}


def test_port_of_is_shown_as_text_and_can_be_replaced(dock, qtbot):
    g = Graph()
    node = g.add_node(cid(TCPServer), params={"listenport": {"$port_of": "echo_server"}})
    dock.set_node(node)
    field = dock.fields["listenport"]
    assert isinstance(field.editor, QLineEdit)
    assert field.editor.text() == "port of echo_server"
    assert field.message.text() == ""
    assert parse_literal(" port of echo_server ") == {"$port_of": "echo_server"}
    with qtbot.assertNotEmitted(dock.param_edited):
        field.editor.editingFinished.emit()  # unchanged: nothing to commit
    with qtbot.waitSignal(dock.param_edited) as blocker:
        field.editor.setText("8080")
        field.editor.editingFinished.emit()
    assert blocker.args == [node.id, "listenport", 8080]


def test_named_callables_are_typed_by_name_and_offered_as_completions(qtbot, tmp_path):
    from kamaelia_core.util import PureTransformer
    from workbench.model.catalog import Catalog

    dock = PropertiesDock(Catalog([PureTransformer]))
    qtbot.addWidget(dock)
    g = Graph()
    node = g.add_node(cid(PureTransformer), params={"function": {"$callable": "str.upper"}})
    dock.set_node(node)
    field = dock.fields["function"]
    assert field.editor.text() == "str.upper"
    completer = field.editor.completer()
    assert completer is not None and "bytes.upper" in completer.model().stringList()
    with qtbot.waitSignal(dock.param_edited) as blocker:
        field.editor.setText("bytes.upper")
        field.editor.editingFinished.emit()
    assert blocker.args == [node.id, "function", {"$callable": "bytes.upper"}]
    with qtbot.assertNotEmitted(dock.param_edited):
        field.editor.setText("os.system")
        field.editor.editingFinished.emit()
    assert "'os.system' is not an allowed function name" in field.message.text()
    assert "type a few letters to see those allowed" in field.message.text()
    dock.resize(420, 520)
    dock.show()
    qtbot.waitExposed(dock)
    dock.grab().save(str(tmp_path / "properties_callable.png"))
    with qtbot.waitSignal(dock.param_edited) as blocker:
        field.editor.setText("lambda b: b.upper()")
        field.editor.editingFinished.emit()
    assert blocker.args[2] == {"$code": "lambda b: b.upper()"}


def test_callable_names_parse_and_show():
    assert parse_literal(" kamaelia_core.util.text.line ") == {
        "$callable": "kamaelia_core.util.text.line"
    }
    assert parse_literal("len") == {"$callable": "len"}
    assert literal_text({"$callable": "bytes.upper"}) == "bytes.upper"
    with pytest.raises(ValueError, match=r"'nope' is not an allowed function name.*in quotes"):
        parse_literal("nope")
    with pytest.raises(ValueError, match=r"did you mean bytes\.upper\?"):
        parse_literal("bytes.uper")
    assert parse_literal("None") is None and parse_literal("true") is True
