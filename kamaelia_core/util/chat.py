"""LineChat: a line-based chat protocol; every connection's handler shares one room through the CAT.

Each LineChat handler finds the ``ChatRoom`` service in its scheduler's CAT (creating it the first
time), joins it, and sends every complete line its client types to the room, which passes it to
every other member. ``/nick NAME`` renames; ``/who`` lists the room; ``/quit`` leaves.

Slow members (the policy, see ``kamaelia_core.fanout``): a member whose client stops reading
stops taking lines from the room once its connection's send buffer is full, so the room's lines
wait in its ``fromRoom`` inbox. The room delivers through ``Subscribers``: once ``max_backlog``
lines (256 by default) wait unread there, the member is dropped, told so with a
``subscriberDropped`` message, and closes its connection at once; the others read
``* NICK was disconnected: not reading (256 lines waiting)``. Nothing raises, and a member pins at
most ``max_backlog`` lines of ``MAX_LINE`` bytes plus its connection's own bounded buffers
(about 1.3 MB at worst, far less for ordinary lines).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Generator, Hashable
from typing import Any

from kamaelia_core import ipc
from kamaelia_core.component import Component
from kamaelia_core.errors import noSpaceInBox
from kamaelia_core.fanout import BEHIND, ENDED, Subscribers, subscriberDropped, take_batch

ROOM_SERVICE = "linechat.room"
"""CAT name of the shared room's inbox."""
MAX_LINE = 4096
"""Longer lines are cut there; the rest of such a line, up to its newline, is discarded."""
MAX_BACKLOG = 256
"""Lines a member may leave unread before the room disconnects it."""


class ChatRoom(Component):
    """The shared room: members join and leave; what one says goes to all the others.

    Requests on ``inbox`` are tuples: ``("join", member)``, ``("leave", member)``,
    ``("say", member, text)``, ``("who", member)``. Each member gets its own outbox here, linked
    to the member's ``fromRoom`` inbox, through ``Subscribers``: a member that leaves
    ``max_backlog`` lines unread is dropped (see the module's policy).

    Args:
        max_backlog: Lines a member may leave unread before it is disconnected.
        requests_per_slice: Requests served per slice (default: an eighth of ``max_backlog``;
            keep it a small fraction of it).
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

    max_backlog = MAX_BACKLOG
    requests_per_slice: int | None = None
    """Requests served before yielding (None: an eighth of ``max_backlog``; see ``main``)."""

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        self.subscribers = Subscribers(
            self, max_backlog=self.max_backlog, on_drop=self._dropped, prefix="room"
        )
        self.disconnected = 0
        """Members dropped for not reading."""

    @property
    def members(self) -> Any:
        """The members now in the room (a live view)."""
        return self.subscribers.keys()

    def __repr__(self) -> str:
        members = len(self.subscribers)
        return f"<ChatRoom#{self.cid} members={members} disconnected={self.disconnected}>"

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
        batch = self.requests_per_slice or max(1, self.max_backlog // 8)
        try:
            while not self.dataReady("control"):
                # A bounded batch per slice: members that keep up run between two batches, so
                # a burst (a pasted page) is not mistaken for a member that stopped reading.
                if not take_batch(inbox, batch, self._handle):
                    self.pause()
                yield 1
        finally:
            for member in list(self.subscribers):
                self.subscribers.remove(member)
            try:
                if self.tracker.retrieveService(ROOM_SERVICE)[0] is self:
                    self.tracker.deRegisterService(ROOM_SERVICE)
            except KeyError:
                pass

    def _handle(self, request: tuple) -> None:
        verb, member = request[0], request[1]
        subscribers = self.subscribers
        if verb == "join" and member not in subscribers:
            subscribers.add(member, (member, "fromRoom"))
            subscribers.send(f"* {_nick(member)} joined", skip=member)
        elif verb == "leave":
            if subscribers.remove(member):
                subscribers.send(f"* {_nick(member)} left")
        elif verb == "say" and member in subscribers:
            subscribers.send(f"<{_nick(member)}> {request[2]}", skip=member)
        elif verb == "who" and member in subscribers:
            names = ", ".join(sorted(_nick(m) for m in subscribers))
            subscribers.send_to(member, f"* here: {names}")

    def _dropped(self, member: Hashable, why: str, backlog: int) -> None:
        if why == ENDED:  # it went without saying so (it crashed, or was stopped)
            self.subscribers.send(f"* {_nick(member)} left")
            return
        self.disconnected += 1
        waiting = f"{backlog} lines waiting" if why == BEHIND else "its inbox is full"
        self.subscribers.send(f"* {_nick(member)} was disconnected: not reading ({waiting})")


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
        self._unsent: deque[bytes] = deque()
        """Bytes for the client its connection had no room for yet (at most a few)."""

    def main(self) -> Generator[int, None, None]:
        """Join, relay lines both ways, leave."""
        service, new_room = ChatRoom.get(self.tracker)
        if new_room is not None:
            new_room.activate(self.scheduler)
        self.link((self, "toRoom"), service)
        self.send(("join", self), "toRoom")
        self._to_client(f"* welcome, {self.nick}. /nick NAME, /who, /quit\n".encode())
        pending = b""
        skipping = False  # inside a line longer than MAX_LINE, after its first MAX_LINE bytes
        inbox, from_room = self.inboxes["inbox"], self.inboxes["fromRoom"]
        ending: Any = None
        try:
            while ending is None:
                waiting = from_room.storage
                if waiting and isinstance(waiting[-1], subscriberDropped):
                    # the room gave up on this member: its client does not read, close now
                    ending = ipc.shutdownMicroprocess(self)
                    break
                self._flush_to_client()
                # Take the room's next line only once the client's connection took the last:
                # the room then sees this member's backlog and applies its policy.
                while waiting and not self._unsent:
                    self._to_client(f"{from_room.pop()}\n".encode())
                while inbox.storage and ending is None:
                    pending += inbox.pop()
                    *lines, pending = pending.split(b"\n")
                    if skipping and lines:
                        lines.pop(0)  # the end of the over-long line
                        skipping = False
                    if skipping:
                        pending = b""
                    elif len(pending) > MAX_LINE:
                        lines.append(pending[:MAX_LINE])
                        pending, skipping = b"", True
                    for raw in lines:
                        ending = self._line(raw.decode("utf-8", "replace").rstrip("\r"))
                        if ending is not None:
                            break
                if ending is None and self.dataReady("control"):
                    ending = self.recv("control")
                if ending is None:
                    self.pause()
                    yield 1
        finally:
            self.send(("leave", self), "toRoom")
        self.send(ending, "signal")

    def _to_client(self, data: bytes) -> None:
        self._unsent.append(data)
        self._flush_to_client()

    def _flush_to_client(self) -> None:
        """Send what waits for the client; stop where its connection's inbox is full.

        The connection wakes this handler when it takes from that inbox again.
        """
        unsent = self._unsent
        while unsent:
            try:
                self.send(unsent[0], "outbox")
            except noSpaceInBox:
                return
            unsent.popleft()

    def _line(self, text: str) -> Any:
        if text == "/quit":
            self._to_client(b"* bye\n")
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
