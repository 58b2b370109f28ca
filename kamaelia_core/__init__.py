"""kamaelia_core: a fast re-implementation of Kamaelia's Axon component model.

Components with named inboxes and outboxes, a scheduler that sleeps when idle, the Coordinating
Assistant Tracker, Pipeline and Graphline, threaded components, an instrumentation tap, and the
TCP stack (``kamaelia_core.net``).
"""

import os as _os

from kamaelia_core import ipc
from kamaelia_core.adaptive import AdaptiveCommsComponent, AdaptiveComponent
from kamaelia_core.cat import CoordinatingAssistantTracker
from kamaelia_core.component import Component, component
from kamaelia_core.errors import (
    AxonException,
    BoxAlreadyLinkedToDestination,
    noSpaceInBox,
)
from kamaelia_core.instrument import Event, Tap
from kamaelia_core.ipc import (
    newComponent,
    producerFinished,
    shutdown,
    shutdownMicroprocess,
)
from kamaelia_core.linkage import Linkage
from kamaelia_core.scheduler import Scheduler, WaitComplete, run_components
from kamaelia_core.threaded import (
    ThreadedAdaptiveComponent,
    ThreadedComponent,
    threadedadaptivecommscomponent,
    threadedcomponent,
)

__all__ = [
    "AdaptiveCommsComponent",
    "AdaptiveComponent",
    "AxonException",
    "BoxAlreadyLinkedToDestination",
    "Component",
    "CoordinatingAssistantTracker",
    "Event",
    "Linkage",
    "Scheduler",
    "Tap",
    "ThreadedAdaptiveComponent",
    "ThreadedComponent",
    "WaitComplete",
    "component",
    "ipc",
    "newComponent",
    "noSpaceInBox",
    "producerFinished",
    "run_components",
    "shutdown",
    "shutdownMicroprocess",
    "threadedadaptivecommscomponent",
    "threadedcomponent",
]

if _os.environ.get("KAMAELIA_MONITOR") or _os.environ.get("KAMAELIA_MONITOR_CONNECT"):
    # watch this program with no code change (docs/PROTOCOL.md); the variables are consumed
    from kamaelia_core.monitor import start_from_environment as _start_monitor

    _start_monitor()
