"""A line-based chat server on loopback: ServerCore + LineChat, one shared room.

    python assets/examples/chat_server.py --port 1602 --duration 60

Connect two terminals with ``nc 127.0.0.1 1602`` and type. ``--demo N`` instead connects N
scripted clients that say hello and leave, and the program ends when they have.
"""

from __future__ import annotations

import argparse
import logging

from kamaelia_core import Component, Scheduler
from kamaelia_core.net import ServerCore, TCPClient
from kamaelia_core.util.chat import LineChat
from kamaelia_core.util.timing import StopAfter


class Chatter(Component):
    """A scripted client: says hello once welcomed, quits once it heard every other bot's hello
    (or after ``patience`` seconds)."""

    Inboxes = {"inbox": "Bytes from the server", "control": "The client's signal"}
    Outboxes = {"outbox": "Bytes to the server", "signal": "Unused"}

    def __init__(self, n: int, others: int, patience: float = 3.0) -> None:
        super().__init__()
        self.n, self.others, self.patience = n, others, patience
        self.heard = bytearray()
        self.bored = False

    def main(self):
        said = quit_sent = False
        self.scheduler.call_later(self.patience, self._bored)
        while not self.dataReady("control"):
            while self.dataReady("inbox"):
                self.heard += self.recv("inbox")
            if not said and b"welcome" in self.heard:
                self.send(f"/nick bot{self.n}\nhello from bot{self.n}\n".encode(), "outbox")
                said = True
            heard_all = self.heard.count(b"> hello from bot") >= self.others
            if said and not quit_sent and (heard_all or self.bored):
                self.send(b"/quit\n", "outbox")
                quit_sent = True
            self.pause()
            yield 1
        logging.info("bot%d heard: %r", self.n, bytes(self.heard)[-120:])

    def _bored(self) -> None:
        self.bored = True
        self.unpause()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=1602, help="0: any free port")
    parser.add_argument("--duration", type=float, default=60.0, help="longest run, seconds")
    parser.add_argument("--demo", type=int, default=0, help="scripted clients to run")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    with Scheduler() as sched:
        server = ServerCore(protocol=LineChat, port=args.port)
        sched.activate(server)
        bots: list[Component] = []
        for n in range(args.demo):
            client, bot = TCPClient("127.0.0.1", server.port), Chatter(n, args.demo - 1)
            bot.link((client, "outbox"), (bot, "inbox"))
            bot.link((bot, "outbox"), (client, "inbox"))
            bot.link((client, "signal"), (bot, "control"))
            sched.activate(client)
            sched.activate(bot)
            bots.append(bot)
        stopper = StopAfter(args.duration, watched=bots)
        stopper.link((stopper, "signal"), (server, "control"))
        sched.activate(stopper)
        logging.info("chat server on 127.0.0.1:%d", server.port)
        sched.run()


if __name__ == "__main__":
    main()
