"""Named callables: every allow-listed name resolves without evaluation; others are refused."""

from __future__ import annotations

import pytest

from kamaelia_core.util import text
from workbench.model import callables
from workbench.model.callables import ALLOWED, NotAllowedError


def test_every_allowed_name_resolves_to_a_callable():
    assert len(ALLOWED) == len(set(ALLOWED))
    for name in ALLOWED:
        assert callable(callables.resolve(name)), name


@pytest.mark.parametrize(
    ("name", "message", "result"),
    [
        ("bytes.upper", b"hi", b"HI"),
        ("str.upper", "hi", "HI"),
        ("bytes.decode", b"h\xc3\xa9", "h\u00e9"),
        ("str.encode", "h\u00e9", b"h\xc3\xa9"),
        ("len", [1, 2], 2),
        ("str.strip", " x\n", "x"),
        ("kamaelia_core.util.text.line", "x", "x\n"),
        ("kamaelia_core.util.text.chomp", b"x\r\n", b"x"),
    ],
)
def test_resolved_functions_do_what_their_names_say(name, message, result):
    assert callables.resolve(name)(message) == result


def test_kamaelia_core_helpers_are_the_real_functions_and_say_what_to_import():
    assert callables.resolve("kamaelia_core.util.text.line") is text.line
    assert callables.import_of("kamaelia_core.util.text.line") == (
        "kamaelia_core.util.text",
        "line",
    )
    assert callables.import_of("bytes.upper") is None
    assert {"str", "bytes", "len"} <= callables.BUILTIN_ROOTS
    assert not any("." in root for root in callables.BUILTIN_ROOTS)


@pytest.mark.parametrize(
    "name",
    [
        "eval",
        "exec",
        "__import__",
        "open",
        "os.system",
        "str.format",
        "bytes.upper.__self__",
        "str.__class__",
        "kamaelia_core.util.text",
        "kamaelia_core.util.text.__builtins__",
        "",
        " bytes.upper",
    ],
)
def test_names_off_the_list_are_refused_with_the_list(name):
    assert not callables.is_allowed(name)
    with pytest.raises(NotAllowedError) as info:
        callables.resolve(name)
    message = str(info.value)
    assert f"{name!r} is not an allowed callable" in message
    assert "bytes.upper, " in message and "kamaelia_core.util.text.line" in message
    assert "use $code, which needs trust" in message
    with pytest.raises(NotAllowedError):
        callables.import_of(name)


def test_a_close_name_is_suggested():
    assert "did you mean 'bytes.upper'?" in str(NotAllowedError("bytes.uper"))


def test_non_strings_are_not_allowed():
    assert not callables.is_allowed(None)
    assert not callables.is_allowed(["len"])
