"""Axon.Ipc on kamaelia_core: the lifecycle messages, plus Axon's WaitComplete and reactivate.

The message classes are kamaelia_core's own (so a message made by either side is recognised by
both); a class a program derives from them without ``__slots__`` is an ordinary mutable object
that compares by identity, as Axon's messages are.
"""

from __future__ import annotations

from typing import Any

from kamaelia_core import scheduler as _scheduler
from kamaelia_core.ipc import (
    _init,
    errorInformation,
    ipc,
    newComponent,
    notify,
    producerFinished,
    shutdown,
    shutdownMicroprocess,
    status,
    wouldblock,
)


class WaitComplete(_scheduler.WaitComplete):
    """Yield ``WaitComplete(generator)`` to run ``generator`` to its end, then carry on.

    Axon's signature: ``args[0]`` is the generator, other arguments and keywords (``tag``) are
    kept in ``args``/``argd``. The generator ending, however it ends, resumes the caller.

    Raises:
        TypeError: No generator, or a generator function instead of a generator.
    """

    __slots__ = ("argd", "args")
    argd: dict[str, Any]
    args: tuple[Any, ...]

    def __init__(self, *args: Any, **argd: Any) -> None:
        if not args:
            raise TypeError("WaitComplete needs a generator: WaitComplete(self.some_steps())")
        generator = args[0]
        if callable(generator) and not hasattr(generator, "__next__"):
            raise TypeError(
                f"WaitComplete needs a generator, not the function {generator!r}: call it "
                "(WaitComplete(self.some_steps()))"
            )
        _init(self, "generator", generator)
        _init(self, "args", args)
        _init(self, "argd", argd)


class reactivate(ipc):
    """Returned by a microprocess's ``_closeDownMicroprocess``: wake ``original`` again."""

    __slots__ = ("original",)
    original: Any

    def __init__(self, original: Any) -> None:
        _init(self, "original", original)


__all__ = [
    "WaitComplete",
    "errorInformation",
    "ipc",
    "newComponent",
    "notify",
    "producerFinished",
    "reactivate",
    "shutdown",
    "shutdownMicroprocess",
    "status",
    "wouldblock",
]
