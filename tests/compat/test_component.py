"""Axon's microprocess, component, boxes, linkages and postoffice over kamaelia_core."""

from __future__ import annotations

import logging
import threading

import pytest

from kamaelia_core.errors import noSpaceInBox
from kamaelia_core.util import Collector

pytestmark = pytest.mark.usefixtures("compat_layer")


def test_identity_name_tag_and_keyword_attributes():
    from Axon.Component import component
    from Axon.Microprocess import microprocess

    first, second = component("ignored", colour="red"), component()
    assert isinstance(first.id, int) and first.id != second.id and first.id == first.cid
    assert first.colour == "red" and first.init == 1
    tagged = microprocess(tag="_worker")
    assert tagged.name.endswith("_worker") and tagged.inboxes == {} and tagged.outboxes == {}
    assert str(tagged).startswith(f"{tagged.name} :{tagged.id} :1 :0")
    assert str(first).startswith(f"Component {first.name} [ inboxes : ")


def test_the_legacy_initialise_mainbody_closedown_protocol():
    from Axon.Component import component
    from Axon.Scheduler import scheduler

    calls = []

    class Old(component):
        def initialiseComponent(self):
            calls.append("init")
            self.left = 2
            return 1

        def mainBody(self):
            calls.append("body")
            self.left -= 1
            return self.left

        def closeDownComponent(self):
            calls.append("close")

    Old().activate()
    scheduler.run.runThreads()
    assert calls == ["init", "body", "body", "close"]


def test_a_microprocess_runs_a_given_generator_and_hands_over_its_close_down_value():
    from Axon.Component import component
    from Axon.Ipc import newComponent
    from Axon.Microprocess import microprocess
    from Axon.Scheduler import scheduler

    ran = []

    class After(component):
        def main(self):
            ran.append("after")
            yield 1

    def steps():
        ran.append("steps")
        yield 1

    microprocess(steps(), closeDownValue=newComponent(After())).activate()
    scheduler.run.runThreads()
    assert ran == ["steps", "after"]


def test_next_steps_a_microprocess_by_hand_and_ends_with_stop_iteration():
    from Axon.Microprocess import microprocess

    class Two(microprocess):
        def main(self):
            yield "a"
            yield "b"

    two = Two()
    assert [two.next(), next(two)] == ["a", "b"]
    with pytest.raises(StopIteration):
        two.next()


def test_activate_with_another_main_method_and_a_tracker():
    from Axon.Component import component
    from Axon.CoordinatingAssistantTracker import coordinatingassistanttracker
    from Axon.Scheduler import scheduler

    class Two(component):
        def main(self):
            raise AssertionError("not this one")

        def other(self):
            self.ran = True
            yield 1

    own = coordinatingassistanttracker()
    two = Two().activate(mainmethod="other", Tracker=own)
    assert two.tracker is own
    scheduler.run.runThreads()
    assert two.ran is True


def test_boxes_are_list_like():
    from Axon.Box import postbox
    from Axon.Component import component

    source, sink = component(), component()
    source.link((source, "outbox"), (sink, "inbox"))
    outbox, inbox = source.outboxes["outbox"], sink.inboxes["inbox"]
    assert isinstance(outbox, postbox) and isinstance(inbox, postbox) and bool(inbox)
    source.send("a")
    outbox.append("b")
    assert len(outbox) == 2 and len(inbox) == 2 and outbox.local_len() == 0
    assert inbox.pop(1) == "b" and inbox.pop() == "a" and len(inbox) == 0
    assert inbox.setSize(1) == 1 and inbox.getSize() == 1 and not outbox.isFull()
    source.send("c")
    assert outbox.isFull()
    with pytest.raises(noSpaceInBox):
        source.send("d")
    assert sink.recv() == "c" and not outbox.isFull()
    sink.setInboxSize("inbox", None)
    assert inbox.getSize() is None
    inbox.setShowTransit(True, "tag")  # accepted, changes nothing


def test_make_inbox_and_outbox_for_a_component():
    from Axon.Box import makeInbox, makeOutbox
    from Axon.Component import component

    owner = component()
    box = makeInbox(owner.unpause, size=3)
    assert box.owner is owner and box.getSize() == 3 and box.is_inbox
    assert not makeOutbox(owner.unpause).is_inbox
    with pytest.raises(TypeError, match="bound unpause"):
        makeInbox(print)


