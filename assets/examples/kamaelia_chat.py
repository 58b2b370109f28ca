"""A chat server written the Kamaelia way (Axon/Kamaelia imports), run unchanged on kamaelia_core.

    kamaelia-run assets/examples/kamaelia_chat.py [PORT]     (default 1500; 0: any free port)

Connect from two terminals with ``nc 127.0.0.1 1500`` and type: every line goes to everyone,
tagged with who said it. Each connection's protocol handler publishes what its client says to
the "CHAT" Backplane and subscribes to it. Stop the server with Ctrl-C.
"""

import sys

from Kamaelia.Chassis.ConnectedServer import ServerCore
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.Backplane import Backplane, PublishTo, SubscribeTo
from Kamaelia.Util.PureTransformer import PureTransformer


def ChatProtocol(**peer):
    """One connection: its lines go onto the backplane, everything on the backplane comes back."""
    tag = f"<{peer['peer']}:{peer['peerport']}> ".encode()
    return Graphline(
        SAY=Pipeline(PureTransformer(lambda line: tag + line), PublishTo("CHAT")),
        HEAR=SubscribeTo("CHAT"),
        linkages={
            ("self", "inbox"): ("SAY", "inbox"),
            ("HEAR", "outbox"): ("self", "outbox"),
        },
    )


port = int(sys.argv[1]) if len(sys.argv) > 1 else 1500
Backplane("CHAT").activate()
server = ServerCore(protocol=ChatProtocol, port=port)
print("listening on", server.port, flush=True)
server.run()
