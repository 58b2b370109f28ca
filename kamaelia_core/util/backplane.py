"""Backplane: a named many-to-many bus; PublishTo components put messages on, SubscribeTo take off.

Data flow: a ``PublishTo``'s inbox passes straight into the Backplane's inbox; the Backplane sends
a copy of each message out of one outbox per subscriber, and that outbox is linked through the
``SubscribeTo``'s own outbox, so the copy lands directly in whatever the subscriber feeds. The two
meet by name through the scheduler's CAT (Kamaelia's service names ``Backplane_I_<name>`` and
``Backplane_O_<name>``).

Slow subscribers: each copy goes through the fan-out policy of
``kamaelia_core.fanout.Overflow``. By default at most ``max_backlog`` = 1000 messages wait
in a subscriber's inbox; past that its oldest waiting messages are dropped (counted in
``dropped``, logged once per episode), so one subscriber that does not read never slows the
others, never crashes the Backplane or a publisher, and never makes memory grow without bound.
With ``on_overflow="disconnect"`` such a subscriber is cut off instead: it gets a
shutdownMicroprocess on control, which it passes on through its signal.
"""

from __future__ import annotations

import logging
from collections.abc import Generator
from typing import Any

from kamaelia_core import ipc
from kamaelia_core.adaptive import AdaptiveComponent
from kamaelia_core.component import ENDINGS, Component
from kamaelia_core.errors import noSpaceInBox
from kamaelia_core.fanout import Overflow, take_batch
from kamaelia_core.linkage import Linkage

log = logging.getLogger(__name__)

DEFAULT_BACKLOG = 1000
"""Most messages a Backplane leaves waiting in one subscriber's inbox by default."""
LOOKUP_WAIT = 5.0
"""Seconds a publisher or subscriber waits for its Backplane to appear before it crashes."""


def publish_service(name: str) -> str:
    """CAT name of the inbox publishers feed (Kamaelia's ``Backplane_I_<name>``)."""
    return f"Backplane_I_{name}"


def subscribe_service(name: str) -> str:
    """CAT name of the inbox subscribers register with (Kamaelia's ``Backplane_O_<name>``)."""
    return f"Backplane_O_{name}"


class subscribe(ipc.ipc):
    """A SubscribeTo asks its Backplane for copies (through its own outbox)."""

    __slots__ = ("subscriber",)
    subscriber: Component

    def __init__(self, subscriber: Component) -> None:
        ipc._init(self, "subscriber", subscriber)


class unsubscribe(subscribe):
    """A SubscribeTo leaves its Backplane."""

    __slots__ = ()


class _Subscription:
    __slots__ = ("control_box", "data_box", "links")

    def __init__(self, data_box: str, control_box: str, links: list[Linkage]) -> None:
        self.data_box = data_box
        self.control_box = control_box
        self.links = links


