"""Component basics: boxes, keyword attributes, children, pause and wake, legacy main."""

from __future__ import annotations

import pytest

from kamaelia_core.component import Component, box_descriptions, component
from kamaelia_core.errors import invalidComponentInterface
from kamaelia_core.testing import run_until_idle
from tests.core.helpers import Counter, Idle, Sink, finished, waiting


def test_default_boxes_and_alias():
    c = component()
    assert set(c.inboxes) == {"inbox", "control"}
    assert set(c.outboxes) == {"outbox", "signal"}
    assert component is Component


@pytest.mark.core_only
def test_boxes_declared_as_list_or_dict():
    class Listed(Component):
        Inboxes = ["a", "b"]
        Outboxes = {"out": "where it goes"}

    c = Listed()
    assert set(c.inboxes) == {"a", "b"}
    assert set(c.outboxes) == {"out"}
    assert box_descriptions(["x"]) == {"x": ""}
    with pytest.raises(invalidComponentInterface):
        box_descriptions(42)  # type: ignore[arg-type]


def test_keyword_arguments_become_attributes():
    class Server(Component):
        port = 1601

    assert Server().port == 1601
    assert Server(port=8080).port == 8080


@pytest.mark.core_only
def test_identity_is_unique_and_named_after_the_class():
    a, b = Component(), Component()
    assert a.cid != b.cid
    assert a.name.startswith("Component#")
    assert a.state == "created"


def test_data_ready_any_ready_and_inbox_iteration():
    c = Component()
    assert c.anyReady() is False
    c._deliver("x", "control")
    c._deliver(1, "inbox")
    c._deliver(2, "inbox")
    assert c.dataReady("inbox") == 2
    assert c.anyReady() in ("inbox", "control")
    assert list(c.Inbox("inbox")) == [1, 2]
    assert c.anyReady() == "control"


@pytest.mark.core_only
def test_children_are_recorded_not_activated():
    parent, child = Component(), Component()
    parent.addChildren(child)
    assert parent.childComponents() == [child]
    assert child.parent is parent
    assert child.state == "created"
    lk = parent.link((parent, "outbox"), (child, "inbox"))
    parent.removeChild(child)
    assert parent.childComponents() == []
    assert lk not in parent.linkages


def test_paused_component_is_not_run_until_a_message_arrives(sched):
    c = Counter()
    run_until_idle(c, scheduler=sched)
    assert c.slices == 1
    assert waiting(c)
    run_until_idle(scheduler=sched)
    assert c.slices == 1
    c._deliver("wake up")
    run_until_idle(scheduler=sched)
    assert c.slices == 2


class _SelfFeeder(Component):
    """Asks to pause, then a message lands in its inbox before the yield."""

    def __init__(self) -> None:
        super().__init__()
        self.rounds = 0

    def main(self):
        self.pause()
        self._deliver("arrived between pause() and yield")
        yield 1
        self.rounds += 1
        self.recv()


def test_no_lost_wakeup_for_a_message_between_pause_and_yield(sched):
    c = _SelfFeeder()
    run_until_idle(c, scheduler=sched)
    assert c.rounds == 1
    assert finished(c)


def test_unpause_wakes_and_is_a_noop_when_awake(sched):
    c = Counter()
    c.unpause()  # not activated: nothing happens
    run_until_idle(c, scheduler=sched)
    c.unpause()
    c.unpause()
    run_until_idle(scheduler=sched)
    assert c.slices == 2


def test_parent_is_woken_when_a_child_finishes(sched):
    class Parent(Component):
        def __init__(self) -> None:
            super().__init__()
            self.child = Idle()
            self.wakes = 0

        def main(self):
            self.addChildren(self.child)
            self.child.activate(self.scheduler)
            while not self.child._isStopped():
                self.pause()
                yield 1
                self.wakes += 1

    p = Parent()
    run_until_idle(p, scheduler=sched)
    assert waiting(p)
    p.child._deliver("stop", "control")
    run_until_idle(scheduler=sched)
    assert finished(p)
    assert p.wakes == 1


def test_legacy_main_protocol(sched):
    class Legacy(Component):
        def __init__(self) -> None:
            super().__init__()
            self.calls: list[str] = []

        def initialiseComponent(self):
            self.calls.append("init")
            return 1

        def mainBody(self):
            self.calls.append("body")
            return len(self.calls) < 3

        def closeDownComponent(self):
            self.calls.append("close")

    c = Legacy()
    run_until_idle(c, scheduler=sched)
    assert c.calls == ["init", "body", "body", "close"]
    assert finished(c)


def test_finished_component_drops_its_links(sched):
    class Once(Component):
        def main(self):
            yield 1

    a, b = Once(), Sink()
    a.link((a, "outbox"), (b, "inbox"))
    run_until_idle(a, b, scheduler=sched)
    a.send("after the end")
    assert b.dataReady() == 0


@pytest.mark.core_only
def test_repr_and_str_show_name_and_state():
    c = Component()
    assert c.name in repr(c)
    assert "created" in repr(c)
    assert "inbox" in str(c)


@pytest.mark.core_only  # a kamaelia_core helper, not in Axon
def test_pass_on_ending_drops_other_control_messages_and_passes_the_ending_on():
    from kamaelia_core.ipc import notify, producerFinished

    comp, watcher = Component(), Component()
    comp.link((comp, "signal"), (watcher, "control"))
    assert comp.pass_on_ending() is False
    comp._deliver(notify(None, "hello"), "control")
    assert comp.pass_on_ending() is False and not comp.dataReady("control")
    done = producerFinished(None)
    comp._deliver(done, "control")
    comp._deliver("after", "control")
    assert comp.pass_on_ending() is True
    assert watcher.recv("control") is done
    assert comp.dataReady("control") == 1  # what came after the ending is left alone
