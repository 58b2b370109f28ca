"""Observers: subscription order, unsubscribe, and a failing callback logged and detached."""

from __future__ import annotations

import logging

import pytest

from workbench.model.observers import Observers, callback_name


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


@pytest.mark.expect_errors(match=r"broken failed on")
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


@pytest.mark.expect_errors(match=r"leaving failed on")
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


@pytest.mark.expect_errors(match=r"failed on")
def test_detach_handlers_hear_of_each_detached_callback_with_its_error() -> None:
    observers: Observers[[int]] = Observers("test observer")
    heard: list[tuple[object, str]] = []

    def broken(n: int) -> None:
        raise ValueError(f"bad {n}")

    observers.subscribe(broken)
    remove = observers.on_detached(lambda cb, exc: heard.append((cb, str(exc))))
    observers.notify(1)
    observers.notify(2)  # already detached: nothing more to hear
    assert heard == [(broken, "bad 1")]
    remove()
    remove()  # a second call is harmless
    observers.subscribe(broken)
    observers.notify(3)
    assert heard == [(broken, "bad 1")]


@pytest.mark.expect_errors(match=r"failed on|detach handler .*loud failed; removed")
def test_a_failing_detach_handler_is_logged_and_removed(caplog) -> None:
    observers: Observers[[]] = Observers("test observer")
    heard: list[str] = []

    def loud(callback: object, exc: Exception) -> None:
        raise RuntimeError("handler broke")

    def broken() -> None:
        raise RuntimeError("observer broke")

    observers.on_detached(loud)
    observers.on_detached(lambda cb, exc: heard.append(str(exc)))
    observers.subscribe(broken)
    observers.notify()
    observers.subscribe(broken)
    observers.notify()
    assert heard == ["observer broke", "observer broke"]
    messages = [r.getMessage() for r in caplog.records]
    assert sum("loud failed; removed" in m for m in messages) == 1


class _View:
    def on_event(self, event: str) -> None:
        pass


def test_callbacks_are_named_readably() -> None:
    def local() -> None:
        pass

    assert callback_name(_View().on_event) == "_View.on_event"
    assert callback_name(local).endswith("test_callbacks_are_named_readably.<locals>.local")
    assert callback_name([].append) == "list.append"
    assert callback_name(lambda: None).endswith("<lambda>")
