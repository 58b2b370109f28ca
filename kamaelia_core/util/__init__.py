"""Small reusable components for the palette: sources, transformers, sinks, protocols, timing."""

from kamaelia_core.util.backplane import Backplane, PublishTo, SubscribeTo
from kamaelia_core.util.chat import ChatRoom, LineChat
from kamaelia_core.util.collector import Collector
from kamaelia_core.util.console import ConsoleEchoer, ConsoleReader
from kamaelia_core.util.echo import Echo
from kamaelia_core.util.fanout import Fanout
from kamaelia_core.util.files import PromptedFileReader, SimpleFileWriter, SimpleReader
from kamaelia_core.util.fortune import FortuneCookieProtocol
from kamaelia_core.util.http import HelloHTTP
from kamaelia_core.util.plumbing import NullSink, PassThrough
from kamaelia_core.util.ratelimit import MessageRateLimit, OnDemandLimit
from kamaelia_core.util.sources import (
    Chargen,
    DataSource,
    OneShot,
    RateSource,
    TriggeredOneShot,
    TriggeredSource,
)
from kamaelia_core.util.splitter import Plug, PlugSplitter
from kamaelia_core.util.timing import Clock, StopAfter
from kamaelia_core.util.transformers import PureTransformer

__all__ = [
    "Backplane",
    "Chargen",
    "ChatRoom",
    "Clock",
    "Collector",
    "ConsoleEchoer",
    "ConsoleReader",
    "DataSource",
    "Echo",
    "Fanout",
    "FortuneCookieProtocol",
    "HelloHTTP",
    "LineChat",
    "MessageRateLimit",
    "NullSink",
    "OnDemandLimit",
    "OneShot",
    "PassThrough",
    "Plug",
    "PlugSplitter",
    "PromptedFileReader",
    "PublishTo",
    "PureTransformer",
    "RateSource",
    "SimpleFileWriter",
    "SimpleReader",
    "StopAfter",
    "SubscribeTo",
    "TriggeredOneShot",
    "TriggeredSource",
]
