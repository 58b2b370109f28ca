"""PlugSplitter and Plug: a source's output shared by consumers that plug in and out at run time.

Data flow: messages reach the PlugSplitter's ``inbox`` (or come from the source component it
wraps); it sends each on its own ``outbox`` and a copy to every sink registered with an
``addsink`` message on ``configuration`` (one outbox per sink, added and removed at run time).
A ``Plug`` wraps a consumer component and registers it with a splitter while the consumer runs.
Slow sinks are handled by the fan-out policy of ``kamaelia_core.fanout.Overflow``.
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


class addsink(ipc.ipc):
    """Ask a splitter to copy its data to ``(sink, sinkbox)`` and its control messages to
    ``(sink, sinkcontrol)`` (either may be None)."""

    __slots__ = ("sink", "sinkbox", "sinkcontrol")
    sink: Component
    sinkbox: str | None
    sinkcontrol: str | None

    def __init__(
        self, sink: Component, sinkbox: str | None = "inbox", sinkcontrol: str | None = None
    ) -> None:
        ipc._init(self, "sink", sink)
        ipc._init(self, "sinkbox", sinkbox)
        ipc._init(self, "sinkcontrol", sinkcontrol)


class removesink(addsink):
    """Ask a splitter to stop copying to the boxes an earlier ``addsink`` named."""

    __slots__ = ()


class PlugSplitter(AdaptiveComponent):
    """Copies each message to its outbox and to every sink that asked for it.

    Sinks come and go with ``addsink``/``removesink`` on ``configuration``. Given a
    ``sourceComponent``, the splitter runs it as its child: the splitter's inbox and control
    lead into it, its output is what gets split, and the splitter ends when it does. Without
    one, the splitter splits its own inbox and control, and ends on a producerFinished or
    shutdownMicroprocess on control (after passing it on to every sink).

    Args:
        sourceComponent: A component whose outbox and signal to split (None: split the
            splitter's own inbox and control).
        max_backlog: Most messages left waiting in one sink's inbox (None: no bound).
        on_overflow: ``"drop"`` (the sink's oldest waiting messages) or ``"disconnect"`` (the
            sink is removed and sent shutdownMicroprocess on its control box).
    """

    Inboxes = {
        "inbox": "Data to split (passed to the source component when there is one)",
        "control": "Shutdown and control messages to split (or for the source component)",
        "configuration": "addsink / removesink requests",
        "_inbox": "The source component's outbox",
        "_control": "The source component's signal",
    }
    Outboxes = {
        "outbox": "Every data message",
        "signal": "Every control message",
    }

    def __init__(
        self,
        sourceComponent: Component | None = None,
        max_backlog: int | None = None,
        on_overflow: str = "drop",
    ) -> None:
        super().__init__()
        self.overflow = Overflow(self, max_backlog, on_overflow)
        self.outboxsinks: dict[tuple[Component, str], tuple[str, Linkage]] = {}
        self.signalsinks: dict[tuple[Component, str], tuple[str, Linkage]] = {}
        self.source = sourceComponent
        if sourceComponent is not None:
            self.addChildren(sourceComponent)
            self.link((self, "inbox"), (sourceComponent, "inbox"), passthrough=1)
            self.link((self, "control"), (sourceComponent, "control"), passthrough=1)
            self.link((sourceComponent, "outbox"), (self, "_inbox"))
            self.link((sourceComponent, "signal"), (self, "_control"))
            self.inboxname, self.controlname = "_inbox", "_control"
        else:
            self.inboxname, self.controlname = "inbox", "control"

    def __repr__(self) -> str:
        return (
            f"<{self.name} {self.state} sinks={len(self.outboxsinks)} "
            f"dropped={self.overflow.dropped}>"
        )

    def main(self) -> Generator[Any, None, None]:
        """Serve sink requests and split data until the source (or control) says it is done."""
        if self.source is not None:
            self.source.activate(self.scheduler)
        data = self.inboxes[self.inboxname]
        control = self.inboxes[self.controlname]
        config = self.inboxes["configuration"]
        try:
            while True:
                while config.storage:
                    self._configure(config.pop())
                if take_batch(data, self.overflow.batch, self._split):
                    yield 1  # more to copy: the consumers take this batch first
                    continue
                ending = False
                while control.storage:
                    message = control.pop()
                    self._split_control(message)
                    ending = ending or isinstance(message, ENDINGS)
                if self.source is not None:
                    if self.source._isStopped():
                        return
                elif ending:
                    return
                self.pause()
                yield 1
        finally:
            for sink, box in list(self.outboxsinks):
                self._remove(sink, box, None)
            for sink, box in list(self.signalsinks):
                self._remove(sink, None, box)
            if self.source is not None:
                self.removeChild(self.source)

    def _configure(self, request: Any) -> None:
        if isinstance(request, removesink):
            self._remove(request.sink, request.sinkbox, request.sinkcontrol)
        elif isinstance(request, addsink):
            self._add(request.sink, request.sinkbox, request.sinkcontrol)
        else:
            log.warning(
                "%s: ignored %r on configuration (not addsink/removesink)", self.name, request
            )

    def _add(self, sink: Component, sinkbox: str | None, sinkcontrol: str | None) -> None:
        if sinkbox is not None and (sink, sinkbox) not in self.outboxsinks:
            name = self.addOutbox("outbox")
            self.outboxsinks[(sink, sinkbox)] = (name, self.link((self, name), (sink, sinkbox)))
        if sinkcontrol is not None and (sink, sinkcontrol) not in self.signalsinks:
            name = self.addOutbox("signal")
            self.signalsinks[(sink, sinkcontrol)] = (
                name,
                self.link((self, name), (sink, sinkcontrol)),
            )

    def _remove(self, sink: Component, sinkbox: str | None, sinkcontrol: str | None) -> None:
        for table, box in ((self.outboxsinks, sinkbox), (self.signalsinks, sinkcontrol)):
            entry = table.pop((sink, box), None) if box is not None else None
            if entry is not None:
                name, linkage = entry
                self.unlink(thelinkage=linkage)
                self.deleteOutbox(name)

    def _split(self, message: Any) -> None:
        self.send(message, "outbox")
        offer = self.overflow.offer
        outboxes = self.outboxes
        for (sink, box), (name, _) in list(self.outboxsinks.items()):
            if offer(outboxes[name], message) is not None:
                self._disconnect(sink, box)

    def _split_control(self, message: Any) -> None:
        self.send(message, "signal")
        for (_sink, _box), (name, _) in list(self.signalsinks.items()):
            try:
                self.send(message, name)
            except noSpaceInBox:
                log.warning(
                    "%s: control inbox of a sink is full; %r not passed on", self.name, message
                )

    def _disconnect(self, sink: Component, sinkbox: str) -> None:
        log.warning("%s: removed sink %s.%s (too slow)", self.name, sink.name, sinkbox)
        self._remove(sink, sinkbox, None)
        for sink_, control in list(self.signalsinks):
            if sink_ is sink:
                name = self.signalsinks[(sink_, control)][0]
                try:
                    self.send(ipc.shutdownMicroprocess(sink), name)
                except noSpaceInBox:
                    sink.stop()
                self._remove(sink, None, control)


class Plug(Component):
    """Plugs ``component`` into a splitter for as long as it runs.

    The plug registers itself with ``splitter`` (its inbox for data, its control for control
    messages), passes both to the component and the component's outbox and signal out of its
    own, and deregisters when the component ends.

    Args:
        splitter: The PlugSplitter (or Backplane-style splitter) to take data from.
        component: The consumer.
    """

    Inboxes = {
        "inbox": "Data from the splitter, passed to the component",
        "control": "Control messages from the splitter, passed to the component",
    }
    Outboxes = {
        "outbox": "The component's outbox",
        "signal": "The component's signal",
        "splitter_config": "addsink / removesink to the splitter",
    }

    def __init__(self, splitter: Component, component: Component) -> None:
        super().__init__()
        self.splitter = splitter
        self.component = component
        self.pluglinkage = self.link((self, "splitter_config"), (splitter, "configuration"))
        self.addChildren(component)
        self.link((self, "inbox"), (component, "inbox"), passthrough=1)
        self.link((self, "control"), (component, "control"), passthrough=1)
        self.link((component, "outbox"), (self, "outbox"), passthrough=2)
        self.link((component, "signal"), (self, "signal"), passthrough=2)

    def main(self) -> Generator[Any, None, None]:
        """Register, run the component, deregister."""
        self.send(addsink(self, "inbox", "control"), "splitter_config")
        self.component.activate(self.scheduler)
        try:
            while not self.component._isStopped():
                self.pause()
                yield 1
        finally:
            self.send(removesink(self, "inbox", "control"), "splitter_config")
            self.removeChild(self.component)
            self.unlink(thelinkage=self.pluglinkage)


__kamaelia_components__ = (PlugSplitter, Plug)
