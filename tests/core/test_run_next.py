"""Run next: a component woken by a delivery runs right after the slice that woke it, bounded."""

from __future__ import annotations

import pytest

from kamaelia_core.component import Component
from kamaelia_core.scheduler import RUN_NEXT_LIMIT
from kamaelia_core.testing import run_until_idle

pytestmark = pytest.mark.core_only


class Reader(Component):
    """Like a socket adapter: each slice forwards one item it was given, then waits."""

    def __init__(self, tag: str, log: list[str], **argd) -> None:
        super().__init__(**argd)
        self.tag, self.log = tag, log

    def main(self):
        while True:
            while self.dataReady("control"):
                self.log.append(f"{self.tag} wrote {self.recv('control')}")
            while self.dataReady("inbox"):
                item = self.recv("inbox")
                self.log.append(f"{self.tag} read {item}")
                self.send(item, "outbox")
            self.pause()
            yield 1


class Answer(Component):
    """Like a protocol handler: answers each item on outbox."""

    def __init__(self, tag: str, log: list[str], **argd) -> None:
        super().__init__(**argd)
        self.tag, self.log = tag, log

    def main(self):
        while True:
            while self.dataReady("inbox"):
                item = self.recv("inbox")
                self.log.append(f"{self.tag} answered {item}")
                self.send(item, "outbox")
            self.pause()
            yield 1


def test_a_request_is_answered_before_the_next_connection_is_read(sched):
    log: list[str] = []
    readers = []
    for tag in ("a", "b", "c"):
        reader, answer = Reader(tag, log), Answer(tag, log)
        reader.link((reader, "outbox"), (answer, "inbox"))
        answer.link((answer, "outbox"), (reader, "control"))
        readers.append(reader)
        run_until_idle(reader, answer, scheduler=sched)
    log.clear()
    for reader in readers:  # three readable sockets reported by one poll
        reader._deliver(1, "inbox")
    sched.run_until_idle()
    assert log == [
        "a read 1",
        "a answered 1",
        "a wrote 1",
        "b read 1",
        "b answered 1",
        "b wrote 1",
        "c read 1",
        "c answered 1",
        "c wrote 1",
    ]


def test_with_no_run_next_the_queue_is_plain_fifo(sched):
    sched.run_next_limit = 0
    log: list[str] = []
    readers = []
    for tag in ("a", "b"):
        reader, answer = Reader(tag, log), Answer(tag, log)
        reader.link((reader, "outbox"), (answer, "inbox"))
        answer.link((answer, "outbox"), (reader, "control"))
        readers.append(reader)
        run_until_idle(reader, answer, scheduler=sched)
    log.clear()
    for reader in readers:
        reader._deliver(1, "inbox")
    sched.run_until_idle()
    assert log == ["a read 1", "b read 1", "a answered 1", "b answered 1", "a wrote 1", "b wrote 1"]


class Ping(Component):
    """Sends back every ball it receives, forever: with a partner, never idle."""

    def __init__(self, tag: str, log: list[str], **argd) -> None:
        super().__init__(**argd)
        self.tag, self.log = tag, log

    def main(self):
        while True:
            self.log.append(self.tag)
            while self.dataReady("inbox"):
                self.send(self.recv("inbox"), "outbox")
            self.pause()
            yield 1


class Bystander(Component):
    """Wants a slice now and then; after ``rounds`` of them it stops the players and ends."""

    def __init__(self, log: list[str], rounds: int, players: tuple[Component, ...], **argd):
        super().__init__(**argd)
        self.log, self.rounds, self.players = log, rounds, players

    def main(self):
        for _ in range(self.rounds):
            self.log.append("third")
            yield 1
        for player in self.players:
            player.stop()


def test_two_components_ping_ponging_forever_do_not_starve_a_third(sched):
    log: list[str] = []
    a, b = Ping("a", log), Ping("b", log)
    a.link((a, "outbox"), (b, "inbox"))
    b.link((b, "outbox"), (a, "inbox"))
    third = Bystander(log, 50, (a, b))
    for comp in (a, b, third):
        sched.activate(comp)
    a._deliver("ball", "inbox")
    sched.step(60.0)  # one long step: only the bound on run-next lets the third one in
    assert log.count("third") == 50
    gaps, gap = [], 0
    for tag in log:
        if tag == "third":
            gaps.append(gap)
            gap = 0
        else:
            gap += 1
    assert max(gaps) <= RUN_NEXT_LIMIT + 2  # one from the queue, the limit from run-next
    assert log.count("a") > 50 and log.count("b") > 50


def test_round_robin_between_busy_components_is_unchanged(sched):
    order: list[str] = []

    class Tick(Component):
        def __init__(self, tag: str) -> None:
            super().__init__()
            self.tag = tag

        def main(self):
            for _ in range(3):
                order.append(self.tag)
                yield 1

    run_until_idle(Tick("a"), Tick("b"), Tick("c"), scheduler=sched)
    assert order == ["a", "b", "c"] * 3


def test_woken_components_left_when_a_step_ends_join_the_back_of_the_queue(sched):
    log: list[str] = []
    reader, answer = Reader("a", log), Answer("a", log)
    reader.link((reader, "outbox"), (answer, "inbox"))
    answer.link((answer, "outbox"), (reader, "control"))

    class Other(Component):
        def main(self):
            while True:
                log.append("other")
                yield 1

    run_until_idle(reader, answer, scheduler=sched)
    other = Other()
    sched.activate(other)
    reader._deliver(1, "inbox")
    sched.step(0.0)  # one round of the queue; the handler was woken by its last slice
    sched.step(0.0)
    assert log == ["other", "a read 1", "other", "a answered 1"]
    other.stop()
    sched.run_until_idle()
    assert log[-1] == "a wrote 1"
