"""Parameter values: how a graph's JSON parameters become Python arguments, source text or errors.

Sits between the document (JSON only) and its two consumers, the runtime builder and the code
exporter. Plain JSON values pass through unchanged. Tagged objects carry what JSON cannot:

- ``{"$bytes": "GET / HTTP/1.0\\r\\n"}``: a ``bytes`` value (the text encoded as UTF-8).
- ``{"$callable": "bytes.upper"}``: a function named from a fixed allow-list
  (:data:`workbench.model.callables.ALLOWED`: builtins such as ``len``, the common ``str`` and
  ``bytes`` methods, the helpers of ``kamaelia_core.util.text``), for the common transforms. It
  is looked up, never evaluated, so it needs no trust; a name off the list is an error that
  lists the allowed ones.
- ``{"$code": "lambda line: line.upper()"}``: a Python expression, for any other callable such
  as a PureTransformer's function. Evaluating it runs code, so :func:`decode` refuses it unless
  the caller passes ``allow_code=True`` after the user has chosen to trust the graph.
- ``{"$port_of": "echo_server"}``: the port the named server node really listens on (a server
  given port 0 binds any free port). :func:`decode` gives a :class:`PortRef` marker that the
  runtime builder replaces by the built server's ``.port``; the exporter writes
  ``echo_server.port``. It names a node, runs no code and needs no trust.

Any other dict whose only key starts with "$" is reserved and rejected.
"""

from __future__ import annotations

import ast
import builtins
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from workbench.model import callables

BYTES_TAG = "$bytes"
CALLABLE_TAG = "$callable"
CODE_TAG = "$code"
PORT_OF_TAG = "$port_of"
TAGS = (BYTES_TAG, CALLABLE_TAG, CODE_TAG, PORT_OF_TAG)


class ParamValueError(ValueError):
    """Base for parameter value errors."""


class BadValueError(ParamValueError):
    """A parameter value is not valid JSON or uses a tag wrongly."""


class UntrustedCodeError(ParamValueError):
    """A ``$code`` value was found while code is not allowed."""


@dataclass(frozen=True)
class PortRef:
    """What a decoded ``$port_of`` value stands for until the named server is built.

    Attributes:
        name: The name of the server node whose listening port is meant.
    """

    name: str

    def __repr__(self) -> str:
        return f"PortRef({self.name!r})"


def tag_of(value: Any) -> str | None:
    """The tag of a tagged value ("$bytes", "$callable", "$code", "$port_of" or another "$..."),
    else None."""
    if isinstance(value, dict) and len(value) == 1:
        (key,) = value
        if isinstance(key, str) and key.startswith("$"):
            return key
    return None


def code(expression: str) -> dict[str, str]:
    """A tagged code value (for building graphs in code and tests)."""
    return {CODE_TAG: expression}


def named_callable(name: str) -> dict[str, str]:
    """A tagged reference to the allow-listed function ``name`` (see :mod:`callables`)."""
    return {CALLABLE_TAG: name}


def bytes_value(data: bytes | str) -> dict[str, str]:
    """A tagged bytes value; ``data`` must be UTF-8 text or bytes that decode as UTF-8."""
    return {BYTES_TAG: data.decode("utf-8") if isinstance(data, bytes) else data}


def port_of(name: str) -> dict[str, str]:
    """A tagged reference to the port the server node called ``name`` listens on."""
    return {PORT_OF_TAG: name}


def port_refs(value: Any) -> list[str]:
    """The server names that ``$port_of`` values anywhere in ``value`` refer to, in order.

    Malformed references (no name) are left out: :func:`check` reports them.
    """
    if tag_of(value) == PORT_OF_TAG:
        name = value[PORT_OF_TAG]
        return [name] if isinstance(name, str) and name.strip() else []
    if isinstance(value, dict):
        return [name for item in value.values() for name in port_refs(item)]
    if isinstance(value, list):
        return [name for item in value for name in port_refs(item)]
    return []


def replace_port_refs(value: Any, port: Callable[[str], int]) -> Any:
    """A decoded value with every :class:`PortRef` in it replaced by ``port(ref.name)``."""
    if isinstance(value, PortRef):
        return port(value.name)
    if isinstance(value, dict):
        return {k: replace_port_refs(v, port) for k, v in value.items()}
    if isinstance(value, list):
        return [replace_port_refs(v, port) for v in value]
    return value


