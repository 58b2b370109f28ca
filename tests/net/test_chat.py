"""LineChat: lines typed by one client reach the others through the shared room in the CAT."""

from __future__ import annotations

import socket

import pytest

from kamaelia_core.net import ServerCore
from kamaelia_core.util.chat import MAX_LINE, ROOM_SERVICE, ChatRoom, LineChat
from kamaelia_core.util.collector import Collector
from tests.net.conftest import connect, drive, recv_some

pytestmark = pytest.mark.timeout(30)


class Reader:
    def __init__(self, sock):
        self.sock, self.text = sock, ""

    def pump(self):
        chunk = recv_some(self.sock)
        if chunk:
            self.text += chunk.decode()


def test_lines_go_to_the_other_members(sched):
    server = ServerCore(protocol=LineChat, port=0)
    sched.activate(server)
    a, b = connect(server.port), connect(server.port)
    ra, rb = Reader(a), Reader(b)

    def both():
        ra.pump()
        rb.pump()

    try:
        drive(sched, lambda: "welcome" in ra.text and "welcome" in rb.text, client=both)
        room = sched.tracker.retrieveService(ROOM_SERVICE)[0]
        assert isinstance(room, ChatRoom) and len(room.members) == 2
        a.sendall(b"/nick alice\r\nhello ")
        a.sendall(b"everyone\n")
        drive(sched, lambda: "<alice> hello everyone\n" in rb.text, client=both)
        assert "hello everyone" not in ra.text  # not echoed to the speaker
        b.sendall(b"/who\n")
        drive(
            sched,
            lambda: "* here:" in rb.text and "alice" in rb.text.split("* here:")[1],
            client=both,
        )
        b.sendall(b"/quit\n")
        drive(sched, lambda: "* bye" in rb.text and "left" in ra.text, client=both)
        drive(sched, lambda: len(room.members) == 1, client=both)
    finally:
        a.close()
        b.close()
    drive(sched, lambda: not room.members)


def test_a_member_that_stops_reading_is_disconnected_and_nothing_crashes(sched):
    room = ChatRoom(max_backlog=20)
    sched.tracker.registerService(ROOM_SERVICE, room, "inbox")
    sched.activate(room)
    crashes = []
    sched.add_crash_handler(lambda comp, exc: crashes.append((comp, exc)))
    server = ServerCore(protocol=LineChat, port=0)
    sched.activate(server)
    sched.run_until_idle()
    slow = socket.socket()
    slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connecting (the window)
    slow.connect(("127.0.0.1", server.port))
    slow.setblocking(False)
    talker, listener = connect(server.port), connect(server.port)
    rl, rt = Reader(listener), Reader(talker)

    def readers():
        rl.pump()
        rt.pump()

    try:
        drive(sched, lambda: len(room.members) == 3)
        slow.sendall(b"/nick slow\n")
        talker.sendall(b"/nick talker\n")
        drive(sched, lambda: "(was" in rl.text and rl.text.count("(was") == 2, client=readers)
        (member,) = [m for m in room.members if m.nick == "slow"]
        (csa,) = [c for c, conn in server.connections.items() if conn.handler is member]
        # a small send buffer for the member that does not read: its backlog builds up quickly
        csa.socket.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
        line = b"x" * 1000 + b"\n"
        for _ in range(400):
            talker.sendall(line)
            sched.run_until_idle()
            readers()
        drive(sched, lambda: "slow was disconnected" in rl.text, client=readers)
        assert "* slow was disconnected: not reading (20 lines waiting)\n" in rl.text
        assert "* slow was disconnected" in rt.text
        drive(sched, lambda: rl.text.count("<talker> x") == 400, client=readers)
        assert crashes == []
        assert room.disconnected == 1 and len(room.members) == 2 and member not in room.members
        assert member.state == "finished"
        got, ended = 0, []

        def drain_slow():
            nonlocal got
            try:
                chunk = recv_some(slow)
            except ConnectionResetError:
                chunk = b""
            if chunk == b"":
                ended.append(True)
            elif chunk:
                got += len(chunk)

        drive(sched, lambda: ended, client=drain_slow)  # its connection was closed
        assert got < 400 * len(line)  # it did not get everything: it was cut off
        drive(sched, lambda: len(server.connections) == 2, client=readers)
        talker.sendall(b"still talking\n")
        drive(sched, lambda: "<talker> still talking" in rl.text, client=readers)
    finally:
        for sock in (slow, talker, listener):
            sock.close()
    drive(sched, lambda: not room.members)
    assert crashes == []


