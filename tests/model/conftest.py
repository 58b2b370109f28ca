"""Fixtures for the model tests: a catalog of fake components and an event recorder."""

from __future__ import annotations

import pytest

from tests.model import fakes
from workbench.model.catalog import Catalog
from workbench.model.graph import Graph


@pytest.fixture
def catalog() -> Catalog:
    return Catalog(fakes.ALL)


@pytest.fixture
def graph() -> Graph:
    return Graph()


@pytest.fixture
def events(graph: Graph) -> list[tuple[str, object]]:
    seen: list[tuple[str, object]] = []
    graph.subscribe(lambda name, payload: seen.append((name, payload)))
    return seen