def test_the_postoffice_holds_the_links_a_component_made():
    from Axon.Component import component
    from Axon.Linkage import linkage
    from Axon.Postoffice import postoffice

    parent, child = component(), component()
    made = parent.postoffice.link((parent, "outbox"), (child, "inbox"))
    assert isinstance(parent.postoffice, postoffice)
    assert parent.postoffice.linkages == [made] and parent.postoffice.islinkageregistered(made)
    parent.postoffice.unlink(thecomponent=child)
    assert parent.postoffice.linkages == [] and list(parent.linkages) == []
    parent.link((parent, "outbox"), (child, "inbox"))
    parent.postoffice.unlinkAll()
    assert parent.postoffice.linkages == []
    office = postoffice("mine")
    link = office.link((parent, "outbox"), (child, "inbox"), pipewidth=2)
    assert isinstance(link, linkage) and child.inboxes["inbox"].getSize() == 2
    parent.send("x")
    assert child.recv() == "x" and "POSTOFFICE: mine" in str(office)
    assert str(link) == f"Link( source:[{parent.name},outbox], sink:[{child.name},inbox] )"
    office.unlinkAll()
    parent.send("lost")
    assert not child.dataReady() and office.linkages == []


def test_child_components_is_a_list_copy():
    from Axon.Component import component

    parent, a, b = component(), component(), component()
    parent.addChildren(a, b)
    children = parent.childComponents()
    assert children == [a, b] and isinstance(children, list)
    children.clear()
    assert parent.childComponents() == [a, b]
    parent.removeChild(a)
    assert parent.childComponents() == [b]


def test_unpause_from_another_thread_wakes_a_component_of_a_running_system():
    from Axon.Component import component
    from Axon.Scheduler import scheduler

    asleep = threading.Event()

    class Sleeper(component):
        woke = False

        def main(self):
            asleep.set()
            self.pause()
            yield 1
            self.woke = True

    sleeper = Sleeper()
    sleeper.activate()
    worker = threading.Thread(target=lambda: (asleep.wait(10), sleeper.unpause()))
    worker.start()
    scheduler.run.runThreads()
    worker.join(10)
    assert sleeper.woke


def test_trace_all_sends_and_recvs(caplog):
    import Axon

    C = Axon.Component  # the module: Axon programs flip its flags
    from Axon.Scheduler import scheduler

    class Talk(C.component):
        def main(self):
            self.send("spoken", "outbox")
            yield 1

    class Hear(C.component):
        def main(self):
            yield 1
            self.heard = self.recv("inbox")

    C.TraceAllSends = C.TraceAllRecvs = True
    try:
        talk, hear = Talk(), Hear()
    finally:
        C.TraceAllSends = C.TraceAllRecvs = False
    quiet = Talk()
    hear.link((talk, "outbox"), (hear, "inbox"))
    for comp in (talk, hear, quiet):
        comp.activate()
    with caplog.at_level(logging.INFO, logger="kamaelia_core.compat.trace"):
        scheduler.run.runThreads()
    lines = [r.getMessage() for r in caplog.records if r.name == "kamaelia_core.compat.trace"]
    assert len(lines) == 2, lines
    assert lines[0].startswith("SEND: ") and f"{talk.name} 'outbox' : spoken" in lines[0]
    assert lines[1].startswith("RECV: ") and f"{hear.name} 'inbox' : spoken" in lines[1]
    assert hear.heard == "spoken"


def test_traced_send_and_recv_take_the_box_keywords_the_untraced_ones_take(caplog):
    import Axon

    C = Axon.Component

    C.TraceAllSends = C.TraceAllRecvs = True
    try:
        traced = C.component()
    finally:
        C.TraceAllSends = C.TraceAllRecvs = False
    traced.link((traced, "outbox"), (traced, "inbox"))
    with caplog.at_level(logging.INFO, logger="kamaelia_core.compat.trace"):
        traced.send("looped", outbox="outbox")
        assert traced.recv(inbox="inbox") == "looped"
    lines = [r.getMessage() for r in caplog.records if r.name == "kamaelia_core.compat.trace"]
    assert [line.split()[0] for line in lines] == ["SEND:", "RECV:"]


