"""LineChat: a line-based chat protocol; every connection's handler shares one room through the CAT.

Each LineChat handler finds the ``ChatRoom`` service in its scheduler's CAT (creating it the first
time), joins it, and sends every complete line its client types to the room, which passes it to
every other member. ``/nick NAME`` renames; ``/who`` lists the room; ``/quit`` leaves.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from kamaelia_core import ipc
from kamaelia_core.component import Component
from kamaelia_core.linkage import Box

ROOM_SERVICE = "linechat.room"
"""CAT name of the shared room's inbox."""
MAX_LINE = 4096
"""Longer lines are cut (a client cannot grow the buffer without limit)."""


class ChatRoom(Component):
    """The shared room: members join and leave; what one says goes to all the others.

    Requests on ``inbox`` are tuples: ``("join", member)``, ``("leave", member)``,
    ``("say", member, text)``, ``("who", member)``. Each member gets its own outbox here, linked
    to the member's ``fromRoom`` inbox.
    """

    Inboxes = {
        "inbox": "('join'|'leave'|'who', member) or ('say', member, text)",
        "control": "shutdownMicroprocess ends the room",
    }
    Outboxes = {
        "outbox": "Unused",
        "signal": "Unused",
    }
    Daemon = True
    IsService = True
    Category = "Util"

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        self.members: dict[Component, tuple[str, Any]] = {}
        self._count = 0

    @classmethod
    def get(cls, tracker: Any) -> tuple[tuple[Component, str], ChatRoom | None]:
        """``(service, new_room_or_None)``; the caller activates a new room."""
        try:
            return tracker.retrieveService(ROOM_SERVICE), None
        except KeyError:
            room = cls()
            tracker.registerService(ROOM_SERVICE, room, "inbox")
            return (room, "inbox"), room

    def main(self) -> Generator[int, None, None]:
        """Serve requests until shut down."""
        inbox = self.inboxes["inbox"]
        try:
            while not self.dataReady("control"):
                while inbox.storage:
                    self._handle(inbox.pop())
                self.pause()
                yield 1
        finally:
            for member in list(self.members):
                self._leave(member, quiet=True)
            try:
                if self.tracker.retrieveService(ROOM_SERVICE)[0] is self:
                    self.tracker.deRegisterService(ROOM_SERVICE)
            except KeyError:
                pass

    def _handle(self, request: tuple) -> None:
        verb, member = request[0], request[1]
        if verb == "join" and member not in self.members:
            self._count += 1
            name = f"room{self._count}"
            self.outboxes[name] = Box(self, name, False)
            linkage = self.link((self, name), (member, "fromRoom"))
            self.members[member] = (name, linkage)
            self._tell_others(member, f"* {_nick(member)} joined")
        elif verb == "leave":
            self._leave(member)
        elif verb == "say" and member in self.members:
            self._tell_others(member, f"<{_nick(member)}> {request[2]}")
        elif verb == "who" and member in self.members:
            names = ", ".join(sorted(_nick(m) for m in self.members))
            self.send(f"* here: {names}", self.members[member][0])

    def _leave(self, member: Component, quiet: bool = False) -> None:
        entry = self.members.pop(member, None)
        if entry is None:
            return
        name, linkage = entry
        self.unlink(thelinkage=linkage)
        del self.outboxes[name]
        if not quiet:
            self._tell_others(member, f"* {_nick(member)} left")

    def _tell_others(self, speaker: Component, text: str) -> None:
        for member, (box, _linkage) in self.members.items():
            if member is not speaker:
                self.send(text, box)


def _nick(member: Any) -> str:
    return getattr(member, "nick", member.name)


class LineChat(Component):
    """One chat connection: bytes in, lines to the room; the room's lines back out as bytes.

    Args:
        peer: Client address (ServerCore passes it); used for the default nick.
        peerport: Client port.
        **argd: Other ServerCore keywords, kept as attributes.
    """

    Inboxes = {
        "inbox": "Bytes typed by the client",
        "control": "socketShutdown/producerFinished/shutdownMicroprocess: leave and end",
        "fromRoom": "Lines said by the other members",
    }
    Outboxes = {
        "outbox": "Bytes for the client",
        "signal": "producerFinished after /quit, or the control message that ended the chat",
        "toRoom": "Requests to the shared ChatRoom",
    }
    Category = "Util"

    def __init__(self, peer: str = "", peerport: int = 0, **argd: Any) -> None:
        super().__init__(**argd)
        self.nick = f"{peer}:{peerport}" if peer else f"guest{self.cid}"

    def main(self) -> Generator[int, None, None]:
        """Join, relay lines both ways, leave."""
        service, new_room = ChatRoom.get(self.tracker)
        if new_room is not None:
            new_room.activate(self.scheduler)
        self.link((self, "toRoom"), service)
        self.send(("join", self), "toRoom")
        self.send(f"* welcome, {self.nick}. /nick NAME, /who, /quit\n".encode(), "outbox")
        pending = b""
        inbox, from_room = self.inboxes["inbox"], self.inboxes["fromRoom"]
        ending: Any = None
        while ending is None:
            while from_room.storage:
                self.send(f"{from_room.pop()}\n".encode(), "outbox")
            while inbox.storage and ending is None:
                pending += inbox.pop()
                *lines, pending = pending.split(b"\n")
                if len(pending) > MAX_LINE:
                    lines.append(pending[:MAX_LINE])
                    pending = b""
                for raw in lines:
                    ending = self._line(raw.decode("utf-8", "replace").rstrip("\r"))
                    if ending is not None:
                        break
            if self.dataReady("control"):
                ending = self.recv("control")
            if ending is None:
                self.pause()
                yield 1
        self.send(("leave", self), "toRoom")
        self.send(ending, "signal")

    def _line(self, text: str) -> Any:
        if text == "/quit":
            self.send(b"* bye\n", "outbox")
            return ipc.producerFinished(self)
        if text == "/who":
            self.send(("who", self), "toRoom")
        elif text.startswith("/nick "):
            old, self.nick = self.nick, text[6:].strip()[:32] or self.nick
            self.send(("say", self, f"(was {old})"), "toRoom")
        elif text:
            self.send(("say", self, text), "toRoom")
        return None


__kamaelia_components__ = (LineChat, ChatRoom)
