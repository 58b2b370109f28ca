"""Long seeded random edit sequences: every undo step restores the exact earlier document."""

from __future__ import annotations

import random

import pytest

from tests.model.fakes import GRAPHLINE, PIPELINE, SINK, SOURCE, UPPER
from workbench.model import io
from workbench.model.commands import (
    AddAnnotation,
    AddLink,
    AddNode,
    Command,
    EditAnnotation,
    MoveNodes,
    RemoveLink,
    RemoveNode,
    RenameNode,
    SetParam,
    remove_selection,
)
from workbench.model.graph import Graph, GraphError
from workbench.model.grouping import Group, Ungroup
from workbench.model.stack import CommandStack

BOXES = ("inbox", "control", "outbox", "signal")


def random_command(rng: random.Random, graph: Graph) -> Command:
    nodes = [n.id for n in graph.nodes] or ["n0"]
    links = [ln.id for ln in graph.links] or ["l0"]
    notes = [a.id for a in graph.annotations] or ["a0"]
    containers = [n.id for n in graph.nodes if n.is_container] or [None]
    pick = rng.randrange(13)
    if pick == 0:
        kind = rng.choice([None, "pipeline", "graphline"])
        component = {None: rng.choice([SOURCE, SINK, UPPER]), "pipeline": PIPELINE}.get(
            kind, GRAPHLINE
        )
        return AddNode(
            component,
            container_kind=kind,
            parent=rng.choice([*containers, None]),
            position=(rng.randrange(500), rng.randrange(500)),
            index=rng.choice([None, 0, 1]),
        )
    if pick == 1:
        return RemoveNode(rng.choice(nodes))
    if pick == 2:
        chosen = rng.sample(nodes, min(len(nodes), 2))
        moves = {n: (rng.random(), rng.random()) for n in chosen}
        return MoveNodes(moves, drag_id=rng.randrange(2))
    if pick == 3:
        return RenameNode(rng.choice(nodes), f"name{rng.randrange(5)}")
    if pick == 4:
        return SetParam(rng.choice(nodes), "p", [rng.randrange(3)], unset=rng.random() < 0.3)
    if pick in (5, 6):
        return AddLink(
            (rng.choice(nodes), rng.choice(BOXES)), (rng.choice(nodes), rng.choice(BOXES))
        )
    if pick == 7:
        return RemoveLink(rng.choice(links))
    if pick == 8:
        parent = rng.choice([*containers, None])
        siblings = [n.id for n in graph.nodes if n.parent == parent]
        chosen = rng.sample(siblings, min(len(siblings), rng.randrange(1, 4)))
        kind = rng.choice(["pipeline", "graphline"])
        return Group(chosen, PIPELINE if kind == "pipeline" else GRAPHLINE, kind)
    if pick == 9:
        return Ungroup(rng.choice(nodes))
    if pick == 10:
        return AddAnnotation(f"note {rng.randrange(9)}", (rng.random(), 0))
    if pick == 11:
        return EditAnnotation(rng.choice(notes), text="edited", position=(1, rng.random()))
    return remove_selection(graph, rng.sample(nodes, min(2, len(nodes))), links[:1], notes[:1])


@pytest.mark.parametrize("seed", range(6))
def test_random_edits_undo_and_redo_exactly(seed: int) -> None:
    rng = random.Random(seed)
    graph = Graph()
    stack = CommandStack(graph)
    states = [io.dumps(graph)]
    applied = 0
    for _ in range(250):
        command = random_command(rng, graph)
        before = io.dumps(graph)
        count = len(stack)
        try:
            stack.push(command)
        except GraphError:
            assert io.dumps(graph) == before and len(stack) == count, command
            continue
        applied += 1
        if len(stack) == count:  # merged into the previous command
            states[-1] = io.dumps(graph)
        else:
            states.append(io.dumps(graph))
    assert applied > 100
    assert len(states) == len(stack) + 1
    for expected in reversed(states[:-1]):
        stack.undo()
        assert io.dumps(graph) == expected
    for expected in states[1:]:
        stack.redo()
        assert io.dumps(graph) == expected
