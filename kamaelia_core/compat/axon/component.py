"""Axon.Component on kamaelia_core: Axon's ``component`` is a kamaelia_core component.

A class written for Axon (``class Hello(component)``, ``super().__init__()``, a generator
``main``, or the older ``initialiseComponent``/``mainBody``/``closeDownComponent`` trio) runs
unchanged: its boxes are kamaelia_core boxes with Axon's list-like face (``Axon.Box.postbox``),
``self.postoffice`` holds the links it made, ``self.id`` and ``childComponents()`` are there, and
it links freely with kamaelia_core's own components (Pipeline, the TCP stack...).

``TraceAllSends`` / ``TraceAllRecvs``: set either to True before making components and every send
(receive) of the components made afterwards is logged on the ``kamaelia_core.compat.trace``
logger at INFO, as ``SEND: <message id> <component> '<box>' : <message>`` (Axon printed these);
if logging is not configured, a handler writing to standard error is added for that logger. The
workbench's tap shows the same traffic without any flag.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any, ClassVar

from kamaelia_core.compat.axon.box import axonify, makeInbox, makeOutbox
from kamaelia_core.compat.axon.boxwords import box_keywords
from kamaelia_core.compat.axon.exceptions import noSpaceInBox
from kamaelia_core.compat.axon.ipc import (
    WaitComplete,
    errorInformation,
    ipc,
    newComponent,
    notify,
    producerFinished,
    reactivate,
    shutdown,
    shutdownMicroprocess,
    status,
    wouldblock,
)
from kamaelia_core.compat.axon.linkage import linkage
from kamaelia_core.compat.axon.microprocess import _setup, microprocess
from kamaelia_core.compat.axon.postoffice import ComponentPostoffice, postoffice
from kamaelia_core.compat.axon.scheduler import scheduler
from kamaelia_core.compat.axon.util import removeAll
from kamaelia_core.component import Component

TraceAllSends = False
"""Log every send of the components made while this is True (see the module docstring)."""
TraceAllRecvs = False
"""Log every receive of the components made while this is True."""

trace_log = logging.getLogger("kamaelia_core.compat.trace")


class component(microprocess):
    """Axon's component: a microprocess with inboxes and outboxes.

    Args:
        *args: Ignored, as Axon ignores them.
        **argd: Become attributes (Kamaelia's convention for per-instance defaults).
    """

    Inboxes: ClassVar[Any] = {
        "inbox": "Default inbox for bulk data",
        "control": "Secondary inbox, usually for shutdown signals",
    }
    Outboxes: ClassVar[Any] = {
        "outbox": "Default outbox for bulk data",
        "signal": "Default outbox for signals such as producerFinished",
    }
    Usescomponents: ClassVar[list[Any]] = []

    def __init__(self, *args: Any, **argd: Any) -> None:
        Component.__init__(self, **argd)
        _setup(self, None, 0, "")
        axonify(self)
        if TraceAllSends or TraceAllRecvs:
            _trace(self, TraceAllSends, TraceAllRecvs)

    __str__ = Component.__str__

    @property
    def postoffice(self) -> ComponentPostoffice:
        """The links this component made (Axon's per-component postoffice)."""
        return ComponentPostoffice(self)

    # Axon's ``boxname=`` keyword as well as kamaelia_core's (see boxwords); the signatures
    # differ from Component's by that keyword's name only
    send, recv, dataReady = box_keywords(Component)

    def _closeDownMicroprocess(self) -> Any:
        """Wake the parent, drop this component's links (Axon's component returns nothing)."""
        Component._closeDownMicroprocess(self)
        return None


def _trace(comp: component, sends: bool, recvs: bool) -> None:
    """Wrap this component's send/recv to log each message (Axon's TraceAllSends/Recvs)."""
    if not trace_log.hasHandlers():
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        trace_log.addHandler(handler)
    if trace_log.level == logging.NOTSET:
        trace_log.setLevel(logging.INFO)  # asked for by the flag, whatever the root's level
    short = comp.name
    # the wrappers take this instance's send/recv (not the class's: only components made
    # while a flag is set are traced), a per-instance method swap mypy cannot type
    if sends:
        send: Callable[..., None] = comp.send

        def traced_send(
            message: Any, boxname: str = "outbox", *, outbox: str | None = None
        ) -> None:
            box = boxname if outbox is None else outbox
            trace_log.info("SEND: %s %s '%s' : %s", id(message), short, box, message)
            send(message, box)

        comp.send = traced_send  # type: ignore[method-assign]
    if recvs:
        recv: Callable[..., Any] = comp.recv

        def traced_recv(boxname: str = "inbox", *, inbox: str | None = None) -> Any:
            box = boxname if inbox is None else inbox
            message = recv(box)
            trace_log.info("RECV: %s %s '%s' : %s", id(message), short, box, message)
            return message

        comp.recv = traced_recv  # type: ignore[method-assign]


__all__ = [
    "TraceAllRecvs",
    "TraceAllSends",
    "WaitComplete",
    "component",
    "errorInformation",
    "ipc",
    "linkage",
    "makeInbox",
    "makeOutbox",
    "microprocess",
    "newComponent",
    "noSpaceInBox",
    "notify",
    "postoffice",
    "producerFinished",
    "reactivate",
    "removeAll",
    "scheduler",
    "shutdown",
    "shutdownMicroprocess",
    "status",
    "wouldblock",
]