class Backplane(AdaptiveComponent):
    """A named bus: what any PublishTo of that name receives, every SubscribeTo sends out.

    It registers its two services when it starts; a second Backplane of the same name crashes
    with ServiceAlreadyExists. A producerFinished or shutdownMicroprocess on control is passed
    to every subscriber (each then ends and passes it on) and on signal, and the Backplane
    deregisters and ends.

    Args:
        name: The bus name publishers and subscribers use.
        max_backlog: Most messages left waiting in one subscriber's inbox (None: no bound).
        on_overflow: ``"drop"`` (a slow subscriber loses its oldest waiting messages) or
            ``"disconnect"`` (it is cut off with a shutdownMicroprocess).
    """

    Inboxes = {
        "inbox": "Published messages (each PublishTo passes its inbox through to here)",
        "control": "producerFinished or shutdownMicroprocess: end, and end every subscriber",
        "configuration": "subscribe / unsubscribe requests from SubscribeTo components",
    }
    Outboxes = {
        "outbox": "Unused (copies leave by one outbox per subscriber)",
        "signal": "The shutdown message received on control, passed on",
    }
    Category = "Util"

    def __init__(
        self,
        name: str,
        max_backlog: int | None = DEFAULT_BACKLOG,
        on_overflow: str = "drop",
    ) -> None:
        super().__init__()
        if not isinstance(name, str) or not name:
            raise ValueError(f"a Backplane needs a name (a non-empty str), not {name!r}")
        self.backplane_name = name
        self.overflow = Overflow(self, max_backlog, on_overflow)
        self.subscribers: dict[Component, _Subscription] = {}
        self.published = 0

    @property
    def dropped(self) -> int:
        """Copies dropped so far because a subscriber did not keep up."""
        return self.overflow.dropped

    def __repr__(self) -> str:
        return (
            f"<{self.name} {self.backplane_name!r} {self.state} subscribers="
            f"{len(self.subscribers)} published={self.published} dropped={self.dropped}>"
        )

    def main(self) -> Generator[Any, None, None]:
        """Register, then copy every published message to every subscriber until told to end."""
        tracker = self.tracker
        tracker.registerService(publish_service(self.backplane_name), self, "inbox")
        try:
            tracker.registerService(subscribe_service(self.backplane_name), self, "configuration")
        except Exception:
            tracker.deRegisterService(publish_service(self.backplane_name))
            raise
        inbox = self.inboxes["inbox"]
        config = self.inboxes["configuration"]
        control = self.inboxes["control"]
        try:
            while True:
                while config.storage:
                    self._configure(config.pop())
                if take_batch(inbox, self.overflow.batch, self._publish):
                    yield 1  # more to copy: the consumers take this batch first
                    continue
                while control.storage:
                    message = control.pop()
                    if isinstance(message, ENDINGS):
                        for sub in list(self.subscribers):
                            self._end_subscriber(sub, message)
                        self.send(message, "signal")
                        return
                self.pause()
                yield 1
        finally:
            for sub in list(self.subscribers):
                self._forget(sub)
            for service in (
                publish_service(self.backplane_name),
                subscribe_service(self.backplane_name),
            ):
                if service in tracker.servicesRegistered():
                    tracker.deRegisterService(service)

    def _configure(self, request: Any) -> None:
        if isinstance(request, unsubscribe):
            self._forget(request.subscriber)
        elif isinstance(request, subscribe):
            sub = request.subscriber
            if sub in self.subscribers or sub._isStopped():
                return
            data_box = self.addOutbox("to_subscriber")
            control_box = self.addOutbox("to_subscriber_control")
            links = [
                self.link((self, data_box), (sub, "outbox"), passthrough=2),
                self.link((self, control_box), (sub, "control")),
            ]
            self.subscribers[sub] = _Subscription(data_box, control_box, links)
        else:
            log.warning("%s: ignored %r on configuration", self.name, request)

    def _publish(self, message: Any) -> None:
        self.published += 1
        offer = self.overflow.offer
        outboxes = self.outboxes
        for sub, subscription in list(self.subscribers.items()):
            if sub._isStopped():
                self._forget(sub)
            elif offer(outboxes[subscription.data_box], message) is not None:
                log.warning("%s: disconnected %s (too slow)", self.name, sub.name)
                self._end_subscriber(sub, ipc.shutdownMicroprocess(sub))

    def _end_subscriber(self, sub: Component, message: Any) -> None:
        subscription = self.subscribers.get(sub)
        if subscription is None:
            return
        try:
            self.send(message, subscription.control_box)
        except noSpaceInBox:
            sub.stop()  # its control inbox is full too: it cannot be told, so it is stopped
        self._forget(sub)

    def _forget(self, sub: Component) -> None:
        subscription = self.subscribers.pop(sub, None)
        if subscription is None:
            return
        for linkage in subscription.links:
            self.unlink(thelinkage=linkage)
        self.deleteOutbox(subscription.data_box)
        self.deleteOutbox(subscription.control_box)


def _find_service(comp: Component, service: str, wait: float) -> Generator[Any, None, Any]:
    """Wait (sleeping on timers, never polling each slice) until ``service`` is registered.

    Returns ``(component, inbox)``, or None when an ending message arrived on control first
    (it has been passed on through signal).

    Raises:
        LookupError: No such service after ``wait`` seconds.
    """
    sched = comp._running_on()
    deadline = sched.clock() + wait
    delay = 0.002
    while True:
        try:
            return comp.tracker.retrieveService(service)
        except KeyError:
            if sched.clock() >= deadline:
                raise LookupError(
                    f"{comp.name}: no Backplane registered {service!r} within {wait} s "
                    "(make the Backplane, with the same name, and activate it)"
                ) from None
        if comp.pass_on_ending():
            return None
        timer = comp.wake_after(delay)
        comp.pause()
        yield 1
        timer.cancel()
        delay = min(delay * 2, 0.1)


