"""Axon.ThreadedComponent on kamaelia_core: components whose ``main()`` runs in a real thread.

kamaelia_core's threaded components under Axon's names and with the Axon component's face:
``main()`` is an ordinary method that may block; ``send``/``recv``/``dataReady`` and
``pause(timeout)`` work on bounded thread-safe queues (``queuelengths`` each); an exception in
the thread is a crash of the component.
"""

from __future__ import annotations

from typing import Any

from kamaelia_core.compat.axon.adaptive import AdaptiveCommsComponent
from kamaelia_core.compat.axon.box import postbox
from kamaelia_core.compat.axon.boxwords import box_keywords
from kamaelia_core.compat.axon.component import component
from kamaelia_core.threaded import (
    DEFAULT_QUEUE_SIZE,
    ThreadedAdaptiveComponent,
    ThreadedComponent,
)

DefaultQueueSize = DEFAULT_QUEUE_SIZE
"""Default length of each box's thread-side queue."""


class UnHandledException(Exception):
    """Axon wrapped a thread's exception in this; here the thread's own exception is the crash."""


class threadedcomponent(ThreadedComponent, component):
    """Axon's threadedcomponent.

    Args:
        queuelengths: Capacity of each box's thread-side queue.
        **argd: Become attributes.
    """

    def __init__(self, queuelengths: int = DefaultQueueSize, **argd: Any) -> None:
        super().__init__(queuelengths, **argd)

    # the thread-side queues, with Axon's ``boxname=`` keyword (see boxwords)
    send, recv, dataReady = box_keywords(ThreadedComponent)


class threadedadaptivecommscomponent(
    ThreadedAdaptiveComponent, threadedcomponent, AdaptiveCommsComponent
):
    """Axon's threadedadaptivecommscomponent: threaded, and adds/deletes boxes from its thread.

    Args:
        queuelengths: Capacity of each box's thread-side queue.
        **argd: Become attributes.
    """

    def __init__(self, queuelengths: int = DefaultQueueSize, **argd: Any) -> None:
        super().__init__(queuelengths, **argd)

    # ThreadedAdaptiveComponent adds boxes through these (in the scheduler's thread), past
    # AdaptiveCommsComponent.addInbox/addOutbox: the boxes get Axon's list-like face here
    def _add_inbox_now(self, name: str) -> str:
        actual = super()._add_inbox_now(name)
        self.inboxes[actual].__class__ = postbox
        return actual

    def _add_outbox_now(self, name: str) -> str:
        actual = super()._add_outbox_now(name)
        self.outboxes[actual].__class__ = postbox
        return actual


__all__ = [
    "DefaultQueueSize",
    "UnHandledException",
    "threadedadaptivecommscomponent",
    "threadedcomponent",
]
