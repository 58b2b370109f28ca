"""Small reusable components for the palette: sources, transformers, sinks, console, echo."""

from kamaelia_core.util.collector import Collector
from kamaelia_core.util.console import ConsoleEchoer, ConsoleReader
from kamaelia_core.util.sources import DataSource, RateSource
from kamaelia_core.util.transformers import PureTransformer

__all__ = [
    "Collector",
    "ConsoleEchoer",
    "ConsoleReader",
    "DataSource",
    "PureTransformer",
    "RateSource",
]
