"""Fixtures for the engine tests: a scheduler that is closed afterwards, and a manual clock.

Tests marked ``core_only`` check kamaelia_core's own additions (ids, reprs, immutable messages,
links cut when a box is deleted...). The others are written against Kamaelia's API and behaviour
and also pass when ``kamaelia_core`` is mapped onto Axon 1.14.32.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kamaelia_core.scheduler import Scheduler
from kamaelia_core.testing import ManualClock


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "core_only: checks a kamaelia_core addition that Axon does not have"
    )


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(100.0)


@pytest.fixture
def sched(clock: ManualClock) -> Iterator[Scheduler]:
    scheduler = Scheduler(clock=clock)
    yield scheduler
    scheduler.close()
