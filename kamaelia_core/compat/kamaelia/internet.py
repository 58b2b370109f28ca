"""Kamaelia.Internet on kamaelia_core: Selector, TCPServer, CSA, TCPClient and SingleServer.

``makeTCPServerPort`` is a module-level function here (a TCPServer method in Kamaelia) and it
raises OSError on a bind failure instead of returning ``(None, None)``. Servers listen on
127.0.0.1 unless given ``host=``.
"""

from __future__ import annotations

from kamaelia_core.compat.kamaelia import ModuleTable, old_home
from kamaelia_core.net import (
    ConnectedSocketAdapter,
    FastRestartSingleServer,
    Selector,
    SingleServer,
    TCPClient,
    TCPServer,
    makeTCPServerPort,
)
from kamaelia_core.util.echo import Echo

MODULES: ModuleTable = {
    "Kamaelia.Internet.Selector": (
        "Selector: the service that watches sockets for the TCP components.",
        {"Selector": Selector},
    ),
    "Kamaelia.Internet.TCPServer": (
        "TCPServer: accepts connections and makes a ConnectedSocketAdapter for each.",
        {"TCPServer": TCPServer, "makeTCPServerPort": makeTCPServerPort},
    ),
    "Kamaelia.Internet.ConnectedSocketAdapter": (
        "ConnectedSocketAdapter: moves bytes between a connected socket and its boxes.",
        {"ConnectedSocketAdapter": ConnectedSocketAdapter},
    ),
    "Kamaelia.Internet.TCPClient": (
        "TCPClient: connects to a server; inbox to the socket, the socket to outbox.",
        {"TCPClient": TCPClient},
    ),
    "Kamaelia.Internet.SingleServer": (
        "SingleServer: a server for one client at a time, through its own boxes.",
        {
            "SingleServer": SingleServer,
            "FastRestartSingleServer": FastRestartSingleServer,
            "echo": Echo,
        },
    ),
}
old_home(MODULES, "Kamaelia.SingleServer", "Kamaelia.Internet.SingleServer", "SingleServer")