class PublishTo(Component):
    """Publishes everything it receives on ``inbox`` to the Backplane called ``destination``.

    Its inbox is passed through to the Backplane's, so publishing costs no extra hop. A control
    message is passed on through signal; a producerFinished or shutdownMicroprocess also ends
    it (the Backplane keeps running).

    Args:
        destination: The Backplane's name.
        forwarder: Also send every message on outbox (it then passes through this component).
    """

    Inboxes = {
        "inbox": "Messages to publish",
        "control": "producerFinished or shutdownMicroprocess: end (the Backplane goes on)",
    }
    Outboxes = {
        "outbox": "A copy of every message, when forwarder is set",
        "signal": "Control messages, passed on",
        "_outbox": "To the Backplane, when forwarder is set",
    }
    Category = "Util"

    def __init__(self, destination: str, forwarder: bool = False, **argd: Any) -> None:
        super().__init__(**argd)
        self.destination = destination
        self.forwarder = forwarder

    def __repr__(self) -> str:
        return f"<{self.name} to {self.destination!r} {self.state}>"

    def main(self) -> Generator[Any, None, None]:
        """Find the Backplane, link to it, then pass control messages on until told to end."""
        service = yield from _find_service(self, publish_service(self.destination), LOOKUP_WAIT)
        if service is None:
            return
        inbox = self.inboxes["inbox"]
        if self.forwarder:
            self.link((self, "_outbox"), service)
        else:
            waiting = list(self.Inbox("inbox"))  # arrived before the link: send them on
            self.link((self, "inbox"), service, passthrough=1)
            for message in waiting:
                inbox.target.put(message, inbox.route)
        control = self.inboxes["control"]
        while True:
            if self.forwarder:
                while inbox.storage:
                    message = inbox.pop()
                    self.send(message, "outbox")
                    self.send(message, "_outbox")
            while control.storage:
                message = control.pop()
                self.send(message, "signal")
                if isinstance(message, ENDINGS):
                    return
            self.pause()
            yield 1


class SubscribeTo(Component):
    """Sends out of its outbox every message published to the Backplane called ``source``.

    The Backplane's copies come through this component's outbox without an extra hop. A
    producerFinished or shutdownMicroprocess on control (a Backplane shutting down sends one)
    ends it and is passed on through signal. Anything sent to its inbox is passed to outbox.

    Args:
        source: The Backplane's name.
    """

    Inboxes = {
        "inbox": "Messages passed straight to outbox",
        "control": "producerFinished or shutdownMicroprocess: end and pass it on",
    }
    Outboxes = {
        "outbox": "Every message published to the Backplane",
        "signal": "The shutdown message received on control, passed on",
        "_toBackplane": "subscribe / unsubscribe requests",
    }
    Category = "Util"

    def __init__(self, source: str, **argd: Any) -> None:
        super().__init__(**argd)
        self.source = source

    def __repr__(self) -> str:
        return f"<{self.name} from {self.source!r} {self.state}>"

    def main(self) -> Generator[Any, None, None]:
        """Subscribe, pass inbox to outbox and wait for an ending; unsubscribe on the way out."""
        service = yield from _find_service(self, subscribe_service(self.source), LOOKUP_WAIT)
        if service is None:
            return
        self.link((self, "_toBackplane"), service)
        self.send(subscribe(self), "_toBackplane")
        inbox = self.inboxes["inbox"]
        try:
            while True:
                while inbox.storage:
                    self.send(inbox.pop(), "outbox")
                if self.pass_on_ending():
                    return
                self.pause()
                yield 1
        finally:
            self.send(unsubscribe(self), "_toBackplane")


__kamaelia_components__ = (Backplane, PublishTo, SubscribeTo)
