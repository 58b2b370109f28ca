"""Describes a node's boxes for drawing: kind (data, control, private) and the row each sits in.

Canvas items draw from these small records, built by the scene from the model's ComponentSpec (or
by tests directly), so the items never parse model objects themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

CONTROL_NAMES = frozenset({"control", "signal"})


@dataclass(frozen=True)
class BoxSpec:
    """One inbox or outbox as drawn.

    Attributes:
        name: box name ("inbox", "_feedbackFromCSA", ...).
        direction: "in" or "out".
        description: one-line description (tooltip).
    """

    name: str
    direction: str
    description: str = ""

    @property
    def kind(self) -> str:
        """ "control" for control/signal, "private" for ``_boxes``, else "data"."""
        if self.name in CONTROL_NAMES:
            return "control"
        if self.name.startswith("_"):
            return "private"
        return "data"

    @property
    def is_inbox(self) -> bool:
        """True for an inbox."""
        return self.direction == "in"


def _order(boxes: list[BoxSpec]) -> list[BoxSpec]:
    rank = {"data": 0, "private": 1, "control": 2}
    return sorted(boxes, key=lambda b: rank[b.kind])  # stable: keeps declared order within a kind


def layout_rows(
    inboxes: list[BoxSpec], outboxes: list[BoxSpec]
) -> tuple[list[tuple[int, BoxSpec]], list[tuple[int, BoxSpec]], int]:
    """Assign each box a row: data first, private next, control/signal last in the bottom rows.

    Returns:
        (inbox rows, outbox rows, number of rows); each row list holds (row index, box).
    """
    ins, outs = _order(inboxes), _order(outboxes)
    rows = max(len(ins), len(outs), 1)

    def place(boxes: list[BoxSpec]) -> list[tuple[int, BoxSpec]]:
        head = [b for b in boxes if b.kind != "control"]
        tail = [b for b in boxes if b.kind == "control"]
        placed = list(enumerate(head))
        placed += [(rows - len(tail) + i, b) for i, b in enumerate(tail)]
        return placed

    return place(ins), place(outs), rows


def boxes_from(
    names: dict[str, str] | list[str] | tuple[str, ...], direction: str
) -> list[BoxSpec]:
    """Build BoxSpecs from a Kamaelia-style dict (name -> description) or a list of names."""
    if isinstance(names, dict):
        return [BoxSpec(n, direction, str(d or "")) for n, d in names.items()]
    return [BoxSpec(str(n), direction) for n in names]
