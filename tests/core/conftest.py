"""Fixtures for the engine tests: a scheduler that is closed afterwards, and a manual clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kamaelia_core.scheduler import Scheduler
from kamaelia_core.testing import ManualClock


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(100.0)


@pytest.fixture
def sched(clock: ManualClock) -> Iterator[Scheduler]:
    scheduler = Scheduler(clock=clock)
    yield scheduler
    scheduler.close()
