"""An echo server on loopback: ServerCore + Echo, one Echo per connection.

    python assets/examples/echo_server.py --port 1601 --duration 30

Try it with ``nc 127.0.0.1 1601``. It stops by itself after ``--duration`` seconds.
"""

from __future__ import annotations

import argparse
import logging

from kamaelia_core import Scheduler
from kamaelia_core.net import ServerCore
from kamaelia_core.util.echo import Echo
from kamaelia_core.util.timing import StopAfter


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=1601, help="0: any free port")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds to run")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    with Scheduler() as sched:
        server = ServerCore(protocol=Echo, port=args.port)
        stopper = StopAfter(args.duration)
        stopper.link((stopper, "signal"), (server, "control"))
        sched.activate(server)
        sched.activate(stopper)
        logging.info("echo server on 127.0.0.1:%d for %.0f s", server.port, args.duration)
        sched.run()


if __name__ == "__main__":
    main()
