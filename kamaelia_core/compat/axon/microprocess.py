"""Axon.Microprocess on kamaelia_core: Axon's microprocess, a boxless kamaelia_core component.

A ``microprocess`` runs its ``main()`` generator (or the generator given as ``thread``) on a
kamaelia_core scheduler; it has Axon's ``id``, ``name``, ``init``, ``next()``, ``activate(
Scheduler=None, Tracker=None, mainmethod="main")``, ``run()`` and ``_closeDownMicroprocess``.
Activated without a scheduler it goes to the scheduler running in this thread, else to Axon's
process-wide ``scheduler.run``. ``unpause()`` may be called from any thread.

A finished generator simply ends the microprocess (PEP 479: no RuntimeError), however it ends.
"""

from __future__ import annotations

import threading
from collections.abc import Generator
from typing import Any, ClassVar

from kamaelia_core.compat.axon.scheduler import scheduler
from kamaelia_core.component import Component
from kamaelia_core.ipc import ipc
from kamaelia_core.scheduler import Scheduler


def _runs_elsewhere(sched: Any) -> bool:
    """Whether ``sched`` is an Axon scheduler being run by another thread than the caller's."""
    runner = getattr(sched, "_runner", None)
    return runner is not None and runner != threading.get_ident()


class microprocess(Component):
    """A thread of control, run by a scheduler one slice (one ``yield``) at a time.

    Args:
        thread: A generator to run instead of ``main()``.
        closeDownValue: What ``_closeDownMicroprocess`` hands the scheduler at the end (a
            ``shutdownMicroprocess``, ``newComponent`` or ``reactivate`` is acted on).
        tag: Appended to the name.
        **argd: Become attributes, as for every component.
    """

    Inboxes: ClassVar[dict[str, str]] = {}
    Outboxes: ClassVar[dict[str, str]] = {}
    schedulerClass: ClassVar[type] = scheduler
    """Where ``activate()`` without a scheduler goes: ``schedulerClass.run``."""
    trackerClass: ClassVar[type | None] = None
    # Axon's attributes, set per instance by _setup and activate (in the instance dict)
    init: int
    closeDownValue: Any
    _axon_thread: Any
    """The generator given as ``thread``, run instead of ``main()``."""
    _axon_main: str
    _axon_tracker: Any
    _axon_manual: Any

    def __init__(
        self, thread: Any = None, closeDownValue: Any = 0, tag: str = "", **argd: Any
    ) -> None:
        Component.__init__(self, **argd)
        _setup(self, thread, closeDownValue, tag)

    @classmethod
    def setSchedulerClass(cls, newSchedulerClass: type) -> None:
        """Send ``activate()`` without a scheduler to ``newSchedulerClass.run``."""
        cls.schedulerClass = newSchedulerClass

    @classmethod
    def setTrackerClass(cls, newTrackerClass: type) -> None:
        """Kept for Axon programs (the tracker is the scheduler's)."""
        cls.trackerClass = newTrackerClass

    @property
    def id(self) -> int:
        """Axon's numeric id (kamaelia_core's ``cid``)."""
        return self.cid

    @property
    def tracker(self) -> Any:
        """The tracker given to ``activate(Tracker=...)``, else the scheduler's."""
        own = getattr(self, "_axon_tracker", None)  # not via __dict__ (see Component)
        return own if own is not None else super().tracker

    def __str__(self) -> str:
        return f"{self.name} :{self.cid} :{self.init} :{int(self._isStopped())} :"

    def _microprocess(self) -> Generator[Any, None, Any]:
        thread = getattr(self, "_axon_thread", None)
        if thread is not None:
            return thread
        return getattr(self, getattr(self, "_axon_main", "main"))()

    # Axon's capitalised keywords (Scheduler=, Tracker=) beside the core's (scheduler=,
    # tracker=): every call the core's signature allows works, but no static type says so
    def activate(  # type: ignore[override]
        self,
        Scheduler: Any = None,
        Tracker: Any = None,
        mainmethod: str = "main",
        *,
        scheduler: Any = None,
        tracker: Any = None,
    ) -> microprocess:
        """Start running on ``Scheduler`` (default: the running one, else ``scheduler.run``).

        Returns:
            This microprocess.
        """
        sched = Scheduler if Scheduler is not None else scheduler
        if mainmethod != "main":
            self._axon_main = mainmethod
        if Tracker is not None or tracker is not None:
            self._axon_tracker = Tracker if Tracker is not None else tracker
        if sched is None:
            sched = _core_current() or self._default_scheduler()
        sched.activate(self)
        return self

    def _default_scheduler(self) -> Any:
        """``schedulerClass.run``: where Axon sends a microprocess activated with no scheduler."""
        # ``run`` is the class attribute a scheduler class has through its metaclass (and also
        # the name of its instances' method): no static type describes it
        return type(self).schedulerClass.run  # type: ignore[attr-defined]

    def run(self) -> None:
        """Activate, then run the scheduler until the system has finished (Axon's ``run``)."""
        self.activate()
        sched = self._sched or self._default_scheduler()
        runner = getattr(sched, "runThreads", None)
        if runner is not None:
            runner()
        else:
            sched.run()

    def next(self) -> Any:
        """Run one slice of this microprocess by hand (outside any scheduler).

        Raises:
            StopIteration: Its generator has finished.
        """
        gen = getattr(self, "_axon_manual", None)
        if gen is None:
            gen = self._axon_manual = self._microprocess()
        return next(gen)

    def __next__(self) -> Any:
        return self.next()

    def unpause(self) -> None:
        """Wake this microprocess; safe from any thread."""
        sched = self._sched
        if sched is not None and _runs_elsewhere(sched):
            sched.wake_threadsafe(self)
        else:
            Component.unpause(self)

    def _unpause(self) -> None:
        """Axon's deprecated spelling of ``unpause``."""
        self.unpause()

    def _closeDownMicroprocess(self) -> Any:
        """Wake whoever waits for this one, drop its links, hand over ``closeDownValue``."""
        Component._closeDownMicroprocess(self)
        value = self.closeDownValue
        from kamaelia_core.compat.axon.ipc import reactivate

        if isinstance(value, reactivate):
            original = value.original
            sched = self._sched
            if sched is not None and original._sched is None:
                sched.activate(original)
            else:
                original.unpause()
            return None
        return value if isinstance(value, ipc) else None


def _core_current() -> Any:
    return Scheduler.current()


def _setup(comp: microprocess, thread: Any, closeDownValue: Any, tag: str) -> None:
    """The Axon attributes every microprocess (and component) has."""
    comp.init = 1
    comp.closeDownValue = closeDownValue
    if thread is not None:
        comp._axon_thread = thread
    if tag:
        comp.name = f"{comp.name}{tag}"


__all__ = ["microprocess"]
