"""Axon.CoordinatingAssistantTracker on kamaelia_core: ``getcat()`` is the running system's CAT.

Axon has one tracker for the whole process. Here each scheduler owns one; ``getcat()`` answers the
tracker of the scheduler running in this thread, else that of Axon's process-wide scheduler
(``Axon.Scheduler.scheduler.run``), which is where an Axon program's components run, so services
registered through either are found by both.
"""

from __future__ import annotations

from typing import Any

from kamaelia_core.cat import CoordinatingAssistantTracker
from kamaelia_core.scheduler import Scheduler


class _TrackerType(type):
    @property
    def basecat(cls) -> CoordinatingAssistantTracker:
        """The process's tracker (Axon's class attribute, read-only here)."""
        return coordinatingassistanttracker.getcat()


class coordinatingassistanttracker(CoordinatingAssistantTracker, metaclass=_TrackerType):
    """kamaelia_core's tracker with Axon's ``getcat()``.

    Args:
        parent: A parent tracker (services are kept in the root of the chain).
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)

    @classmethod
    def getcat(cls) -> CoordinatingAssistantTracker:
        """The tracker of the running scheduler, or of Axon's process-wide one."""
        running = Scheduler.current()
        if running is not None:
            return running.tracker
        from kamaelia_core.compat.axon.scheduler import scheduler_run

        return scheduler_run().tracker

    def main(self) -> Any:
        """Axon's tracker is a (never activated) microprocess; this keeps its generator."""
        while True:
            yield 1


__all__ = ["coordinatingassistanttracker"]
