"""Components: generator ``main()`` plus named inboxes and outboxes, run by a Scheduler.

A component receives with ``recv``/``dataReady`` on its inboxes and sends with ``send`` on its
outboxes; ``link`` decides where an outbox's messages land. It ``pause()``s when it has nothing to
do and any delivery wakes it. Names and behaviour follow Axon's ``component``.
"""

from __future__ import annotations

import itertools
from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from kamaelia_core.boxspec import BoxSpec, _names
from kamaelia_core.boxspec import box_descriptions as box_descriptions  # importable from here too
from kamaelia_core.errors import BadComponent
from kamaelia_core.ipc import producerFinished, shutdown, shutdownMicroprocess
from kamaelia_core.linkage import Box, Linkage
from kamaelia_core.ordered import OrderedRefs

if TYPE_CHECKING:
    from kamaelia_core.cat import CoordinatingAssistantTracker
    from kamaelia_core.scheduler import Scheduler
    from kamaelia_core.timers import TimerHandle

_ids = itertools.count(1)

ENDINGS = (producerFinished, shutdownMicroprocess, shutdown)
"""Messages on ``control`` that end a component (and that it passes on on ``signal``)."""
_ENDED = frozenset({"finished", "crashed"})


class Component:
    """A unit of concurrent work with named inboxes and outboxes.

    Subclasses override ``main()`` as a generator that yields after each slice of work, and
    declare their boxes as class-level dicts of ``{name: one-line description}``.

    Args:
        **argd: Every keyword becomes an attribute, so class-level defaults can be overridden per
            instance (Kamaelia's convention).
    """

    Inboxes: ClassVar[BoxSpec] = {
        "inbox": "Data to process",
        "control": "Shutdown and other control messages",
    }
    Outboxes: ClassVar[BoxSpec] = {
        "outbox": "Processed data",
        "signal": "Shutdown and other control messages (producerFinished...)",
    }
    Category: ClassVar[str | None] = None
    SpawnsChildren: ClassVar[bool] = False
    IsService: ClassVar[bool] = False
    Daemon: ClassVar[bool] = False
    """A daemon (a service) does not keep ``Scheduler.run()`` going on its own."""
    _transient: bool = False
    """Set (per instance) by a creator that makes many short-lived components, such as the net
    stack's per-connection adapters and handlers: once such a component has ended and no link
    touches its boxes any more, its boxes let go of it (see ``_release_boxes``), so it is freed
    at once by reference counting instead of waiting, as cyclic garbage, for the collector."""
    _connection_cid: int
    """Set (per instance, in the instance dict) on a per-connection protocol handler by the
    server that made it: the cid of its CSA, which the live view pairs it with (see
    ``events.describe``). Unset on every other component."""

    __slots__ = (
        "__dict__",
        "__weakref__",
        "_asleep",
        "_callOnCloseDown",
        "_gen",
        "_pause_req",
        "_sched",
        "_state",
        "_state_seen",
        "_stop_req",
        "children",
        "cid",
        "crash",
        "inboxes",
        "linkages",
        "name",
        "outboxes",
        "parent",
    )
    """The engine's own per-component state lives in slots (made per connection, read per
    slice); everything else, keyword overrides included, goes in the instance dict."""

    def __init__(self, *args: Any, **argd: Any) -> None:
        if args:
            raise TypeError(
                f"{type(self).__name__}() takes keyword arguments only in Component.__init__, "
                f"got {len(args)} positional"
            )
        cls = type(self)
        if argd:
            _set_overrides(self, cls, argd)
        cid = next(_ids)
        self.cid: int = cid
        self.name: str = f"{cls.__name__}#{cid}"
        # plain loops, not comprehensions: components are made per connection, this is hot
        inboxes: dict[str, Box] = {}
        for name in _names(cls, cls.Inboxes, 0):
            inboxes[name] = Box(self, name, True)
        outboxes: dict[str, Box] = {}
        for name in _names(cls, cls.Outboxes, 1):
            outboxes[name] = Box(self, name, False)
        self.inboxes = inboxes
        self.outboxes = outboxes
        self.children: OrderedRefs[Component] = OrderedRefs()
        self.parent: Component | None = None
        self.linkages: OrderedRefs[Linkage] = OrderedRefs()
        self._callOnCloseDown: list[Any] = []
        self._sched: Scheduler | None = None
        self._gen: Generator[Any, None, Any] | None = None
        self._asleep = False
        self._pause_req = False
        self._stop_req = False
        self._state_seen = False  # a tap holds its state back until it drains (limit_states)
        self._state = "created"
        self.crash: BaseException | None = None

    # -- identity and state ------------------------------------------------------------------

    def __repr__(self) -> str:
        return f"<{self.name} {self.state}>"

    def __str__(self) -> str:
        return (
            f"Component {self.name} [ inboxes : {sorted(self.inboxes)} "
            f"outboxes : {sorted(self.outboxes)} ]"
        )

    @property
    def state(self) -> str:
        """created, runnable, waiting, finished or crashed."""
        if self._state == "running":
            return "waiting" if self._asleep else "runnable"
        return self._state

    @property
    def scheduler(self) -> Scheduler | None:
        """The scheduler this component runs on (None before activation)."""
        return self._sched

    def _running_on(self) -> Scheduler:
        """The scheduler, for code that runs only once the component is activated (``main``).

        Raises:
            RuntimeError: The component has not been activated.
        """
        sched = self._sched
        if sched is None:
            raise RuntimeError(f"{self.name} is not activated on a scheduler")
        return sched

    @property
    def tracker(self) -> CoordinatingAssistantTracker:
        """The Coordinating Assistant Tracker of this component's scheduler."""
        from kamaelia_core.scheduler import Scheduler

        return (self._sched or Scheduler.current_or_default()).tracker

    # -- messages ----------------------------------------------------------------------------

    def send(self, message: Any, outbox: str = "outbox") -> None:
        """Send ``message`` on ``outbox``; it lands directly in the linked destination inbox.

        Raises:
            noSpaceInBox: The destination is size-limited and full.
            KeyError: No such outbox.
        """
        try:
            box = self.outboxes[outbox]
            box.target.put(message, box.route)
        except AttributeError:
            box = self.outboxes[outbox]
            if box.target is not None:
                raise
            box.put(message, (box, box))  # a released box (see _release_boxes): discarded

    def recv(self, inbox: str = "inbox") -> Any:
        """Take the oldest message waiting in ``inbox``.

        Raises:
            IndexError: The inbox is empty.
        """
        try:
            return self.inboxes[inbox].pop()
        except IndexError:
            raise IndexError(f"{self.name}.{inbox} is empty") from None

    def dataReady(self, inbox: str = "inbox") -> int:
        """How many messages wait in ``inbox``."""
        return len(self.inboxes[inbox].storage)

    def anyReady(self) -> str | bool:
        """The name of the first inbox holding data, or False."""
        for name, box in self.inboxes.items():
            if box.storage:
                return name
        return False

    def Inbox(self, inbox: str = "inbox") -> Iterator[Any]:
        """Yield, and remove, every message waiting in ``inbox``."""
        box = self.inboxes[inbox]
        while box.storage:
            yield box.pop()

    def pass_on_ending(self, inbox: str = "control", outbox: str = "signal") -> bool:
        """Drain ``inbox``; on the first ending message (producerFinished, shutdownMicroprocess,
        shutdown) send it on ``outbox`` and return True: the caller then returns from ``main``.
        Other control messages are dropped. The usual last step of a Kamaelia slice."""
        box = self.inboxes[inbox]
        while box.storage:
            message = box.pop()
            if isinstance(message, ENDINGS):
                self.send(message, outbox)
                return True
        return False

    def _deliver(self, message: Any, inbox: str = "inbox") -> None:
        """Put ``message`` into ``inbox`` as if linked to it (for tests and hosts)."""
        box = self.inboxes[inbox]
        (box.target or box).put(message, box.route or (box, box))

    def setInboxSize(self, inbox: str, size: int | None) -> None:
        """Limit ``inbox`` to ``size`` messages (None: no limit)."""
        self.inboxes[inbox].size = size

    # -- links and children --------------------------------------------------------------------

    def link(
        self,
        source: tuple[Component, str],
        sink: tuple[Component, str],
        *args: Any,
        passthrough: int = 0,
        pipewidth: int | None = None,
        synchronous: bool | None = None,
    ) -> Linkage:
        """Link ``(component, box)`` to ``(component, box)``; this component owns the link.

        Raises:
            BoxAlreadyLinkedToDestination: The source already has a destination.
            BadInbox: A box name is unknown.
        """
        if args:
            passthrough = args[0]
        src, sbox = source
        dst, dbox = sink
        if not isinstance(src, Component):
            raise BadComponent(f"link endpoints must be components, not {src!r}")
        if not isinstance(dst, Component):
            raise BadComponent(f"link endpoints must be components, not {dst!r}")
        linkage = Linkage(src, dst, sbox, dbox, passthrough)
        linkage.connect()
        if synchronous or pipewidth is not None:
            linkage.setSynchronous(pipewidth)
        self.linkages._items[linkage] = None
        sched = self._sched  # links made before activation are announced by activate()
        if sched is not None and sched.tap is not None:
            sched.tap.record("linked", src, sbox, dst, dbox, extra={"passthrough": passthrough})
        return linkage

    def unlink(
        self, thecomponent: Component | None = None, thelinkage: Linkage | None = None
    ) -> None:
        """Remove one linkage, or every linkage this component made touching ``thecomponent``."""
        if thelinkage is not None:
            if thelinkage in self.linkages._items:
                self._drop_linkage(thelinkage)
            return
        if thecomponent is not None:
            doomed = [lk for lk in self.linkages if thecomponent in (lk.source, lk.sink)]
        else:
            doomed = []
        for linkage in doomed:
            self._drop_linkage(linkage)

    def _drop_linkage(self, linkage: Linkage) -> None:
        linkage.disconnect()
        del self.linkages._items[linkage]
        sched = self._sched
        if sched is not None and sched.tap is not None:
            sched.tap.record(
                "unlinked",
                linkage.source,
                linkage.sourcebox,
                linkage.sink,
                linkage.sinkbox,
                extra={"passthrough": linkage.passthrough},
            )
        source, sink = linkage.source, linkage.sink
        if source._transient and source is not self and source._state in _ENDED:
            source._release_boxes()
        if sink._transient and sink is not self and sink is not source and sink._state in _ENDED:
            sink._release_boxes()

    def _release_boxes(self) -> None:
        """Break the component <-> box reference cycles of an ended, unlinked transient component.

        Does nothing unless the component has ended and no link touches any of its boxes. Then
        each box's ``owner`` becomes an ``EndedComponent`` record (same ``cid`` and ``name``; no
        reference back to the component) and an unlinked box's ``target`` becomes None instead
        of the box itself. Messages put into its inboxes are still stored and counted by the tap;
        what it sends is discarded, as before. Only ``box.owner is component`` and ``box.target
        is box`` stop being true.
        """
        if self._state not in _ENDED:
            return
        boxes = (*self.inboxes.values(), *self.outboxes.values())
        for box in boxes:
            if box.sources or box.linked_to is not None:
                return
        ended = EndedComponent(self)
        for box in boxes:
            box.owner = ended  # type: ignore[assignment]  # a record standing in for the owner
            box.let_go()  # no box has sources (checked above)

    def unlink_all(self) -> None:
        """Remove every linkage this component made."""
        for linkage in list(self.linkages):
            self._drop_linkage(linkage)

    def addChildren(self, *children: Component) -> None:
        """Adopt ``children``: they wake this component when they finish. Not activated here."""
        mine = self.children
        for child in children:
            if child not in mine:
                mine.append(child)
                child.parent = self
                child._callOnCloseDown.append(self.unpause)

    def removeChild(self, child: Component) -> None:
        """Forget ``child`` and remove the links this component made to it."""
        self._disown(child)
        self.unlink(thecomponent=child)

    def _disown(self, child: Component) -> None:
        """``removeChild`` without touching links: for a parent that removes its linkages to
        the child itself.

        ``removeChild`` searches every linkage of the parent for the ones touching the child,
        which costs time in proportion to the live connections of a server; the net components
        keep their per-connection linkages and remove them directly instead.
        """
        if child in self.children:
            self.children.remove(child)
            if child.parent is self:
                child.parent = None
            if self.unpause in child._callOnCloseDown:
                child._callOnCloseDown.remove(self.unpause)

    def childComponents(self) -> list[Component]:
        """A copy of the list of children."""
        return list(self.children)

    # -- scheduling ----------------------------------------------------------------------------

    def pause(self) -> None:
        """Sleep after the current slice until a message arrives or ``unpause`` is called."""
        self._pause_req = True

    def unpause(self) -> None:
        """Wake this component (no-op when awake or not running)."""
        if self._asleep and self._sched is not None:
            self._sched._wake(self)
        else:
            self._pause_req = False

    def wake_after(self, seconds: float) -> TimerHandle:
        """Wake this component after ``seconds`` (use with ``pause()``)."""
        if self._sched is None:
            raise RuntimeError(f"{self.name} is not activated; it has no clock to wake it")
        return self._sched.call_later(seconds, self.unpause)

    def activate(self, scheduler: Scheduler | None = None, tracker: Any = None) -> Component:
        """Hand this component to ``scheduler`` (default: the running or thread default one)."""
        if scheduler is None:
            from kamaelia_core.scheduler import Scheduler

            scheduler = Scheduler.current_or_default()
        scheduler.activate(self)
        return self

    def run(self) -> None:
        """Activate (if needed) and run the scheduler until the system has finished."""
        from kamaelia_core.scheduler import Scheduler

        if self._sched is None:
            self.activate(Scheduler.current_or_default())
        assert self._sched is not None
        self._sched.run()

    def stop(self) -> None:
        """End this component at its next turn; its generator is closed (``finally`` runs)."""
        if self._state in ("finished", "crashed"):
            return
        self._stop_req = True
        if self._sched is not None:
            self._sched._wake(self)

    def _isStopped(self) -> bool:
        return self._state in ("finished", "crashed")

    def _isRunnable(self) -> bool:
        return self._state == "running" and not self._asleep

    # -- the body ------------------------------------------------------------------------------

    def main(self) -> Generator[Any, None, Any]:
        """The component's behaviour. Default: Axon's initialise/mainBody/closeDown protocol."""
        result = self.initialiseComponent()
        yield result or 1
        while True:
            result = self.mainBody()
            if not result:
                break
            yield result
        self.closeDownComponent()

    def _microprocess(self) -> Generator[Any, None, Any]:
        """The generator the scheduler runs: ``main()`` (a threaded component runs a shuttle)."""
        return self.main()

    def initialiseComponent(self) -> Any:
        """Legacy hook: called once before ``mainBody``."""
        return 1

    def mainBody(self) -> Any:
        """Legacy hook: called every slice until it returns a false value."""
        return 0

    def closeDownComponent(self) -> None:
        """Legacy hook: called once after ``mainBody`` returns false."""

    def _closeDownMicroprocess(self) -> Any:
        """Engine hook after ``main`` ends: wake the parent, drop own links."""
        callbacks, self._callOnCloseDown = self._callOnCloseDown, []
        for callback in callbacks:
            callback()
        self.unlink_all()
        return None