def test_send_recv_and_data_ready_take_axons_boxname_keyword():
    from Axon.Component import component
    from Axon.Ipc import producerFinished
    from Axon.Scheduler import scheduler

    class Relay(component):
        def main(self):
            while not self.dataReady(boxname="control"):
                while self.dataReady(boxname="inbox"):
                    self.send(self.recv(boxname="inbox").upper(), boxname="outbox")
                self.pause()
                yield 1
            self.send(self.recv(boxname="control"), boxname="signal")

    class Feed(component):
        def main(self):
            for word in ("a", "b"):
                self.send(word, boxname="outbox")
                yield 1
            self.send(producerFinished(self), boxname="signal")

    feed, relay, out = Feed(), Relay(), Collector()
    feed.link((feed, "outbox"), (relay, "inbox"))
    feed.link((feed, "signal"), (relay, "control"))
    relay.link((relay, "outbox"), (out, "inbox"))
    relay.link((relay, "signal"), (out, "control"))
    for comp in (feed, relay, out):
        comp.activate()
    scheduler.run.runThreads()
    assert out.collected == ["A", "B"]
    assert out.state == "finished"  # the producerFinished came through the signal boxes
    looped = component()
    looped.link((looped, "outbox"), (looped, "inbox"))
    looped.send(1, "outbox")  # positional, and kamaelia_core's keywords, as before
    looped.send(2, outbox="outbox")
    assert looped.dataReady(inbox="inbox") == 2 and looped.dataReady("inbox") == 2
    assert [looped.recv(inbox="inbox"), looped.recv("inbox")] == [1, 2]


def test_axon_style_messages_are_mutable_and_compared_by_identity():
    from Axon.Ipc import ipc, notify, producerFinished
    from Kamaelia.IPC import socketShutdown

    class Colour(ipc):
        def __init__(self, rgb):
            self.rgb = rgb

    class Done(producerFinished):
        def __init__(self, who, why):
            super().__init__(who)
            self.why = why

    red = Colour((255, 0, 0))
    red.rgb = (250, 0, 0)
    assert red.rgb == (250, 0, 0) and red != Colour((250, 0, 0)) and red == red
    assert len({red, Colour((250, 0, 0))}) == 2
    done = Done("me", "tired")
    done.why = "finished"
    assert isinstance(done, producerFinished) and done.caller == "me" and "why=" in repr(done)
    assert isinstance(socketShutdown(), producerFinished)
    note = notify("caller", "payload")
    assert (note.caller, note.object) == ("caller", "payload")


def test_the_tracker_is_the_running_systems_and_services_are_shared():
    from Axon.Component import component
    from Axon.CoordinatingAssistantTracker import coordinatingassistanttracker
    from Axon.Scheduler import scheduler

    found = []

    class Service(component):
        def main(self):
            cat = coordinatingassistanttracker.getcat()
            cat.registerService("demo", self, "inbox")
            found.append((cat is self.tracker, self.tracker.retrieveService("demo")))
            yield 1
            cat.deRegisterService("demo")

    service = Service()
    service.activate()
    scheduler.run.runThreads()
    assert found == [(True, (service, "inbox"))]
    assert coordinatingassistanttracker.getcat() is scheduler.run.tracker
    assert coordinatingassistanttracker.basecat is scheduler.run.tracker
    assert isinstance(scheduler.run.tracker, coordinatingassistanttracker)


def test_adaptive_and_threaded_components():
    from Axon.AdaptiveCommsComponent import AdaptiveCommsComponent
    from Axon.Box import postbox
    from Axon.Ipc import producerFinished
    from Axon.Scheduler import scheduler
    from Axon.ThreadedComponent import threadedadaptivecommscomponent, threadedcomponent

    adaptive = AdaptiveCommsComponent()
    name = adaptive.addInbox("extra")
    assert name == "extra" and isinstance(adaptive.inboxes[name], postbox)
    assert adaptive.addOutbox("extra") == "extra" and adaptive.addInbox("extra") != "extra"
    adaptive.deleteInbox("extra")
    assert "extra" not in adaptive.inboxes

    class Worker(threadedcomponent):
        def main(self):
            self.pause(0.001)  # a timed pause returns by itself
            self.send("from a thread", "outbox")
            self.send(producerFinished(self), boxname="signal")  # Axon's keyword, threaded

    worker, sink = Worker(queuelengths=5), Collector()
    sink.link((worker, "outbox"), (sink, "inbox"))
    sink.link((worker, "signal"), (sink, "control"))
    worker.activate()
    sink.activate()
    both = threadedadaptivecommscomponent()
    assert both.queuelengths == 1000
    scheduler.run.runThreads()
    assert sink.collected == ["from a thread"]


def test_boxes_a_threaded_adaptive_component_adds_are_postboxes_too():
    from Axon.Box import postbox
    from Axon.ThreadedComponent import threadedadaptivecommscomponent

    both = threadedadaptivecommscomponent()
    inbox, outbox = both.addInbox("extra"), both.addOutbox("extra")
    assert isinstance(both.inboxes[inbox], postbox) and isinstance(both.outboxes[outbox], postbox)
    assert len(both.inboxes[inbox]) == 0 and both.inboxes[inbox].local_len() == 0
    assert inbox in both.inqueues and outbox in both.outqueues
