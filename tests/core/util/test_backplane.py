"""Backplane, PublishTo, SubscribeTo: a named bus; a slow subscriber is bounded, never fatal."""

from __future__ import annotations

import logging

import pytest

from kamaelia_core.chassis import Pipeline
from kamaelia_core.errors import ServiceAlreadyExists
from kamaelia_core.ipc import producerFinished, shutdownMicroprocess
from kamaelia_core.testing import run_until_idle
from kamaelia_core.util import Collector, DataSource
from kamaelia_core.util.backplane import (
    Backplane,
    PublishTo,
    SubscribeTo,
    publish_service,
    subscribe_service,
)
from tests.core.helpers import Sink


def _subscriber(sched, name="B", size=None):
    sink = Collector()
    if size is not None:
        sink.setInboxSize("inbox", size)
    pipe = Pipeline(SubscribeTo(name), sink)
    pipe.activate(sched)
    return pipe, sink


def test_every_subscriber_gets_what_every_publisher_publishes(sched):
    plane = Backplane("B")
    plane.activate(sched)
    _, one = _subscriber(sched)
    _, two = _subscriber(sched)
    run_until_idle(scheduler=sched)
    assert sorted(sched.tracker.servicesRegistered()) == [
        publish_service("B"),
        subscribe_service("B"),
    ]
    Pipeline(DataSource(["a", "b"]), PublishTo("B")).activate(sched)
    Pipeline(DataSource(["c"]), PublishTo("B")).activate(sched)
    run_until_idle(scheduler=sched)
    assert sorted(one.collected) == sorted(two.collected) == ["a", "b", "c"]
    assert len(plane.subscribers) == 2 and plane.published == 3
    assert repr(plane).startswith(f"<{plane.name} 'B' ")


def test_publishers_and_subscribers_wait_for_a_backplane_made_after_them(sched, clock):
    _, sink = _subscriber(sched)
    publisher = PublishTo("B")
    publisher._deliver("early")  # waits in its inbox until the link exists
    publisher.activate(sched)
    run_until_idle(scheduler=sched)
    plane = Backplane("B")
    plane.activate(sched)
    for _ in range(3):
        clock.now += 0.01
        run_until_idle(scheduler=sched)
    assert plane.published == 1 and len(plane.subscribers) == 1  # "early" reached the bus
    publisher._deliver("late")
    run_until_idle(scheduler=sched)
    assert "late" in sink.collected


@pytest.mark.expect_errors(match=r"SubscribeTo#\d+ crashed")
def test_no_backplane_of_that_name_is_a_clear_crash(sched, clock):
    sub = SubscribeTo("nowhere")
    sub.activate(sched)
    for _ in range(12):
        clock.now += 1.0
        run_until_idle(scheduler=sched)
    assert sub.state == "crashed"
    assert isinstance(sub.crash, LookupError) and "'Backplane_O_nowhere'" in str(sub.crash)


@pytest.mark.expect_errors(match=r"Backplane#\d+ crashed")
def test_a_second_backplane_of_the_same_name_crashes_and_the_first_goes_on(sched):
    first, second = Backplane("B"), Backplane("B")
    first.activate(sched)
    run_until_idle(scheduler=sched)
    second.activate(sched)
    run_until_idle(scheduler=sched)
    assert isinstance(second.crash, ServiceAlreadyExists) and first.state == "waiting"
    assert sched.tracker.retrieveService(publish_service("B")) == (first, "inbox")


def test_shutting_the_backplane_down_ends_its_subscribers_and_deregisters(sched):
    plane = Backplane("B")
    plane.activate(sched)
    pipe, sink = _subscriber(sched)
    outside = Sink()
    outside.link((plane, "signal"), (outside, "control"))
    outside.activate(sched)
    run_until_idle(scheduler=sched)
    stop = producerFinished()
    plane._deliver(stop, "control")
    run_until_idle(scheduler=sched)
    assert plane.state == "finished" and pipe.state == "finished" and sink.state == "finished"
    assert outside.ctl == [stop] and sched.tracker.servicesRegistered() == []