@pytest.fixture
def chat_alone(sched):
    """A LineChat whose room is a Collector (its requests are kept), and what it sends."""
    requests = Collector()
    sched.tracker.registerService(ROOM_SERVICE, requests, "inbox")
    chat, to_client = LineChat(), Collector()
    to_client.link((chat, "outbox"), (to_client, "inbox"))
    for comp in (requests, chat, to_client):
        sched.activate(comp)
    sched.run_until_idle()
    return chat, requests.collected, to_client.collected


def said(requests):
    return [r[2] for r in requests if r[0] == "say"]


def test_an_over_long_line_is_cut_once_and_the_rest_of_it_discarded(sched, chat_alone):
    chat, requests, _to_client = chat_alone
    chat._deliver(b"a" * (MAX_LINE - 10))
    chat._deliver(b"b" * 100)
    chat._deliver(b"c" * 5000 + b"\nnext line\n")
    sched.run_until_idle()
    assert said(requests) == ["a" * (MAX_LINE - 10) + "b" * 10, "next line"]


@pytest.mark.slow
def test_a_100mb_line_without_newline_holds_bounded_memory(sched, chat_alone):
    import tracemalloc

    chat, requests, _to_client = chat_alone
    chunk = b"x" * 65536  # what a CSA passes on per read
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        for i in range(100 * 16):  # 100 MB
            chat._deliver(chunk)
            if i % 16 == 0:
                sched.run_until_idle()
        sched.run_until_idle()
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    assert peak < 1024 * 1024  # a few chunks at most, never the line
    assert said(requests) == ["x" * MAX_LINE]  # said once, cut
    chat._deliver(b"tail\nhello\n")
    sched.run_until_idle()
    assert said(requests) == ["x" * MAX_LINE, "hello"]


class Fragile(LineChat):
    """A LineChat with a bug: ``/boom`` raises."""

    def _line(self, text):
        if text == "/boom":
            raise RuntimeError("boom")
        return super()._line(text)


@pytest.mark.expect_errors(match=r"component Fragile#\d+ crashed")
def test_a_member_whose_handler_crashes_leaves_the_room_and_the_others_carry_on(sched):
    crashes = []
    sched.add_crash_handler(lambda comp, exc: crashes.append(comp))
    server = ServerCore(protocol=Fragile, port=0)
    sched.activate(server)
    a, b = connect(server.port), connect(server.port)
    ra, rb = Reader(a), Reader(b)

    def both():
        ra.pump()
        rb.pump()

    try:
        drive(sched, lambda: "welcome" in ra.text and "welcome" in rb.text, client=both)
        room = sched.tracker.retrieveService(ROOM_SERVICE)[0]
        a.sendall(b"/nick alice\n/boom\n")
        drive(sched, lambda: "* alice left" in rb.text, client=both)
        assert [c.nick for c in crashes] == ["alice"] and len(room.members) == 1
        drive(sched, lambda: recv_some(a) == b"")  # only alice's connection closed
        b.sendall(b"/who\n")
        drive(sched, lambda: "* here:" in rb.text, client=both)
        assert "alice" not in rb.text.split("* here:")[1]
    finally:
        a.close()
        b.close()
    drive(sched, lambda: not room.members)
