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


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"$code": "lambda: "}, "not a Python expression"),
        ({"$code": 3}, "needs a string"),
        ({"$other": "x"}, "unknown tag"),
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
