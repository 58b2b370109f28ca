"""Where a learner is in a lesson: which steps are done, which one is current.

Sits between the steps (``workbench.model.lesson_steps``) and the Lessons panel. The engine hands
it each new :class:`~workbench.model.lesson_steps.Facts`; it ticks the current step when all its
checks hold and moves on. Its state (done steps, current step) is what the panel remembers per
lesson.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from workbench.model.lesson_steps import Facts, Step

__all__ = ["LessonProgress"]


class LessonProgress:
    """Which steps of one lesson are done, and which one is current.

    Steps are ticked in order: only the current step is checked; when it holds it is ticked and
    the next step not yet done becomes current and is checked at once (so what already holds
    ticks too). Next and Previous move the current step without ticking; a step already done
    is never checked again.

    Args:
        steps: The lesson's steps.
        graph: The lesson graph's resolved path (for ``graph-loaded``), or None.
        done: Indexes already done (out-of-range ones are ignored).
        current: The current step (clamped into range).
    """

    def __init__(
        self,
        steps: Iterable[Step],
        graph: str | None = None,
        done: Iterable[int] = (),
        current: int = 0,
    ) -> None:
        self.steps = list(steps)
        self.graph = graph
        self.done: set[int] = {i for i in done if 0 <= i < len(self.steps)}
        self.current = max(0, min(current, len(self.steps) - 1)) if self.steps else 0

    def __repr__(self) -> str:
        return f"<LessonProgress {len(self.done)}/{len(self.steps)} current={self.current}>"

    @property
    def complete(self) -> bool:
        """Every step is done (a lesson without steps is never complete)."""
        return bool(self.steps) and len(self.done) == len(self.steps)

    def update(self, facts: Facts) -> list[int]:
        """Tick what ``facts`` satisfy, from the current step on; returns the steps ticked."""
        ticked: list[int] = []
        while self.steps and self.current not in self.done:
            if not self.steps[self.current].holds(facts, self.graph):
                break
            self.done.add(self.current)
            ticked.append(self.current)
            self.current = self._next_open(self.current)
        return ticked

    def _next_open(self, after: int) -> int:
        """The first step not done after ``after`` (else before it; else ``after`` itself)."""
        n = len(self.steps)
        for i in [*range(after + 1, n), *range(after)]:
            if i not in self.done:
                return i
        return after

    def next(self) -> None:
        """Move to the next step (skipping is allowed; nothing is ticked)."""
        if self.steps:
            self.current = min(self.current + 1, len(self.steps) - 1)

    def previous(self) -> None:
        """Move back one step."""
        self.current = max(self.current - 1, 0)

    def go_to(self, index: int) -> None:
        """Make step ``index`` current (clamped)."""
        if self.steps:
            self.current = max(0, min(index, len(self.steps) - 1))

    def reset(self) -> None:
        """Start again: nothing done, the first step current."""
        self.done.clear()
        self.current = 0

    def state(self) -> dict[str, Any]:
        """What to remember: ``{"done": [indexes], "current": index}``."""
        return {"done": sorted(self.done), "current": self.current}