def _set_overrides(comp: Component, cls: type, argd: dict[str, Any]) -> None:
    """Keyword overrides become instance attributes (Kamaelia's per-instance defaults).

    Set one by one, not with ``__dict__.update``: touching ``__dict__`` makes CPython (3.11)
    keep the instance's attributes in a real dict, and every attribute access of a component
    (made per connection, read per slice) slower. A name the class holds as a data descriptor
    (an engine slot, a property) is stored in the instance dict as it always was: a slot is
    overwritten by ``__init__`` and a property is not shadowed.
    """
    for name, value in argd.items():
        if hasattr(type(getattr(cls, name, None)), "__set__"):
            comp.__dict__[name] = value
        else:
            setattr(comp, name, value)


class EndedComponent:
    """What the boxes of a released component (see ``Component._release_boxes``) point to.

    It carries the component's ``cid``, ``name`` and scheduler, so a message still put into one of
    those boxes is stored (and recorded by a tap) as before, and it holds no reference to the
    component, so the component and its boxes are freed as soon as nobody else holds them.
    """

    __slots__ = ("_asleep", "_pause_req", "_sched", "cid", "name")
    parent = None
    children: tuple[Component, ...] = ()
    linkages: tuple[Linkage, ...] = ()

    def __init__(self, comp: Component) -> None:
        self.cid = comp.cid
        self.name = comp.name
        self._sched = comp._sched
        self._asleep = False
        self._pause_req = False

    def unpause(self) -> None:
        """Nothing to wake: the component has ended."""

    def __repr__(self) -> str:
        return f"<{self.name} ended>"


component = Component
