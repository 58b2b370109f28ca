"""The TCP stack: Selector service, TCPServer, ConnectedSocketAdapter, servers and client.

Data flow: the scheduler's reactor reports readiness -> the Selector service sends the socket to
the registered inbox -> a TCPServer accepts (one CSA per connection) or a CSA reads and writes ->
protocol handlers (wired by ServerCore or SingleServer) see bytes on their inbox and answer on
their outbox.
"""

from kamaelia_core.net.csa import CSA, ConnectedSocketAdapter
from kamaelia_core.net.selector import Selector
from kamaelia_core.net.servers import (
    FastRestartServer,
    FastRestartSingleServer,
    MoreComplexServer,
    ServerCore,
    SimpleServer,
    SingleServer,
)
from kamaelia_core.net.tcpclient import TCPClient
from kamaelia_core.net.tcpserver import TCPServer, makeTCPServerPort

__all__ = [
    "CSA",
    "ConnectedSocketAdapter",
    "FastRestartServer",
    "FastRestartSingleServer",
    "MoreComplexServer",
    "Selector",
    "ServerCore",
    "SimpleServer",
    "SingleServer",
    "TCPClient",
    "TCPServer",
    "makeTCPServerPort",
]
