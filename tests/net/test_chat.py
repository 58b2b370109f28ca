"""LineChat: lines typed by one client reach the others through the shared room in the CAT."""

from __future__ import annotations

import pytest

from kamaelia_core.net import ServerCore
from kamaelia_core.util.chat import ROOM_SERVICE, ChatRoom, LineChat
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
