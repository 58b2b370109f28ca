"""Messages components send each other to coordinate: lifecycle, services and sockets.

Each message is a small immutable object with a readable repr. Names follow Axon.Ipc and
Kamaelia.IPC so programs written for Kamaelia read the same.
"""

from __future__ import annotations

from typing import Any

_init = object.__setattr__
"""Sets a field of a message being built (messages refuse ``setattr`` once made)."""


class ipc:
    """Base class of every coordination message.

    Subclasses declare their fields as ``__slots__`` and set them in ``__init__`` with
    ``_init(self, name, value)`` (or the generic, slower ``self._set(name=value, ...)``).

    A subclass that declares no ``__slots__`` (a message class written the Axon way, setting
    ``self.field = value`` in ``__init__``) is an ordinary object instead: its attributes can be
    set, and it compares and hashes by identity, as every Axon message does.
    """

    __slots__ = ()
    _field_names: tuple[str, ...] = ()
    """Every slot of the class and its bases, most derived first (computed once per class)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._field_names = tuple(
            slot for klass in cls.__mro__ for slot in klass.__dict__.get("__slots__", ())
        )
        if "__slots__" not in cls.__dict__:
            # an open message class (written the Axon way): a plain object, mutable, compared
            # and hashed by identity; a class-level method swap mypy cannot type
            cls.__setattr__ = object.__setattr__  # type: ignore[method-assign,assignment]
            cls.__eq__ = object.__eq__  # type: ignore[method-assign]
            cls.__hash__ = object.__hash__  # type: ignore[method-assign]

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} messages are immutable")

    def _set(self, **fields: Any) -> None:
        for key, value in fields.items():
            _init(self, key, value)

    def _fields(self) -> dict[str, Any]:
        fields = {slot: getattr(self, slot, None) for slot in self._field_names}
        extra = getattr(self, "__dict__", None)  # an open (slot-less) subclass's own attributes
        if extra:
            fields.update(extra)
        return fields

    def __repr__(self) -> str:
        parts = ", ".join(f"{k}={_short(v)}" for k, v in self._fields().items() if v is not None)
        return f"{type(self).__name__}({parts})"

    def _values(self) -> tuple[Any, ...]:
        return tuple([getattr(self, slot) for slot in self._field_names])

    def __eq__(self, other: object) -> bool:
        # Field by field, as tuples compare: identity first, then ``==``. Components and sockets
        # define no ``==`` of their own, so a message carrying one matches only the same object.
        if type(self) is not type(other):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        # Equal messages must hash alike (a set keeps one producerFinished, not two): hash the
        # values, not their ids. Computed on demand, so making a message costs nothing more.
        return hash((type(self), *map(_hash_value, self._values())))


def _hash_value(value: Any) -> int:
    """The hash of one field, consistent with how ``==`` compares it.

    Values of the plain immutable types and other messages hash by value; tuples (such as
    ``((csa, "ReadReady"), sock)``) field by field; objects that compare by identity
    (components, sockets, exceptions) by identity. Anything else (a list or dict payload, a set,
    which equals a frozenset) contributes a constant: such a message still hashes consistently
    with ``==``, only less selectively.
    """
    kind = type(value)
    if kind in _BY_VALUE or isinstance(value, ipc):
        return hash(value)
    if kind is tuple:
        return hash(tuple(map(_hash_value, value)))
    if kind.__eq__ is object.__eq__ and kind.__hash__ is object.__hash__:
        return hash(value)
    return 0


_BY_VALUE = frozenset({str, bytes, int, float, bool, complex, type(None)})


def _short(value: Any) -> str:
    name = getattr(value, "name", None)
    if isinstance(name, str) and hasattr(value, "cid"):
        return name
    if isinstance(value, tuple):
        return "(" + ", ".join(_short(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class _FromCaller(ipc):
    """A message from ``caller``, with an optional ``message`` (producerFinished, shutdown)."""

    __slots__ = ("caller", "message")
    caller: Any
    message: Any

    def __init__(self, caller: Any = None, message: Any = None) -> None:
        _init(self, "caller", caller)
        _init(self, "message", message)


class producerFinished(_FromCaller):
    """The sender has finished producing: finish what you have and pass it on."""

    __slots__ = ()


class shutdownMicroprocess(ipc):
    """Stop now. Carries the components asked to stop (may be empty: the receiver)."""

    __slots__ = ("targets",)
    targets: tuple[Any, ...]

    def __init__(self, *microprocesses: Any) -> None:
        _init(self, "targets", tuple(microprocesses))

    def microprocesses(self) -> tuple[Any, ...]:
        """The components this message asks to stop."""
        return self.targets


class shutdown(_FromCaller):
    """Ask a service (such as the Selector) to shut down."""

    __slots__ = ()


class newComponent(ipc):
    """Ask the scheduler to activate these components."""

    __slots__ = ("children",)
    children: tuple[Any, ...]

    def __init__(self, *components: Any) -> None:
        _init(self, "children", tuple(components))

    def components(self) -> tuple[Any, ...]:
        """The components to activate."""
        return self.children


class notify(ipc):
    """A message about ``object`` from ``caller``."""

    __slots__ = ("caller", "object")
    caller: Any
    object: Any

    def __init__(self, caller: Any, payload: Any) -> None:
        _init(self, "caller", caller)
        _init(self, "object", payload)


class status(ipc):
    """A status report."""

    __slots__ = ("value",)
    value: Any

    def __init__(self, status: Any) -> None:
        _init(self, "value", status)

    def status(self) -> Any:
        """The reported status."""
        return self.value


class wouldblock(ipc):
    """The caller would block."""

    __slots__ = ("caller",)
    caller: Any

    def __init__(self, caller: Any) -> None:
        _init(self, "caller", caller)


class errorInformation(ipc):
    """Something went wrong in ``caller``."""

    __slots__ = ("caller", "exception", "message")
    caller: Any
    exception: BaseException | None
    message: Any

    def __init__(self, caller: Any, exception: BaseException | None = None, message: Any = None):
        _init(self, "caller", caller)
        _init(self, "exception", exception)
        _init(self, "message", message)


# --- network messages (Kamaelia.IPC) -------------------------------------------------------


class socketShutdown(producerFinished):
    """A connected socket has closed; ``message`` says how (``(sock, reason)``)."""

    __slots__ = ()


class serverShutdown(shutdownMicroprocess):
    """Ask a server to stop listening and end."""

    __slots__ = ()


def _csa_of(message: notify) -> Any:
    """What a ``newCSA``/``shutdownCSA`` is about: its ``object``, or the CSA of ``(CSA, sock)``."""
    payload = message.object
    return payload[0] if isinstance(payload, tuple) else payload


class newCSA(notify):
    """A new ConnectedSocketAdapter exists. ``object`` is the CSA, or ``(CSA, sock)``."""

    __slots__ = ("sock",)
    sock: Any

    def __init__(self, caller: Any, payload: Any, sock: Any = None) -> None:
        _init(self, "caller", caller)
        _init(self, "object", payload)
        if sock is None and isinstance(payload, tuple) and len(payload) == 2:
            sock = payload[1]
        _init(self, "sock", sock)

    csa = property(_csa_of, doc="The ConnectedSocketAdapter this message is about.")


class shutdownCSA(notify):
    """A ConnectedSocketAdapter has closed. ``object`` is the CSA, or ``(CSA, sock)``."""

    __slots__ = ()

    csa = property(_csa_of, doc="The ConnectedSocketAdapter this message is about.")


class newServer(notify):
    """A new server exists."""

    __slots__ = ()


class newReader(notify):
    """Selector request: ``object`` = ``((component, inbox), socket)``; notify when readable."""

    __slots__ = ()


class newWriter(notify):
    """Selector request: ``object`` = ``((component, inbox), socket)``; notify when writable."""

    __slots__ = ()


class newExceptional(notify):
    """Selector request: ``object`` = ``((component, inbox), socket)``; notify on error."""

    __slots__ = ()


class removeReader(notify):
    """Selector request: ``object`` = the socket; stop watching it for reading."""

    __slots__ = ()


class removeWriter(notify):
    """Selector request: ``object`` = the socket; stop watching it for writing."""

    __slots__ = ()


class removeExceptional(notify):
    """Selector request: ``object`` = the socket; stop watching it for errors."""

    __slots__ = ()


__all__ = [
    "errorInformation",
    "ipc",
    "newCSA",
    "newComponent",
    "newExceptional",
    "newReader",
    "newServer",
    "newWriter",
    "notify",
    "producerFinished",
    "removeExceptional",
    "removeReader",
    "removeWriter",
    "serverShutdown",
    "shutdown",
    "shutdownCSA",
    "shutdownMicroprocess",
    "socketShutdown",
    "status",
    "wouldblock",
]
