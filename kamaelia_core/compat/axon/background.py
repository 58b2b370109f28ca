"""Axon.background on kamaelia_core: run Axon's process-wide scheduler in a background thread.

``background().start()`` starts a daemon thread running ``scheduler.run.runThreads()`` (it waits
for a first component, then runs until the system has finished); the program's own thread goes
on and activates components, or talks to them through ``Axon.Handle``. Activations and wakes
from that thread reach the scheduler's thread through its reactor, so nothing is polled.
"""

from __future__ import annotations

import threading

from kamaelia_core.compat.axon.scheduler import (
    scheduler,
    scheduler_run,
    set_scheduler_run,
)


class background(threading.Thread):
    """A daemon thread running ``scheduler.run`` (only one at a time).

    Args:
        slowmo: Passed to ``runThreads``.
        zap: Start from a fresh process scheduler (and so an empty tracker).

    Raises:
        RuntimeError: Another background scheduler is running.
    """

    lock = threading.Lock()

    def __init__(self, slowmo: float = 0, zap: bool = False) -> None:
        if not background.lock.acquire(blocking=False):
            raise RuntimeError("only one background scheduler can run at a time")
        super().__init__(name="Axon background scheduler", daemon=True)
        self.slowmo = slowmo
        self.zap = zap

    def run(self) -> None:
        """Run the process scheduler until the system has finished."""
        try:
            if self.zap:
                old = scheduler_run()
                set_scheduler_run(None)
                scheduler()
                if old._runner is None:
                    old.close()
            sched = scheduler_run()
            sched.waitForOne()
            sched.runThreads(slowmo=self.slowmo)
        finally:
            background.lock.release()


__all__ = ["background"]
