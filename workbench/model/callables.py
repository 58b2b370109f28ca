"""Named callables: the functions a graph may name as a parameter value without running any code.

Sits under :mod:`workbench.model.values`: a ``{"$callable": "bytes.upper"}`` value names one entry
of :data:`ALLOWED`, and is resolved by looking that name up in this fixed table, never by
evaluating text. Anything else a graph wants to call must be a ``{"$code": ...}`` expression,
which runs only when the user trusts the graph.

The table holds pure functions of one message: builtins (``len``, ``str``...), the common
methods of ``str`` and ``bytes`` (``str.upper``, ``bytes.decode``...), and the helpers of
:mod:`kamaelia_core.util.text`. Builtins are written as Python spells them; a kamaelia_core
helper by its full dotted path, which is also what the code exporter imports.
"""

from __future__ import annotations

import builtins
import difflib
import importlib
from collections.abc import Callable
from typing import Any

_BUILTIN_FUNCTIONS = ("abs", "bool", "float", "int", "len", "list", "max", "min", "repr",
                      "round", "sorted", "str", "sum")  # fmt: skip
_SHARED_METHODS = ("capitalize", "lower", "lstrip", "rstrip", "split", "splitlines", "strip",
                   "swapcase", "title", "upper")  # fmt: skip
_CORE_FUNCTIONS = ("kamaelia_core.util.text.chomp", "kamaelia_core.util.text.line")

ALLOWED: tuple[str, ...] = (
    *_BUILTIN_FUNCTIONS,
    *(f"str.{name}" for name in (*_SHARED_METHODS, "casefold", "encode")),
    *(f"bytes.{name}" for name in (*_SHARED_METHODS, "decode", "hex")),
    *_CORE_FUNCTIONS,
)
"""Every name a ``$callable`` value may use, in the order the properties panel offers them."""

BUILTIN_ROOTS = frozenset(n.split(".", 1)[0] for n in ALLOWED if n not in _CORE_FUNCTIONS)
"""The builtin names that exported code must not shadow (``str``, ``bytes``, ``len``...)."""


class NotAllowedError(LookupError):
    """A name that is not in :data:`ALLOWED`; the message offers a close one and lists them all."""

    def __init__(self, name: str) -> None:
        self.name = name
        close = difflib.get_close_matches(name, ALLOWED, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        super().__init__(
            f"{name!r} is not an allowed callable{hint} (allowed: {', '.join(ALLOWED)}; "
            "anything else is Python code: use $code, which needs trust)"
        )

    def __str__(self) -> str:
        return str(self.args[0])


def is_allowed(name: object) -> bool:
    """True if ``name`` is one of :data:`ALLOWED`."""
    return isinstance(name, str) and name in _ALLOWED_SET


def resolve(name: str) -> Callable[..., Any]:
    """The function called ``name``.

    Raises:
        NotAllowedError: ``name`` is not in :data:`ALLOWED`.
    """
    if not is_allowed(name):
        raise NotAllowedError(name)
    func: Callable[..., Any]
    if name in _CORE_FUNCTIONS:
        module, _, attr = name.rpartition(".")
        func = getattr(importlib.import_module(module), attr)
    else:
        owner, _, method = name.partition(".")
        func = getattr(builtins, owner)
        if method:
            func = getattr(func, method)
    return func


def import_of(name: str) -> tuple[str, str] | None:
    """``(module, function)`` that a program imports to call ``name``; None for a builtin.

    Raises:
        NotAllowedError: ``name`` is not in :data:`ALLOWED`.
    """
    if not is_allowed(name):
        raise NotAllowedError(name)
    if name in _CORE_FUNCTIONS:
        module, _, attr = name.rpartition(".")
        return module, attr
    return None


_ALLOWED_SET = frozenset(ALLOWED)
