# ruff: noqa: UP031
"""A Kamaelia chat server: every connection publishes what its client types to a Backplane and
subscribes to it, so every client sees every line (its own included).

    python chat_server.py [PORT]     (0: any free port; the port chosen is printed)
"""

import sys

from Kamaelia.Chassis.ConnectedServer import ServerCore
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.Backplane import Backplane, PublishTo, SubscribeTo
from Kamaelia.Util.PureTransformer import PureTransformer


def ChatClient(**peer):
    """One connection: what the client sends goes onto the backplane, the backplane comes back."""
    name = "%s:%s" % (peer["peer"], peer["peerport"])
    return Graphline(
        TAG=PureTransformer(lambda data: ("[%s] " % name).encode() + data),
        PUBLISH=PublishTo("CHAT"),
        SUBSCRIBE=SubscribeTo("CHAT"),
        linkages={
            ("self", "inbox"): ("TAG", "inbox"),
            ("TAG", "outbox"): ("PUBLISH", "inbox"),
            ("SUBSCRIBE", "outbox"): ("self", "outbox"),
        },
    )


port = int(sys.argv[1]) if len(sys.argv) > 1 else 1501
Backplane("CHAT").activate()
Pipeline(
    SubscribeTo("CHAT"),
    PureTransformer(lambda data: print("log:", data.decode().strip(), flush=True)),
).activate()
server = ServerCore(protocol=ChatClient, port=port)
print("listening on", server.port, flush=True)
server.run()
