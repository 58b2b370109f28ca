"""A catalog of the real kamaelia_core components, for tests that run graphs."""

from __future__ import annotations

from kamaelia_core.chassis.graphline import Graphline
from kamaelia_core.chassis.pipeline import Pipeline
from kamaelia_core.net import ConnectedSocketAdapter, Selector, ServerCore, TCPClient, TCPServer
from kamaelia_core.util import Collector, ConsoleEchoer, DataSource, PureTransformer
from kamaelia_core.util.echo import Echo
from workbench.model import Catalog


def real_catalog() -> Catalog:
    """Chassis, net and util classes of kamaelia_core."""
    return Catalog(
        [
            Pipeline,
            Graphline,
            ServerCore,
            TCPServer,
            TCPClient,
            Selector,
            ConnectedSocketAdapter,
            Echo,
            Collector,
            ConsoleEchoer,
            DataSource,
            PureTransformer,
        ]
    )
