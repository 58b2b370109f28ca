"""Carousel: one child at a time, made from each "next" request, replaced and shut down."""

from __future__ import annotations

from kamaelia_core.chassis.carousel import Carousel
from kamaelia_core.component import Component
from kamaelia_core.ipc import producerFinished, shutdownMicroprocess
from kamaelia_core.testing import collect_outbox, run_until_idle
from kamaelia_core.util.sources import DataSource
from kamaelia_core.util.transformers import PureTransformer


def start(sched, carousel: Carousel) -> dict[str, list]:
    carousel.activate(sched)
    boxes = {
        box: collect_outbox(carousel, box, run=False) for box in ("outbox", "signal", "requestNext")
    }
    run_until_idle(scheduler=sched)
    return boxes


def test_first_request_only_when_asked(sched):
    quiet = start(sched, Carousel(lambda arg: DataSource([arg])))
    assert quiet["requestNext"] == []
    asking = start(sched, Carousel(lambda arg: DataSource([arg]), make1stRequest=True))
    assert asking["requestNext"] == ["NEXT"]


def test_each_request_makes_a_child_whose_output_comes_out(sched):
    made = []

    def factory(arg):
        made.append(arg)
        return DataSource([f"{arg}-1", f"{arg}-2"])

    car = Carousel(factory)
    boxes = start(sched, car)
    car._deliver("first", "next")
    run_until_idle(scheduler=sched)
    assert boxes["outbox"] == ["first-1", "first-2"]
    assert boxes["requestNext"] == ["NEXT"]  # the child finished: ask for another
    car._deliver("second", "next")
    run_until_idle(scheduler=sched)
    assert boxes["outbox"][2:] == ["second-1", "second-2"]
    assert made == ["first", "second"] and car.made == 2
    assert car.childComponents() == []


def test_inbox_is_passed_through_to_the_child(sched):
    car = Carousel(lambda suffix: PureTransformer(lambda m: m + suffix))
    boxes = start(sched, car)
    car._deliver("!", "next")
    run_until_idle(scheduler=sched)
    car._deliver("hello")
    run_until_idle(scheduler=sched)
    assert boxes["outbox"] == ["hello!"]


def test_a_new_request_replaces_a_running_child(sched):
    children = []

    def factory(arg):
        child = PureTransformer(lambda m: (arg, m))
        children.append(child)
        return child

    car = Carousel(factory)
    boxes = start(sched, car)
    car._deliver("a", "next")
    run_until_idle(scheduler=sched)
    car._deliver("b", "next")
    run_until_idle(scheduler=sched)
    assert children[0].state == "finished"
    assert car.childComponents() == [children[1]]
    car._deliver("msg")
    run_until_idle(scheduler=sched)
    assert boxes["outbox"] == [("b", "msg")]
    assert boxes["requestNext"] == []  # a request was already waiting: no NEXT


def test_producer_finished_finishes_the_child_then_ends(sched):
    car = Carousel(lambda arg: PureTransformer(lambda m: m))
    boxes = start(sched, car)
    car._deliver("x", "next")
    run_until_idle(scheduler=sched)
    child = car.childComponents()[0]
    car._deliver(producerFinished(), "control")
    run_until_idle(scheduler=sched)
    assert child.state == "finished"
    assert car.state == "finished"
    assert isinstance(boxes["signal"][0], producerFinished)
    assert boxes["requestNext"] == []


def test_shutdown_with_no_child_ends_at_once(sched):
    car = Carousel(lambda arg: Component())
    boxes = start(sched, car)
    car._deliver(shutdownMicroprocess(), "control")
    run_until_idle(scheduler=sched)
    assert car.state == "finished"
    assert isinstance(boxes["signal"][0], shutdownMicroprocess)


def test_pending_requests_are_served_before_producer_finished_ends_it(sched):
    made = []
    car = Carousel(lambda arg: made.append(arg) or DataSource([arg]))
    boxes = start(sched, car)
    car._deliver("only", "next")
    car._deliver(producerFinished(), "control")
    run_until_idle(scheduler=sched)
    assert made == ["only"]
    assert boxes["outbox"] == ["only"]
    assert car.state == "finished"