def contains_code(value: Any) -> bool:
    """True if ``value`` holds a ``$code`` value anywhere."""
    if tag_of(value) == CODE_TAG:
        return True
    if isinstance(value, dict):
        return any(contains_code(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_code(v) for v in value)
    return False


def check(value: Any, where: str = "value") -> None:
    """Check that ``value`` is JSON and that its tags are well formed.

    Raises:
        BadValueError: naming the offending part (``where`` is its path).
    """
    tag = tag_of(value)
    if tag is not None:
        inner = value[tag]
        if tag not in TAGS:
            raise BadValueError(
                f"{where}: unknown tag {tag!r} (use $bytes, $callable, $code or $port_of)"
            )
        if not isinstance(inner, str):
            raise BadValueError(f"{where}: {tag} needs a string, got {type(inner).__name__}")
        if tag == PORT_OF_TAG and not inner.strip():
            raise BadValueError(f"{where}: $port_of needs the name of a server node")
        if tag == CALLABLE_TAG and not callables.is_allowed(inner):
            raise BadValueError(f"{where}: {callables.NotAllowedError(inner)}")
        if tag == CODE_TAG:
            try:
                ast.parse(inner, mode="eval")
            except SyntaxError as exc:
                raise BadValueError(
                    f"{where}: $code is not a Python expression: {exc.msg}"
                ) from None
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise BadValueError(f"{where}: key {key!r} is not a string")
            check(item, f"{where}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            check(item, f"{where}[{i}]")
    elif isinstance(value, float) and not math.isfinite(value):
        raise BadValueError(f"{where}: {value!r} is not a JSON number")
    elif value is not None and not isinstance(value, (bool, int, float, str)):
        raise BadValueError(f"{where}: {type(value).__name__} is not a JSON value")


def decode(value: Any, *, allow_code: bool = False, where: str = "value") -> Any:
    """The Python value a JSON parameter stands for.

    Args:
        value: The parameter as stored in the graph.
        allow_code: Evaluate ``$code`` expressions (only for graphs the user trusts).
        where: Name used in error messages.

    Raises:
        BadValueError: malformed value, or a ``$callable`` name off the allow-list.
        UntrustedCodeError: a ``$code`` value while ``allow_code`` is False.
    """
    check(value, where)
    return _decode(value, allow_code, where)


def _decode(value: Any, allow_code: bool, where: str) -> Any:
    tag = tag_of(value)
    if tag == BYTES_TAG:
        return value[tag].encode("utf-8")
    if tag == PORT_OF_TAG:
        return PortRef(value[tag])
    if tag == CALLABLE_TAG:
        return callables.resolve(value[tag])
    if tag == CODE_TAG:
        if not allow_code:
            raise UntrustedCodeError(
                f"{where}: contains Python code ({value[tag]!r}); run it only if you trust "
                "this graph"
            )
        namespace = {"__builtins__": builtins}
        return eval(compile(value[tag], f"<{where}>", "eval"), namespace)
    if isinstance(value, dict):
        return {k: _decode(v, allow_code, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v, allow_code, f"{where}[{i}]") for i, v in enumerate(value)]
    return value


def to_source(value: Any, ports: Mapping[str, str] | None = None) -> str:
    """Python source text for a parameter value (code values are inlined as written, named
    callables by their name: a ``kamaelia_core`` helper's name assumes the program imports it).

    Args:
        value: The parameter as stored in the graph.
        ports: Server node name -> the program variable holding that server; a ``$port_of``
            value becomes ``<variable>.port``.

    Raises:
        BadValueError: malformed value, or a ``$port_of`` server missing from ``ports``.
    """
    check(value)
    return _source(value, ports or {})


def port_source(name: str, ports: Mapping[str, str]) -> str:
    """``<variable>.port`` for the server node called ``name``.

    Raises:
        BadValueError: ``ports`` has no variable for that server.
    """
    if name not in ports:
        raise BadValueError(f"$port_of {name!r}: no program variable holds that server")
    return f"{ports[name]}.port"


def _source(value: Any, ports: Mapping[str, str]) -> str:
    tag = tag_of(value)
    if tag == BYTES_TAG:
        return repr(value[tag].encode("utf-8"))
    if tag == CODE_TAG:
        return value[tag].strip()
    if tag == CALLABLE_TAG:
        found = callables.import_of(value[tag])
        return value[tag] if found is None else found[1]
    if tag == PORT_OF_TAG:
        return port_source(value[tag], ports)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_source(v, ports)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_source(v, ports) for v in value) + "]"
    return repr(value)


def json_type(value: Any) -> str:
    """The JSON-level type of a value: null, bool, int, float, str, list, dict, bytes, callable,
    code, port.

    "callable" is a ``$callable`` value; "port" is a ``$port_of`` value: an int once the server
    it names is built.
    """
    tag = tag_of(value)
    if tag == BYTES_TAG:
        return "bytes"
    if tag == CALLABLE_TAG:
        return "callable"
    if tag == CODE_TAG:
        return "code"
    if tag == PORT_OF_TAG:
        return "port"
    for kind, name in ((bool, "bool"), (int, "int"), (float, "float"), (str, "str")):
        if isinstance(value, kind):
            return name
    if value is None:
        return "null"
    return "list" if isinstance(value, list) else "dict"
