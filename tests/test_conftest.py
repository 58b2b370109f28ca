"""tests/conftest.py: an ERROR from the scheduler or the observers fails the test that logged it,
unless the test is marked ``expect_errors`` (optionally only for messages matching ``match``)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ("pytester",)

CONFTEST = (Path(__file__).parent / "conftest.py").read_text(encoding="utf-8")

TESTS = """
import logging

import pytest

scheduler = logging.getLogger("kamaelia_core.scheduler")
observers = logging.getLogger("workbench.model.observers")


def test_a_crash_nobody_expected():
    scheduler.error("component Boom#1 crashed:\\nTraceback ...\\nValueError: boom")


def test_a_detached_observer_nobody_expected():
    observers.error("graph observer GraphScene._on_event failed on 'node_added'; detached")


def test_an_error_in_teardown(request):
    request.addfinalizer(lambda: scheduler.error("component Late#2 crashed:"))


@pytest.mark.expect_errors
def test_an_expected_crash():
    scheduler.error("component Boom#3 crashed:")


@pytest.mark.expect_errors(match=r"Boom#\\d+ crashed")
def test_an_expected_crash_and_another():
    scheduler.error("component Boom#4 crashed:")
    scheduler.error("component Other#5 crashed:")


def test_warnings_and_other_loggers_do_not_count():
    scheduler.warning("nothing can wake the waiting components any more")
    logging.getLogger("workbench.ui").error("not watched")
"""


@pytest.mark.expect_errors  # the inner tests log into the same loggers, in this process
def test_unexpected_errors_fail_and_expected_ones_do_not(pytester: pytest.Pytester):
    pytester.makeconftest(CONFTEST)
    pytester.makeini(
        "[pytest]\naddopts = --strict-markers\nmarkers =\n    expect_errors(match=None): x\n"
    )
    pytester.makepyfile(test_errors=TESTS)
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly")
    result.assert_outcomes(passed=3, failed=3, errors=1)  # the teardown one passed, then erred
    out = result.stdout.str()
    assert "unexpected ERROR log record(s)" in out
    assert "kamaelia_core.scheduler ERROR: component Boom#1 crashed:" in out
    assert "ValueError: boom" in out
    assert "GraphScene._on_event failed on 'node_added'" in out
    assert "ERROR: component Other#5 crashed:" in out
    assert "ERROR: component Boom#3" not in out and "ERROR: component Boom#4" not in out
    assert "ERROR at teardown of test_an_error_in_teardown" in out
    assert "Late#2 crashed" in out