def test_a_subscriber_that_ends_is_forgotten(sched):
    plane = Backplane("B")
    plane.activate(sched)
    pipe, _ = _subscriber(sched)
    run_until_idle(scheduler=sched)
    assert len(plane.subscribers) == 1
    pipe._deliver(shutdownMicroprocess(), "control")
    run_until_idle(scheduler=sched)
    assert plane.subscribers == {} and set(plane.outboxes) == {"outbox", "signal"}


def test_a_slow_subscriber_loses_its_oldest_messages_and_the_others_get_everything(sched, caplog):
    plane = Backplane("B", max_backlog=10)
    plane.activate(sched)
    _, fast = _subscriber(sched)
    stuck = SubscribeTo("B")  # its outbox leads to an inbox nobody reads
    reader = Sink()
    stuck.link((stuck, "outbox"), (reader, "inbox"))
    stuck.activate(sched)  # the reader is never activated: it never reads
    publisher = PublishTo("B")
    publisher.activate(sched)
    run_until_idle(scheduler=sched)
    with caplog.at_level(logging.WARNING):
        for n in range(100):
            publisher._deliver(n)
        run_until_idle(scheduler=sched)
    assert fast.collected == list(range(100))
    assert list(reader.inboxes["inbox"].storage) == list(range(90, 100))
    assert plane.dropped == 90 and plane.state == "waiting" and publisher.state == "waiting"
    assert caplog.text.count("is not keeping up") == 1


def test_a_full_size_limited_subscriber_inbox_never_crashes_the_backplane(sched):
    plane = Backplane("B", max_backlog=None)
    plane.activate(sched)
    stuck = SubscribeTo("B")
    reader = Sink()
    reader.setInboxSize("inbox", 3)
    stuck.link((stuck, "outbox"), (reader, "inbox"))
    stuck.activate(sched)
    publisher = PublishTo("B")
    publisher.activate(sched)
    run_until_idle(scheduler=sched)
    for n in range(20):
        publisher._deliver(n)
    run_until_idle(scheduler=sched)
    assert list(reader.inboxes["inbox"].storage) == [17, 18, 19]
    assert plane.state == "waiting" and plane.dropped == 17


def test_with_disconnect_a_slow_subscriber_is_cut_off_and_told(sched):
    plane = Backplane("B", max_backlog=5, on_overflow="disconnect")
    plane.activate(sched)
    _, fast = _subscriber(sched)
    stuck = SubscribeTo("B")
    reader, told = Sink(), Sink()
    stuck.link((stuck, "outbox"), (reader, "inbox"))
    stuck.link((stuck, "signal"), (told, "control"))
    stuck.activate(sched)
    told.activate(sched)
    publisher = PublishTo("B")
    publisher.activate(sched)
    run_until_idle(scheduler=sched)
    for n in range(20):
        publisher._deliver(n)
    run_until_idle(scheduler=sched)
    assert fast.collected == list(range(20))
    assert len(reader.inboxes["inbox"].storage) == 5 and stuck.state == "finished"
    assert isinstance(told.ctl[0], shutdownMicroprocess) and stuck not in plane.subscribers


def test_publish_to_as_a_forwarder_also_passes_messages_on(sched):
    Backplane("B").activate(sched)
    _, sub = _subscriber(sched)
    run_until_idle(scheduler=sched)
    copies = Collector()
    Pipeline(DataSource(["x"]), PublishTo("B", forwarder=True), copies).activate(sched)
    run_until_idle(scheduler=sched)
    assert sub.collected == ["x"] and copies.collected == ["x"]


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="name"):
        Backplane("")
    with pytest.raises(ValueError, match="on_overflow"):
        Backplane("B", on_overflow="explode")
    with pytest.raises(ValueError, match="max_backlog"):
        Backplane("B", max_backlog=0)
