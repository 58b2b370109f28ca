"""Threaded components: a real thread behind thread-safe queues, delivering into the scheduler."""

from __future__ import annotations

import logging
import threading

import pytest

from kamaelia_core.component import Component
from kamaelia_core.errors import noSpaceInBox
from kamaelia_core.ipc import producerFinished, shutdownMicroprocess
from kamaelia_core.scheduler import Scheduler, run_components
from kamaelia_core.testing import run_until_idle
from kamaelia_core.threaded import (
    ComponentStopped,
    ThreadedAdaptiveComponent,
    ThreadedComponent,
    threadedadaptivecommscomponent,
    threadedcomponent,
)
from kamaelia_core.util.sources import DataSource
from tests.core.helpers import Emitter, Sink

WAIT = 10.0


class Doubler(ThreadedComponent):
    """Doubles numbers in its thread; passes control messages on and ends."""

    def main(self):
        while True:
            while self.dataReady("inbox"):
                self.send(self.recv("inbox") * 2, "outbox")
            if self.dataReady("control"):
                for value in self.Inbox("inbox"):  # what arrived since the last look
                    self.send(value * 2, "outbox")
                self.send(self.recv("control"), "signal")
                return
            self.pause()


def wire(a: Component, b: Component) -> None:
    a.link((a, "outbox"), (b, "inbox"))
    a.link((a, "signal"), (b, "control"))


def test_aliases():
    assert threadedcomponent is ThreadedComponent
    assert threadedadaptivecommscomponent is ThreadedAdaptiveComponent


def test_main_runs_in_another_thread_and_delivers_into_the_scheduler():
    seen = []

    class WhereAmI(ThreadedComponent):
        def main(self):
            seen.append(threading.get_ident())
            self.send("from the thread", "outbox")

    w, sink = WhereAmI(), Sink()
    w.link((w, "outbox"), (sink, "inbox"))
    sched = run_until_idle(w, sink)
    try:
        assert seen and seen[0] != threading.get_ident()
        assert sink.got == ["from the thread"]
        assert w.state == "finished"
    finally:
        sched.close()


def test_pipeline_through_a_thread_keeps_order_and_shuts_down():
    em, dbl, sink = DataSource(list(range(200))), Doubler(queuelengths=7), Sink()
    wire(em, dbl)
    wire(dbl, sink)
    dbl.setInboxSize("inbox", 5)
    sched = run_components([em, dbl, sink])
    assert sink.got == [2 * i for i in range(200)]
    assert isinstance(sink.ctl[-1], producerFinished)
    assert dbl.state == "finished"
    assert sched._threads == 0


def test_run_blocks_idle_until_the_thread_delivers():
    release = threading.Event()
    delivered = []

    class Slow(ThreadedComponent):
        def main(self):
            release.wait(WAIT)
            self.send("late", "outbox")
            self.send(producerFinished(self), "signal")

    slow, sink = Slow(), Sink()
    wire(slow, sink)
    sched = Scheduler()
    try:
        sched.activate(slow)
        sched.activate(sink)
        sched.run_until_idle()
        # nothing runnable, yet run() must wait for the live thread rather than give up
        sched.set_wakeup(lambda: delivered.append("woken"))
        assert not sched.has_runnable()
        sched.call_later(0, release.set)
        sched.run()
        assert sink.got == ["late"]
        assert delivered  # the thread's delivery woke the idle scheduler
    finally:
        sched.close()


def test_send_raises_no_space_in_box_when_the_out_queue_is_full():
    outcome = []
    tried = threading.Event()
    go = threading.Event()

    class Flooder(ThreadedComponent):
        def main(self):
            try:
                for i in range(10):
                    self.send(i, "outbox")
            except noSpaceInBox as exc:
                outcome.append(exc)
            tried.set()
            go.wait(WAIT)

    sched = Scheduler()
    f = Flooder(queuelengths=3)
    try:
        # one slice starts the thread; nothing runs the shuttle again to drain the out-queue
        sched.activate(f)
        sched.step()
        assert tried.wait(WAIT)
        assert outcome, "send should have raised"
        assert "no space in box" in str(outcome[0])
    finally:
        go.set()
        if f._thread:
            f._thread.join(WAIT)
        sched.close()


