"""Small reusable components for the palette: sources, transformers, sinks, protocols, timing."""

from kamaelia_core.util.chat import ChatRoom, LineChat
from kamaelia_core.util.collector import Collector
from kamaelia_core.util.console import ConsoleEchoer, ConsoleReader
from kamaelia_core.util.echo import Echo
from kamaelia_core.util.http import HelloHTTP
from kamaelia_core.util.sources import DataSource, RateSource
from kamaelia_core.util.timing import StopAfter
from kamaelia_core.util.transformers import PureTransformer

__all__ = [
    "ChatRoom",
    "Collector",
    "ConsoleEchoer",
    "ConsoleReader",
    "DataSource",
    "Echo",
    "HelloHTTP",
    "LineChat",
    "PureTransformer",
    "RateSource",
    "StopAfter",
]
