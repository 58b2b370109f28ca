"""Client and server in one program: N TCPClients talk to an echo ServerCore over loopback.

    python assets/examples/client_server.py --clients 20

Each client sends a few lines, checks the echo, and finishes with producerFinished; the program
ends once every client has finished and the server has been shut down.
"""

from __future__ import annotations

import argparse
import logging

from kamaelia_core import Component, Scheduler, ipc
from kamaelia_core.net import ServerCore, TCPClient
from kamaelia_core.util.echo import Echo
from kamaelia_core.util.timing import StopAfter


class Talker(Component):
    """Sends ``lines``, collects the echo, then tells its client to finish."""

    Inboxes = {"inbox": "Echoed bytes", "control": "The client's signal (it ended)"}
    Outboxes = {"outbox": "Bytes to send", "signal": "producerFinished to the client"}

    def __init__(self, n: int, lines: int = 3) -> None:
        super().__init__()
        self.want = b"".join(b"client %d line %d\n" % (n, i) for i in range(lines))
        self.got = bytearray()

    def main(self):
        self.send(self.want, "outbox")
        while len(self.got) < len(self.want) and not self.dataReady("control"):
            while self.dataReady("inbox"):
                self.got += self.recv("inbox")
            if len(self.got) < len(self.want):
                self.pause()
                yield 1
        self.send(ipc.producerFinished(self), "signal")
        while not self.dataReady("control"):
            self.pause()
            yield 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    with Scheduler() as sched:
        server = ServerCore(protocol=Echo, port=0)
        sched.activate(server)
        talkers: list[Talker] = []
        for n in range(args.clients):
            client, talker = TCPClient("127.0.0.1", server.port), Talker(n)
            talker.link((talker, "outbox"), (client, "inbox"))
            talker.link((talker, "signal"), (client, "control"))
            talker.link((client, "outbox"), (talker, "inbox"))
            talker.link((client, "signal"), (talker, "control"))
            sched.activate(client)
            sched.activate(talker)
            talkers.append(talker)
        referee = StopAfter(None, watched=talkers)  # shuts the server down once every talker ends
        referee.link((referee, "signal"), (server, "control"))
        sched.activate(referee)
        sched.run()
    good = sum(bytes(t.got) == t.want for t in talkers)
    logging.info("%d of %d clients got their echo back", good, len(talkers))


if __name__ == "__main__":
    main()
