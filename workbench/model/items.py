"""Plain data items of a graph document: nodes, links, implicit links, annotations, id helpers.

Sits under :mod:`workbench.model.graph`, which owns and changes them; everyone else reads them
(the scene items keep a reference to the model object they draw).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

JSONValue = Any
"""A value that ``json.dumps`` accepts: None, bool, int, float, str, list or dict of those."""

BoxRef = tuple[str, str]
"""(node id, box name)."""

CONTAINER_KINDS = frozenset({"pipeline", "graphline", "servercore"})

ID_PATTERN = re.compile(r"^([a-z]+)(\d+)$")


@dataclass(eq=True)
class Node:
    """A placed component, or a container of other nodes.

    Attributes:
        id: Stable id, unique in the graph ("n4").
        component: Catalog id: the dotted import path of the component class.
        name: Human name, also used as the Graphline key in exported code.
        params: Constructor keyword arguments as JSON values.
        position: Scene position (x, y) of the node; children are positioned in scene
            coordinates too.
        parent: Id of the container node holding this one, or None at top level.
        container_kind: "pipeline", "graphline", "servercore" for containers, else None.
        children: Ordered child ids (containers only).
    """

    id: str
    component: str
    name: str
    params: dict[str, JSONValue] = field(default_factory=dict)
    position: tuple[float, float] = (0.0, 0.0)
    parent: str | None = None
    container_kind: str | None = None
    children: list[str] = field(default_factory=list)

    @property
    def is_container(self) -> bool:
        """True when this node is a Pipeline, Graphline or ServerCore container."""
        return self.container_kind is not None

    @property
    def short_name(self) -> str:
        """Class name of the component ("Echo" for "kamaelia_core.util.echo.Echo")."""
        return self.component.rsplit(".", 1)[-1]


@dataclass(frozen=True)
class Link:
    """An explicit link from one box to another.

    The passthrough kind is not stored: it follows from the structure (see
    :meth:`Graph.passthrough`).
    """

    id: str
    source: BoxRef
    sink: BoxRef


@dataclass(frozen=True)
class ImplicitLink:
    """A link a Pipeline container makes by itself; drawn, never edited or saved.

    Attributes:
        id: Deterministic id, e.g. "n3/2:outbox" (container id / child index : box).
        source: (node id, box) the messages leave from.
        sink: (node id, box) the messages arrive at.
        container: Id of the Pipeline that makes this link.
        passthrough: 0 child->child, 1 pipeline inbox->first child, 2 last child->pipeline.
    """

    id: str
    source: BoxRef
    sink: BoxRef
    container: str
    passthrough: int


@dataclass(eq=True)
class Annotation:
    """A free-text note placed on the canvas."""

    id: str
    text: str
    position: tuple[float, float] = (0.0, 0.0)


def snake_case(name: str) -> str:
    """Turn "DataSource" into "data_source" (used for default node names)."""
    out = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name)
    out = re.sub(r"(?<=[A-Z])([A-Z][a-z])", r"_\1", out)
    return out.lower()


def id_sort_key(item_id: str) -> tuple[str, int, str]:
    """Sort key putting "n2" before "n10" (ids in creation order)."""
    match = ID_PATTERN.match(item_id)
    if match:
        return (match.group(1), int(match.group(2)), "")
    return ("", 0, item_id)


def as_point(position: tuple[float, float]) -> tuple[float, float]:
    """A position as a tuple of two floats."""
    x, y = position
    return (float(x), float(y))
