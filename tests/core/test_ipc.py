"""IPC messages: fields named as in Axon.Ipc and Kamaelia.IPC, immutable, readable reprs."""

from __future__ import annotations

import pytest

from kamaelia_core import ipc
from kamaelia_core.component import Component


@pytest.mark.core_only
def test_producer_finished_fields_and_repr():
    c = Component()
    msg = ipc.producerFinished(c, "done")
    assert msg.caller is c and msg.message == "done"
    assert repr(msg).startswith("producerFinished(") and c.name in repr(msg)
    assert repr(ipc.producerFinished()) == "producerFinished()"


def test_shutdown_microprocess_lists_its_targets():
    a, b = Component(), Component()
    assert ipc.shutdownMicroprocess(a, b).microprocesses() == (a, b)
    assert ipc.shutdownMicroprocess().microprocesses() == ()


def test_new_component_notify_status_error():
    a = Component()
    assert ipc.newComponent(a).components() == (a,)
    note = ipc.notify(a, "payload")
    assert note.caller is a and note.object == "payload"
    assert ipc.status("ok").status() == "ok"
    assert ipc.wouldblock(a).caller is a
    err = ipc.errorInformation(a, ValueError("x"), "msg")
    assert isinstance(err.exception, ValueError) and err.message == "msg"


@pytest.mark.core_only
def test_messages_are_immutable():
    msg = ipc.producerFinished()
    with pytest.raises(AttributeError):
        msg.caller = 1  # type: ignore[misc]


@pytest.mark.core_only
def test_equality_by_type_and_fields():
    assert ipc.producerFinished() == ipc.producerFinished()
    assert ipc.producerFinished() != ipc.shutdown()
    assert hash(ipc.shutdown()) == hash(ipc.shutdown())


def test_network_messages_keep_kamaelia_hierarchy_and_fields():
    csa, sock = Component(), object()
    assert isinstance(ipc.socketShutdown(), ipc.producerFinished)
    assert isinstance(ipc.serverShutdown(), ipc.shutdownMicroprocess)
    new = ipc.newCSA(None, csa, sock)
    assert isinstance(new, ipc.notify) and new.object is csa and new.sock is sock
    assert isinstance(ipc.shutdownCSA(None, csa), ipc.notify)
    for cls in (ipc.newReader, ipc.newWriter, ipc.newExceptional):
        reg = cls(csa, ((csa, "ReadReady"), sock))
        assert reg.object == ((csa, "ReadReady"), sock)
    for cls in (ipc.removeReader, ipc.removeWriter, ipc.removeExceptional):
        assert cls(csa, sock).object is sock
    assert isinstance(ipc.newServer(None, csa), ipc.notify)


def test_a_message_class_written_the_axon_way_is_mutable_and_compared_by_identity():
    class Colour(ipc.ipc):
        def __init__(self, rgb):
            self.rgb = rgb

    class Finished(ipc.producerFinished):
        def __init__(self, caller, why):
            super().__init__(caller)
            self.why = why

    red, also_red = Colour("red"), Colour("red")
    red.rgb = "dark red"
    assert red.rgb == "dark red" and red != also_red and red == red
    assert len({red, also_red}) == 2
    done = Finished("me", "tired")
    done.why = "done"
    assert isinstance(done, ipc.producerFinished) and done.caller == "me" and done.why == "done"
