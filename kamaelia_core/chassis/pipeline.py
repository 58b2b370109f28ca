"""Pipeline: wires components in a chain and runs them as one component.

Each child's outbox feeds the next child's inbox and its signal the next child's control, so a
``producerFinished`` from the first stage walks down the chain and the whole pipeline ends when
every stage has ended. The pipeline's own inbox/control lead into the first child and the last
child's outbox/signal come out of the pipeline's own boxes.
"""

from __future__ import annotations

import itertools
from collections.abc import Generator
from typing import Any, ClassVar

from kamaelia_core.component import Component


class Pipeline(Component):
    """Run ``components`` in a chain: outbox to inbox and signal to control.

    With ``circular=True`` the chain is a ring: the last stage's outbox feeds the first stage's
    inbox and its signal the first stage's control, and nothing comes out of the pipeline's own
    outbox and signal.

    Args:
        *components: The stages, first to last.
        circular: Close the chain into a ring.
        **argd: Become attributes, as for every component.
    """

    Inboxes: ClassVar[dict[str, str]] = {
        "inbox": "Data for the first stage",
        "control": "Control messages for the first stage",
    }
    Outboxes: ClassVar[dict[str, str]] = {
        "outbox": "Data from the last stage",
        "signal": "Control messages from the last stage",
    }
    Category: ClassVar[str | None] = "Chassis"
    ContainerKind: ClassVar[str | None] = "pipeline"

    def __init__(self, *components: Component, circular: bool = False, **argd: Any) -> None:
        super().__init__(**argd)
        self.circular = circular
        if not components:
            raise ValueError("a Pipeline needs at least one component")
        for index, comp in enumerate(components):
            if not isinstance(comp, Component):
                raise TypeError(f"Pipeline stage {index} is not a component: {comp!r}")
        self.components = list(components)
        # Wired now, not at the first slice: a message may reach this pipeline's inbox before it
        # runs (it can sit inside another chassis), and it must flow straight to the first stage.
        self._wire()

    def __repr__(self) -> str:
        stages = " | ".join(c.name for c in self.components)
        ring = " circular" if self.circular else ""
        return f"<{self.name} [{stages}]{ring} {self.state}>"

    def _wire(self) -> None:
        stages = self.components
        self.link((self, "inbox"), (stages[0], "inbox"), passthrough=1)
        self.link((self, "control"), (stages[0], "control"), passthrough=1)
        for upstream, downstream in itertools.pairwise(stages):
            self.link((upstream, "outbox"), (downstream, "inbox"))
            self.link((upstream, "signal"), (downstream, "control"))
        if self.circular:
            self.link((stages[-1], "outbox"), (stages[0], "inbox"))
            self.link((stages[-1], "signal"), (stages[0], "control"))
        else:
            self.link((stages[-1], "outbox"), (self, "outbox"), passthrough=2)
            self.link((stages[-1], "signal"), (self, "signal"), passthrough=2)

    def main(self) -> Generator[Any, None, None]:
        """Start the stages, then wait for all of them to finish."""
        self.addChildren(*self.components)
        try:
            for comp in self.components:
                comp.activate(self.scheduler)
            yield 1
            while not all(c._isStopped() for c in self.components):
                self.pause()
                yield 1
        finally:
            for comp in self.components:
                if not comp._isStopped():
                    comp.stop()
                self.removeChild(comp)


pipeline = Pipeline

__kamaelia_components__ = (Pipeline,)
