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


@pytest.mark.core_only
def test_equal_messages_hash_alike_so_a_set_keeps_one():
    a = Component()
    assert len({ipc.producerFinished(), ipc.producerFinished()}) == 1
    assert len({ipc.producerFinished(a, "done"), ipc.producerFinished(a, "done")}) == 1
    assert len({ipc.shutdownMicroprocess(a), ipc.shutdownMicroprocess(a)}) == 1
    # equal strings built at run time are distinct objects: the hash must follow the value
    one, two = "".join(["do", "ne"]), "".join(["d", "one"])
    assert one is not two
    assert hash(ipc.producerFinished(a, one)) == hash(ipc.producerFinished(a, two))
    assert ipc.producerFinished(a, "done") in {ipc.producerFinished(a, "done")}


@pytest.mark.core_only
def test_components_in_messages_compare_by_identity():
    a, b = Component(), Component()
    assert ipc.producerFinished(a) != ipc.producerFinished(b)
    assert len({ipc.shutdownMicroprocess(a), ipc.shutdownMicroprocess(b)}) == 2
    assert ipc.newCSA(a, (b, None)) == ipc.newCSA(a, (b, None))
    assert ipc.newCSA(a, (b, None)) != ipc.newCSA(b, (a, None))


@pytest.mark.core_only
def test_messages_with_unhashable_payloads_are_still_hashable_and_consistent():
    a = Component()
    first, second = ipc.notify(a, [1, 2, {"k": 3}]), ipc.notify(a, [1, 2, {"k": 3}])
    assert first == second and hash(first) == hash(second)
    assert len({first, second}) == 1
    assert ipc.notify(a, [1]) != ipc.notify(a, [2])
    # a set payload equals a frozenset one, so they must hash alike too
    assert ipc.notify(a, {1, 2}) == ipc.notify(a, frozenset({1, 2}))
    assert hash(ipc.notify(a, {1, 2})) == hash(ipc.notify(a, frozenset({1, 2})))


@pytest.mark.core_only
def test_nested_messages_and_subclasses_keep_the_contract():
    inner = ipc.producerFinished(None, "x")
    assert ipc.producerFinished(None, inner) == ipc.producerFinished(
        None, ipc.producerFinished(None, "x")
    )
    assert hash(ipc.producerFinished(None, inner)) == hash(
        ipc.producerFinished(None, ipc.producerFinished(None, "x"))
    )
    assert ipc.socketShutdown() != ipc.producerFinished()  # a subclass is another message
    assert ipc.producerFinished() != "producerFinished()"


@pytest.mark.core_only
def test_sockets_and_exceptions_in_messages_hash_by_identity():
    a, failure = Component(), ValueError("x")
    assert len({ipc.errorInformation(a, failure), ipc.errorInformation(a, failure)}) == 1
    assert ipc.errorInformation(a, ValueError("x")) != ipc.errorInformation(a, ValueError("x"))
    sock = object()
    reg = ipc.newReader(a, ((a, "ReadReady"), sock))
    assert reg == ipc.newReader(a, ((a, "ReadReady"), sock))
    assert hash(reg) == hash(ipc.newReader(a, ((a, "ReadReady"), sock)))
    assert reg != ipc.newReader(a, ((a, "ReadReady"), object()))


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
