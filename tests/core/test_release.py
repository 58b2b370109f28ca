"""Transient components: once ended and unlinked, their boxes let go of them (no cyclic garbage)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from kamaelia_core import ipc
from kamaelia_core.component import Component, EndedComponent
from kamaelia_core.instrument import Tap
from kamaelia_core.ordered import OrderedRefs
from tests.core.helpers import Sink

pytestmark = pytest.mark.core_only


class Once(Component):
    """Forwards what is waiting once, then ends."""

    def main(self):
        while self.dataReady("inbox"):
            self.send(self.recv("inbox"), "outbox")
        yield 1


@pytest.fixture
def no_collector() -> Iterator[None]:
    """Only reference counting frees objects while the test runs."""
    was = gc.isenabled()
    gc.disable()
    yield
    if was:
        gc.enable()


def test_an_ended_unlinked_transient_component_is_freed_by_reference_counting(sched, no_collector):
    comp = Once()
    comp._transient = True
    sched.activate(comp)
    sched.run_until_idle()
    assert comp.state == "finished"
    box = comp.inboxes["inbox"]
    assert isinstance(box.owner, EndedComponent)
    assert (box.owner.cid, box.owner.name) == (comp.cid, comp.name)
    assert box.target is None
    ref = weakref.ref(comp)
    del comp, box
    assert ref() is None


def test_a_component_that_is_not_transient_keeps_its_boxes(sched):
    comp = Once()
    sched.activate(comp)
    sched.run_until_idle()
    assert comp.inboxes["inbox"].owner is comp
    assert comp.outboxes["outbox"].target is comp.outboxes["outbox"]


def test_release_waits_for_the_last_link_into_the_component(sched, no_collector):
    parent, comp = Component(), Once()
    comp._transient = True
    linkage = parent.link((parent, "outbox"), (comp, "inbox"))
    sched.activate(comp)
    sched.run_until_idle()
    assert comp.state == "finished"
    assert comp.inboxes["inbox"].owner is comp  # still linked: nothing released
    parent.send("late", "outbox")
    assert list(comp.inboxes["inbox"].storage) == ["late"]
    parent.unlink(thelinkage=linkage)
    assert isinstance(comp.inboxes["inbox"].owner, EndedComponent)
    ref = weakref.ref(comp)
    del comp, linkage
    assert ref() is None


def test_a_released_component_still_stores_and_discards_as_before(sched):
    tap = sched.attach_tap(Tap())
    comp = Once()
    comp._transient = True
    sched.activate(comp)
    sched.run_until_idle()
    tap.drain()
    comp._deliver("kept", "inbox")
    assert comp.dataReady("inbox") == 1 and comp.recv("inbox") == "kept"
    comp.send("nowhere", "outbox")  # unlinked outbox: discarded, as for any ended component
    kinds = [(e.kind, e.sink_name, e.sink_box) for e in tap.drain()]
    assert kinds == [("delivered", comp.name, "inbox"), ("discarded", comp.name, "outbox")]
    assert "ended" in repr(comp.inboxes["inbox"].owner)


def test_linking_to_a_released_component_later_delivers_into_it(sched):
    comp = Once()
    comp._transient = True
    sched.activate(comp)
    sched.run_until_idle()
    sender = Sink()
    sender.link((sender, "outbox"), (comp, "inbox"))
    sender.send(ipc.producerFinished(), "outbox")
    assert comp.dataReady("inbox") == 1
    sender.unlink_all()
    assert isinstance(comp.inboxes["inbox"].owner, EndedComponent)  # released again


def test_ordered_refs_reads_like_a_list():
    a, b, c = object(), object(), object()
    refs: OrderedRefs[object] = OrderedRefs()
    assert not refs and refs == [] and len(refs) == 0
    for item in (a, b, c, a):
        refs.append(item)
    assert refs == [a, b, c] and list(reversed(refs)) == [c, b, a]
    assert refs[0] is a and refs[-1] is c and refs[1] is b
    assert b in refs and object() not in refs
    refs.remove(b)
    assert refs == [a, c] and refs.copy() == [a, c]
    with pytest.raises(ValueError):
        refs.remove(b)
    refs.discard(b)
    with pytest.raises(IndexError):
        OrderedRefs()[0]
    assert repr(refs) == repr([a, c])
