"""Observers: subscription order, unsubscribe, and a failing callback logged and detached."""

from __future__ import annotations

import logging

import pytest

from workbench.model.observers import Observers


def test_callbacks_run_in_subscription_order_until_unsubscribed() -> None:
    seen: list[tuple[str, int]] = []
    observers: Observers[[int]] = Observers("test observer")
    observers.subscribe(lambda n: seen.append(("a", n)))
    unsubscribe = observers.subscribe(lambda n: seen.append(("b", n)))
    observers.notify(1)
    unsubscribe()
    unsubscribe()  # a second call is harmless
    observers.notify(2)
    assert seen == [("a", 1), ("b", 1), ("a", 2)]
    assert len(observers) == 1 and "test observer x1" in repr(observers)


def test_a_failing_callback_is_logged_detached_and_the_others_still_run(
    caplog: pytest.LogCaptureFixture,
) -> None:
    seen: list[str] = []
    observers: Observers[[str]] = Observers("test observer")

    def broken(event: str) -> None:
        raise RuntimeError("boom")

    observers.subscribe(broken)
    observers.subscribe(seen.append)
    with caplog.at_level(logging.ERROR):
        observers.notify("first")
        observers.notify("second")
    assert seen == ["first", "second"]
    assert len(observers) == 1
    (record,) = caplog.records
    assert "test observer" in record.message and "'first'" in record.message
    assert "detached" in record.message


def test_a_callback_may_unsubscribe_itself_and_then_fail(caplog) -> None:
    observers: Observers[[]] = Observers("test observer")
    unsubscribe = None

    def leaving() -> None:
        assert unsubscribe is not None
        unsubscribe()
        raise RuntimeError("after leaving")

    unsubscribe = observers.subscribe(leaving)
    observers.notify()
    assert len(observers) == 0
    assert "failed on ()" in caplog.records[0].message
