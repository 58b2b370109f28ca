"""kamaelia_core's scheduler calls the tests use, over a fresh Axon scheduler per test."""

import time

from Axon.Ipc import WaitComplete as _AxonWaitComplete
from Axon.Scheduler import _ACTIVE
from Axon.Scheduler import scheduler as AxonScheduler  # noqa: N812


def WaitComplete(generator):
    """Axon's WaitComplete."""
    return _AxonWaitComplete(generator)


class Scheduler:
    """Makes a new Axon scheduler (the Axon singleton) and runs it until nothing is runnable."""

    def __init__(self, clock=time.monotonic):
        AxonScheduler.run = None
        self.axon = AxonScheduler()
        self._gen = None

    def __getattr__(self, name):
        return getattr(self.axon, name)

    def activate(self, comp):
        """Activate ``comp`` on this scheduler."""
        comp.activate(self)

    def _idle(self):
        s = self.axon
        if not s.pauseRequests.empty() or not s.wakeRequests.empty():
            return False
        return all(state != _ACTIVE for state in s.threads.values())

    def _advance(self):
        try:
            next(self._gen)
        except StopIteration:
            self._gen = None

    def run_until_idle(self, max_slices=100_000):
        """Drive Axon's scheduler until every microprocess sleeps or has ended."""
        for _ in range(max_slices):
            if self._gen is None:
                if not self.axon.threads and self.axon.wakeRequests.empty():
                    return
                self._gen = self.axon.main()
            self._advance()
            if self._gen is not None and self._idle():
                for _ in range(len(self.axon.threads) + 3):  # finish the cycle
                    if self._gen is None:
                        break
                    self._advance()
                if self._idle():
                    return
        raise RuntimeError("Axon scheduler still busy")

    def close(self):
        """Forget the Axon singleton."""
        AxonScheduler.run = None


def run_components(components):
    """Activate and run until idle."""
    sched = Scheduler()
    for comp in components:
        sched.activate(comp)
    sched.run_until_idle()
    return sched
