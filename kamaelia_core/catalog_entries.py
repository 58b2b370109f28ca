"""The palette: kamaelia_core's components as the workbench catalog reads them (entry point).

``pyproject.toml`` registers ``COMPONENTS`` under ``kamaelia_workbench.components``; the catalog
builds each palette entry from the class's own boxes, docstring, signature and tool attributes
(``Category``, ``ContainerKind``, ``SpawnsChildren``, ``IsService``).
"""

from __future__ import annotations

from kamaelia_core.chassis.carousel import Carousel
from kamaelia_core.chassis.graphline import Graphline
from kamaelia_core.chassis.pipeline import Pipeline
from kamaelia_core.net.csa import ConnectedSocketAdapter
from kamaelia_core.net.selector import Selector
from kamaelia_core.net.servers import ServerCore, SimpleServer, SingleServer
from kamaelia_core.net.tcpclient import TCPClient
from kamaelia_core.net.tcpserver import TCPServer
from kamaelia_core.util.chat import LineChat
from kamaelia_core.util.collector import Collector
from kamaelia_core.util.console import ConsoleEchoer, ConsoleReader
from kamaelia_core.util.echo import Echo
from kamaelia_core.util.http import HelloHTTP
from kamaelia_core.util.sources import DataSource, RateSource
from kamaelia_core.util.timing import StopAfter
from kamaelia_core.util.transformers import PureTransformer

COMPONENTS: list[type] = [
    # chassis
    Pipeline,
    Graphline,
    Carousel,
    # util
    DataSource,
    RateSource,
    PureTransformer,
    Collector,
    ConsoleEchoer,
    ConsoleReader,
    Echo,
    LineChat,
    HelloHTTP,
    StopAfter,
    # internet
    TCPServer,
    TCPClient,
    SingleServer,
    ServerCore,
    SimpleServer,
    Selector,
    ConnectedSocketAdapter,
]
"""Every palette component, in palette order within each category."""
