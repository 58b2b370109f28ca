"""kamaelia_core.testing's run_until_idle over the Axon stand-in scheduler."""

from kamaelia_core.scheduler import Scheduler


def run_until_idle(*components, scheduler=None, **kwargs):
    """Activate ``components`` that are not yet active and run until idle."""
    sched = scheduler or Scheduler()
    for comp in components:
        if getattr(comp, "_microprocess__thread", None) is None:
            sched.activate(comp)
    sched.run_until_idle()
    return sched


class ManualClock:
    """Placeholder (timers are a kamaelia_core addition)."""

    def __init__(self, start=0.0):
        self.now = start
