"""A tiny HTTP/1.0 server on loopback answering "Hello, world!" to every GET.

    python assets/examples/http_hello.py --port 8080 --duration 30

Try ``curl http://127.0.0.1:8080/``. ``--requests N`` makes N requests itself (with TCPClient)
and ends when they are answered.
"""

from __future__ import annotations

import argparse
import logging

from kamaelia_core import Component, Scheduler
from kamaelia_core.net import ServerCore, TCPClient
from kamaelia_core.util.http import HelloHTTP
from kamaelia_core.util.timing import StopAfter


class Fetch(Component):
    """Sends one GET through its TCPClient and keeps the answer."""

    Inboxes = {"inbox": "Response bytes", "control": "The client's signal"}
    Outboxes = {"outbox": "The request", "signal": "Unused"}

    def main(self):
        self.send(b"GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n", "outbox")
        answer = bytearray()
        while not self.dataReady("control"):
            while self.dataReady("inbox"):
                answer += self.recv("inbox")
            self.pause()
            yield 1
        while self.dataReady("inbox"):
            answer += self.recv("inbox")
        logging.info("%s: %r", self.name, bytes(answer).split(b"\r\n", 1)[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8080, help="0: any free port")
    parser.add_argument("--duration", type=float, default=30.0, help="longest run, seconds")
    parser.add_argument("--requests", type=int, default=0, help="requests to make itself")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    with Scheduler() as sched:
        server = ServerCore(protocol=HelloHTTP, port=args.port)
        sched.activate(server)
        fetches: list[Component] = []
        for _ in range(args.requests):
            client, fetch = TCPClient("127.0.0.1", server.port), Fetch()
            fetch.link((client, "outbox"), (fetch, "inbox"))
            fetch.link((fetch, "outbox"), (client, "inbox"))
            fetch.link((client, "signal"), (fetch, "control"))
            sched.activate(client)
            sched.activate(fetch)
            fetches.append(fetch)
        stopper = StopAfter(args.duration, watched=fetches)
        stopper.link((stopper, "signal"), (server, "control"))
        sched.activate(stopper)
        logging.info("HTTP hello on http://127.0.0.1:%d/", server.port)
        sched.run()


if __name__ == "__main__":
    main()