def test_pause_blocks_until_a_message_arrives():
    class Waiter(ThreadedComponent):
        def main(self):
            self.pause()
            self.send(("woke with", self.dataReady("inbox")), "outbox")

    w, sink = Waiter(), Sink()
    w.link((w, "outbox"), (sink, "inbox"))
    sched = run_until_idle(w, sink)
    try:
        assert sink.got == []  # still blocked in pause()
        w._deliver("here")
        run_until_idle(scheduler=sched)
        assert sink.got == [("woke with", 1)]
    finally:
        sched.close()


def test_pause_with_timeout_returns():
    class Timed(ThreadedComponent):
        def main(self):
            self.pause(0.001)
            self.send("timed out", "outbox")

    t, sink = Timed(), Sink()
    t.link((t, "outbox"), (sink, "inbox"))
    sched = run_until_idle(t, sink)
    try:
        assert sink.got == ["timed out"]
    finally:
        sched.close()


@pytest.mark.expect_errors(match=r"Broken#\d+ crashed")
def test_exception_in_the_thread_is_a_crash_of_the_component(caplog):
    crashes = []

    class Broken(ThreadedComponent):
        def main(self):
            raise KeyError("bad key in thread")

    sched = Scheduler()
    sched.add_crash_handler(lambda c, e: crashes.append((c, e)))
    b, other = Broken(), Emitter([1])
    sink = Sink()
    wire(other, sink)
    try:
        with caplog.at_level(logging.ERROR):
            run_until_idle(b, other, sink, scheduler=sched)
        assert b.state == "crashed"
        assert isinstance(b.crash, KeyError)
        assert crashes == [(b, b.crash)]
        assert "bad key in thread" in caplog.text and b.name in caplog.text
        assert sink.got == [1]
        assert sched._threads == 0
    finally:
        sched.close()


def test_link_from_the_thread_is_done_on_the_scheduler_side():
    sink = Sink()
    sides = []

    class Linker(ThreadedComponent):
        def main(self):
            lk = self.link((self, "outbox"), (sink, "inbox"))
            sides.append(lk)
            self.sync()
            self.send("linked", "outbox")

    lnk = Linker()
    sched = run_until_idle(lnk, sink)
    try:
        assert sink.got == ["linked"]
        assert sides and sides[0] not in lnk.linkages  # dropped when it finished
    finally:
        sched.close()


def test_unlink_from_the_thread():
    sink = Sink()

    class Unlinker(ThreadedComponent):
        def main(self):
            self.link((self, "outbox"), (sink, "inbox"))
            self.unlink(thecomponent=sink)
            self.send("discarded", "outbox")

    u = Unlinker()
    sched = run_until_idle(u, sink)
    try:
        assert sink.got == []
    finally:
        sched.close()


def test_stop_sends_shutdown_into_the_threads_control_and_releases_run():
    stopped = threading.Event()

    class Loop(ThreadedComponent):
        def main(self):
            while not self.dataReady("control"):
                self.pause()
            assert isinstance(self.recv("control"), shutdownMicroprocess)
            stopped.set()

    loop = Loop()
    sched = run_until_idle(loop)
    try:
        assert sched._threads == 1
        loop.stop()
        sched.run_until_idle()
        assert loop.state == "finished"
        assert sched._threads == 0
        assert stopped.wait(WAIT)
    finally:
        sched.close()


def test_thread_calls_after_stop_raise_component_stopped():
    errors = []
    proceed = threading.Event()

    class Late(ThreadedComponent):
        def main(self):
            proceed.wait(WAIT)
            try:
                self.sync()
            except ComponentStopped as exc:
                errors.append(exc)

    late = Late()
    sched = Scheduler()
    sched.activate(late)
    sched.run_until_idle()  # the shuttle started the thread, which blocks outside pause()
    late.stop()
    sched.run_until_idle()
    proceed.set()
    late._thread.join(WAIT)
    sched.close()
    assert errors


