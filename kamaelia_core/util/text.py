"""Small pure functions on text and bytes messages, for a PureTransformer to apply in a pipeline.

A graph file names them without any Python code (``{"$callable": "kamaelia_core.util.text.line"}``,
see the workbench's allow-list of callables); a program imports them like any function.
"""

from __future__ import annotations

from typing import TypeVar

__all__ = ["chomp", "line"]

Text = TypeVar("Text", str, bytes)


def line(message: Text) -> Text:
    """``message`` ending in a newline: one is added unless it is already there.

    Text gets ``"\\n"``, bytes get ``b"\\n"``.
    """
    newline = b"\n" if isinstance(message, bytes) else "\n"
    return message if message.endswith(newline) else message + newline


def chomp(message: Text) -> Text:
    """``message`` without its line ending (``"\\r\\n"``, ``"\\n"`` or ``"\\r"``), if it has one."""
    if isinstance(message, bytes):
        for ending in (b"\r\n", b"\n", b"\r"):
            if message.endswith(ending):
                return message[: -len(ending)]
        return message
    for ending in ("\r\n", "\n", "\r"):
        if message.endswith(ending):
            return message[: -len(ending)]
    return message
