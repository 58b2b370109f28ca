"""Test-wide setup: Qt runs offscreen (before any Qt import), and errors nobody expected fail.

A component crash (``kamaelia_core.scheduler``) or a detached observer
(``workbench.model.observers``) is logged at ERROR and the program goes on; in a test that is
almost always a bug hiding behind a green run. So every ERROR record from those loggers fails
the test that logged it, unless the test says it expects them::

    @pytest.mark.expect_errors                        # any error from those loggers
    @pytest.mark.expect_errors(match="boom")          # only errors whose text matches "boom"
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

WATCHED_LOGGERS = ("kamaelia_core.scheduler", "workbench.model.observers")
"""Loggers whose ERROR records mean a component crashed or a watcher was detached."""


class ErrorRecords(logging.Handler):
    """Keeps the ERROR records of the watched loggers during one test."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []
        self.checked = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


_RECORDS = pytest.StashKey[ErrorRecords]()


def _text(record: logging.LogRecord) -> str:
    text = record.getMessage()
    if record.exc_info and record.exc_info[1] is not None:
        exc = record.exc_info[1]
        text += f"\n    {type(exc).__name__}: {exc}"
    lines = text.splitlines()
    if len(lines) > 12:
        lines = [*lines[:4], "    ...", *lines[-6:]]
    return "\n    ".join(lines)


def _check(item: pytest.Item, records: ErrorRecords) -> None:
    """Fail ``item`` for the records since the last check that its marker does not allow."""
    new = records.records[records.checked :]
    records.checked = len(records.records)
    marker = item.get_closest_marker("expect_errors")
    if marker is not None:
        pattern = marker.kwargs.get("match") or (marker.args[0] if marker.args else None)
        if pattern is None:
            return
        new = [r for r in new if not re.search(pattern, r.getMessage())]
    if new:
        listed = "\n".join(f"  {r.name} {r.levelname}: {_text(r)}" for r in new)
        pytest.fail(
            f"{len(new)} unexpected ERROR log record(s) (mark the test "
            f"@pytest.mark.expect_errors if it means to crash a component):\n{listed}",
            pytrace=False,
        )


@pytest.fixture(autouse=True)
def _fail_on_unexpected_errors(request: pytest.FixtureRequest) -> Iterator[ErrorRecords]:
    """Collect the watched loggers' ERROR records; those left after the test's teardown fail it."""
    records = ErrorRecords()
    loggers = [logging.getLogger(name) for name in WATCHED_LOGGERS]
    for logger in loggers:
        logger.addHandler(records)
    request.node.stash[_RECORDS] = records
    try:
        yield records
    finally:
        for logger in loggers:
            logger.removeHandler(records)
    _check(request.node, records)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Fail a test that passed but logged errors it did not expect (reported as a failure)."""
    result = yield
    records = item.stash.get(_RECORDS, None)
    if records is not None:
        _check(item, records)
    return result