def test_outgoing_messages_wait_for_a_full_consumer():
    class Producer(ThreadedComponent):
        def main(self):
            for i in range(100):
                while True:
                    try:
                        self.send(i, "outbox")
                        break
                    except noSpaceInBox:
                        self.pause()
            self.send(producerFinished(self), "signal")

    p, sink = Producer(queuelengths=4), Sink()
    wire(p, sink)
    sink.setInboxSize("inbox", 2)
    sched = run_components([p, sink])
    assert sink.got == list(range(100))
    assert sched.components == []


def test_threaded_adaptive_adds_boxes_from_the_thread():
    sink = Sink()
    names = []

    class Grower(ThreadedAdaptiveComponent):
        def main(self):
            name = self.addOutbox("outbox")
            names.append(name)
            self.link((self, name), (sink, "inbox"))
            self.send("through a new box", name)
            inbox = self.addInbox("extra")
            names.append(inbox)
            self.deleteInbox(inbox)

    g = Grower()
    sched = run_until_idle(g, sink)
    try:
        assert names[0] != "outbox" and names[0].startswith("outbox")
        assert sink.got == ["through a new box"]
        assert names[1] == "extra" and "extra" not in g.inboxes and "extra" not in g.inqueues
    finally:
        sched.close()


def test_thread_from_a_pipeline_of_threads():
    a, b, sink = Doubler(), Doubler(), Sink()
    em = Emitter([1, 2, 3])
    wire(em, a)
    wire(a, b)
    wire(b, sink)
    run_components([em, a, b, sink])
    assert sink.got == [4, 8, 12]


def test_recv_on_empty_raises_index_error_and_repr_shows_thread():
    t = ThreadedComponent()
    with pytest.raises(IndexError):
        t.recv("inbox")
    assert "no thread" in repr(t)


@pytest.mark.core_only
@pytest.mark.expect_errors(match=r"Broken#\d+ crashed")
def test_thread_crash_is_a_crashed_event_with_the_threads_traceback():
    from kamaelia_core.instrument import Tap

    class Broken(ThreadedComponent):
        def main(self):
            raise ZeroDivisionError("in the thread")

    sched = Scheduler()
    tap = sched.attach_tap(Tap())
    b = Broken()
    try:
        run_until_idle(b, scheduler=sched)
        crashed = [e for e in tap.drain() if e.kind == "crashed"]
        assert [e.cid for e in crashed] == [b.cid]
        text = crashed[0].extra["traceback"]
        assert "ZeroDivisionError: in the thread" in text and "in main" in text
        assert f"raised in the thread of {b.name}" in text
    finally:
        sched.close()


def test_threaded_stage_inside_a_pipeline():
    from kamaelia_core.chassis.pipeline import Pipeline
    from kamaelia_core.util.collector import Collector

    sink = Collector()
    run_components([Pipeline(DataSource(range(50)), Doubler(), sink)])
    assert sink.collected == [2 * i for i in range(50)]
    assert sink._isStopped()


def test_a_last_message_sent_just_before_the_thread_ends_is_not_lost():
    release = threading.Event()

    class LastWord(ThreadedComponent):
        def main(self):
            release.wait(WAIT)
            self.send("last", "outbox")

        def _forward_outboxes(self):
            pending = super()._forward_outboxes()
            if not release.is_set() and self._thread is not None:
                # the thread sends and ends right after the out-queues were looked at
                release.set()
                self._thread.join(WAIT)
            return pending

    lw, sink = LastWord(), Sink()
    lw.link((lw, "outbox"), (sink, "inbox"))
    sched = run_until_idle(lw, sink)
    try:
        assert sink.got == ["last"]
    finally:
        sched.close()
