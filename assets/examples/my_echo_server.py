"""A ten-line echo server on kamaelia_core: ``python my_echo_server.py --port 0``."""

import argparse

from kamaelia_core.net import ServerCore
from kamaelia_core.util.echo import Echo

parser = argparse.ArgumentParser(description="Send every line back to the client that sent it.")
parser.add_argument("--port", type=int, default=1601, help="TCP port (0: any free one)")
server = ServerCore(protocol=Echo, port=parser.parse_args().port)
print(f"echo server listening on 127.0.0.1:{server.port}", flush=True)
server.run()
