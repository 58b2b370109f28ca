"""Selector service: CAT lookup, persistent registrations, readiness through linked outboxes."""

from __future__ import annotations

import socket

import pytest

from kamaelia_core import ipc
from kamaelia_core.component import Component
from kamaelia_core.net import Selector
from kamaelia_core.net.selector import SERVICE, SHUTDOWN_SERVICE
from tests.net.conftest import drive

pytestmark = pytest.mark.timeout(30)


class Listener(Component):
    """Counts what the selector sends to its inboxes."""

    Inboxes = {"inbox": "readable", "control": "unused", "wr": "writable", "ex": "errors"}

    def __init__(self) -> None:
        super().__init__()
        self.seen: dict[str, int] = {"inbox": 0, "wr": 0, "ex": 0}

    def main(self):
        while True:
            for box in self.seen:
                while self.dataReady(box):
                    self.recv(box)
                    self.seen[box] += 1
            self.pause()
            yield 1


@pytest.fixture
def rig(sched):
    _service, selector = Selector.getSelectorService(sched.tracker)
    selector.activate(sched)
    listener = Listener()
    sched.activate(listener)
    a, b = socket.socketpair()
    a.setblocking(False)
    b.setblocking(False)
    sched.run_until_idle()
    yield selector, listener, a, b
    a.close()
    b.close()


def request(selector, message):
    selector._deliver(message, "notify")


def test_service_is_found_through_the_cat(sched):
    service, new = Selector.getSelectorService(sched.tracker)
    assert new is not None and service == (new, "notify")
    again, none = Selector.getSelectorService(sched.tracker)
    assert again == service and none is None
    svc, shut, nothing = Selector.getSelectorServices(sched.tracker)
    assert svc == service and shut == (new, "control") and nothing is None
    assert {SERVICE, SHUTDOWN_SERVICE} <= set(sched.tracker.servicesRegistered())
    assert new.Daemon and new.IsService


def test_readiness_goes_through_a_linked_outbox_and_stays_registered(sched, tap, rig):
    selector, listener, a, b = rig
    request(selector, ipc.newReader(listener, ((listener, "inbox"), a)))
    sched.run_until_idle()
    b.send(b"1")
    drive(sched, lambda: listener.seen["inbox"] == 1)
    a.recv(10)
    b.send(b"2")  # no re-registration between events
    drive(sched, lambda: listener.seen["inbox"] == 2)
    (event,) = [e for e in tap.drain() if e.kind == "delivered" and e.sink_cid == listener.cid][:1]
    assert event.cid == selector.cid and event.box.startswith("readerNotify")
    assert selector.fds() == [a.fileno()]


def test_remove_reader_stops_notifications_and_drops_the_outbox(sched, rig):
    selector, listener, a, b = rig
    request(selector, ipc.newReader(listener, ((listener, "inbox"), a)))
    sched.run_until_idle()
    outboxes = set(selector.outboxes)
    request(selector, ipc.removeReader(listener, a))
    sched.run_until_idle()
    b.send(b"x")
    sched.poll_io(0.05)
    sched.run_until_idle()
    assert listener.seen["inbox"] == 0
    assert selector.fds() == [] and set(selector.outboxes) < outboxes


def test_writer_notifies_only_while_asked(sched, rig):
    selector, listener, a, _b = rig
    request(selector, ipc.newWriter(listener, ((listener, "wr"), a)))
    drive(sched, lambda: listener.seen["wr"] == 1)
    request(selector, ipc.removeWriter(listener, a))
    sched.run_until_idle()
    a.send(b"more")
    sched.poll_io(0.02)
    sched.run_until_idle()
    assert listener.seen["wr"] == 1


def test_exceptional_hears_of_a_closed_peer(sched, rig):
    selector, listener, a, b = rig
    request(selector, ipc.newExceptional(listener, ((listener, "ex"), a)))
    request(selector, ipc.newReader(listener, ((listener, "inbox"), a)))
    sched.run_until_idle()
    b.close()
    drive(sched, lambda: listener.seen["inbox"] >= 1)


def test_newCSA_registers_and_shutdownCSA_deregisters(sched, rig):
    selector, _listener, a, b = rig

    class FakeCSA(Component):
        Inboxes = {"ReadReady": "", "SendReady": "", "control": ""}

        def main(self):
            while True:
                self.pause()
                yield 1

    csa = FakeCSA()
    sched.activate(csa)
    request(selector, ipc.newCSA(None, (csa, a)))
    sched.run_until_idle()
    b.send(b"x")
    drive(sched, lambda: csa.dataReady("ReadReady"))
    assert not csa.dataReady("SendReady")  # writability is not watched until asked
    request(selector, ipc.shutdownCSA(None, (csa, a)))
    sched.run_until_idle()
    assert selector.fds() == []


def test_host_loop_hooks_delegate_to_the_scheduler(sched, rig):
    selector, listener, a, b = rig
    assert selector.fileno() == sched.fileno()
    request(selector, ipc.newReader(listener, ((listener, "inbox"), a)))
    sched.run_until_idle()
    assert selector.poll_ready(0) == 0
    b.send(b"x")
    assert selector.poll_ready(1.0) == 1
    sched.run_until_idle()
    assert listener.seen["inbox"] == 1


def test_shutdown_ends_and_deregisters(sched, rig):
    selector, _listener, a, _b = rig
    request(selector, ipc.newReader(None, ((_listener, "inbox"), a)))
    selector._deliver(ipc.shutdown(), "control")
    sched.run_until_idle()
    assert selector.state == "finished"
    assert SERVICE not in sched.tracker.servicesRegistered()
    assert not sched.io.is_registered(a)


def test_closed_sockets_are_ignored(sched, rig):
    selector, listener, _a, _b = rig
    dead = socket.socket()
    dead.close()
    request(selector, ipc.newReader(listener, ((listener, "inbox"), dead)))
    sched.run_until_idle()
    assert selector.fds() == [] and selector.state != "crashed"


def test_daemon_does_not_keep_run_going(sched):
    _service, selector = Selector.getSelectorService(sched.tracker)
    selector.activate(sched)

    class Once(Component):
        def main(self):
            yield 1

    sched.activate(Once())
    sched.run()  # returns: only the daemon is left
    assert selector.state == "finished"
