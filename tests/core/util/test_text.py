"""kamaelia_core.util.text: line endings added and removed, for text and bytes alike."""

from __future__ import annotations

import pytest

from kamaelia_core.util.text import chomp, line


@pytest.mark.parametrize(
    ("message", "expected"),
    [("hi", "hi\n"), ("hi\n", "hi\n"), ("", "\n"), (b"hi", b"hi\n"), (b"hi\n", b"hi\n")],
)
def test_line_ends_a_message_with_one_newline(message, expected):
    assert line(message) == expected
    assert type(line(message)) is type(message)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("hi\r\n", "hi"),
        ("hi\n", "hi"),
        ("hi\r", "hi"),
        ("hi", "hi"),
        ("hi\n\n", "hi\n"),
        (b"hi\r\n", b"hi"),
        (b"hi\n", b"hi"),
        (b"hi", b"hi"),
    ],
)
def test_chomp_removes_one_line_ending(message, expected):
    assert chomp(message) == expected
