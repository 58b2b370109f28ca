"""Tests for parameter values: tags for bytes and code, checking, decoding and source text."""

from __future__ import annotations

import pytest

from workbench.model import values
from workbench.model.values import BadValueError, UntrustedCodeError


def test_plain_json_passes_through() -> None:
    value = {"a": [1, 2.5, "x", None, True]}
    assert values.decode(value) == value
    assert values.to_source(value) == "{'a': [1, 2.5, 'x', None, True]}"


def test_bytes_tag() -> None:
    tagged = values.bytes_value(b"hi\r\n")
    assert tagged == {"$bytes": "hi\r\n"}
    assert values.decode([tagged]) == [b"hi\r\n"]
    assert values.to_source(tagged) == "b'hi\\r\\n'"
    assert values.json_type(tagged) == "bytes"


def test_code_needs_trust() -> None:
    tagged = values.code("lambda s: s.upper()")
    assert values.contains_code({"f": [tagged]})
    with pytest.raises(UntrustedCodeError, match=r"f: contains Python code"):
        values.decode(tagged, where="f")
    assert values.decode(tagged, allow_code=True)("ab") == "AB"
    assert values.to_source(tagged) == "lambda s: s.upper()"
    assert values.json_type(tagged) == "code"


def test_named_callables_need_no_trust() -> None:
    tagged = values.named_callable("bytes.upper")
    assert tagged == {"$callable": "bytes.upper"}
    assert not values.contains_code({"f": [tagged]})
    assert values.decode(tagged)(b"ab") == b"AB"
    assert values.decode({"f": [tagged]})["f"][0] is bytes.upper
    assert values.to_source(tagged) == "bytes.upper"
    assert values.to_source(values.named_callable("kamaelia_core.util.text.line")) == "line"
    assert values.json_type(tagged) == "callable"
    values.check(tagged)


@pytest.mark.parametrize("name", ["os.system", "eval", "str.format", "bytes"])
def test_named_callables_off_the_list_are_bad_values(name: str) -> None:
    with pytest.raises(BadValueError, match=rf"f: '{name}' is not an allowed callable.*len, "):
        values.decode(values.named_callable(name), allow_code=True, where="f")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"$callable": 3}, "needs a string"),
        ({"$code": "lambda: "}, "not a Python expression"),
        ({"$code": 3}, "needs a string"),
        (
            {"$other": "x"},
            r"unknown tag '\$other' \(use \$bytes, \$callable, \$code or \$port_of\)",
        ),
        (float("inf"), "not a JSON number"),
        ({1: "x"}, "not a string"),
        ({"a": [(1, 2)]}, r"value\.a\[0\]: tuple is not a JSON value"),
    ],
)
def test_bad_values(value: object, expected: str) -> None:
    with pytest.raises(BadValueError, match=expected):
        values.check(value)


def test_json_types() -> None:
    kinds = [values.json_type(v) for v in (None, True, 1, 1.5, "s", [], {})]
    assert kinds == ["null", "bool", "int", "float", "str", "list", "dict"]
    assert values.tag_of({"$a": 1, "b": 2}) is None


def test_port_of_tag_decodes_to_a_port_ref() -> None:
    tagged = values.port_of("echo_server")
    assert tagged == {"$port_of": "echo_server"}
    ref = values.decode({"port": tagged, "ports": [tagged, 5]})
    assert ref == {
        "port": values.PortRef("echo_server"),
        "ports": [values.PortRef("echo_server"), 5],
    }
    assert repr(ref["port"]) == "PortRef('echo_server')"
    with pytest.raises(AttributeError):
        ref["port"].name = "other"  # type: ignore[misc]  # frozen: a marker, not a slot
    assert not values.contains_code(tagged)
    assert values.json_type(tagged) == "port"
    assert values.port_refs({"a": [tagged, {"b": values.port_of("x")}], "c": 1}) == [
        "echo_server",
        "x",
    ]


def test_port_refs_are_replaced_by_ports() -> None:
    decoded = values.decode([values.port_of("a"), {"k": values.port_of("b")}, "a"])
    ports = {"a": 1601, "b": 8080}
    assert values.replace_port_refs(decoded, ports.__getitem__) == [1601, {"k": 8080}, "a"]


def test_port_of_source_needs_the_servers_variable() -> None:
    value = {"port": values.port_of("echo server")}
    assert values.to_source(value, {"echo server": "echo_server"}) == "{'port': echo_server.port}"
    with pytest.raises(BadValueError, match="no program variable"):
        values.to_source(value)


@pytest.mark.parametrize("bad", [{"$port_of": ""}, {"$port_of": "  "}, {"$port_of": 3}])
def test_port_of_needs_a_name(bad: object) -> None:
    with pytest.raises(BadValueError, match=r"\$port_of needs"):
        values.check(bad, "client.port")
