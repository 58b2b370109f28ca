"""Kamaelia.Util on kamaelia_core: sources, sinks, transformers, fan-outs and the Backplane.

Differences a Kamaelia user may notice, all deliberate: ``ConsoleReader`` ends (producerFinished)
at end of input instead of crashing; ``Fanout`` copies to the named outboxes only; a Backplane
keeps at most 1000 messages waiting for a slow subscriber (the oldest are dropped, see
``kamaelia_core.util.backplane``); ``CheapAndCheerfulClock`` ticks on a timer, not a thread;
``MessageRateLimit`` also starts when the producer finishes before ``buffer`` messages came.
"""

from __future__ import annotations

from kamaelia_core.compat.kamaelia import ModuleTable
from kamaelia_core.util import (
    Backplane,
    Chargen,
    Clock,
    ConsoleEchoer,
    ConsoleReader,
    DataSource,
    Fanout,
    MessageRateLimit,
    NullSink,
    OnDemandLimit,
    OneShot,
    PassThrough,
    Plug,
    PlugSplitter,
    PublishTo,
    PureTransformer,
    SubscribeTo,
    TriggeredOneShot,
    TriggeredSource,
)
from kamaelia_core.util.files import PromptedFileReader, SimpleFileWriter, SimpleReader
from kamaelia_core.util.splitter import addsink, removesink

MODULES: ModuleTable = {
    "Kamaelia.Util.Console": (
        "ConsoleReader (lines from standard input), ConsoleEchoer (messages to standard output).",
        {"ConsoleReader": ConsoleReader, "ConsoleEchoer": ConsoleEchoer},
    ),
    "Kamaelia.Util.PureTransformer": (
        "PureTransformer: applies a function to every message.",
        {"PureTransformer": PureTransformer},
    ),
    "Kamaelia.Util.Backplane": (
        "Backplane, PublishTo, SubscribeTo: a named many-to-many bus.",
        {
            "Backplane": Backplane,
            "PublishTo": PublishTo,
            "SubscribeTo": SubscribeTo,
            "publishTo": PublishTo,
            "subscribeTo": SubscribeTo,
        },
    ),
    "Kamaelia.Util.RateFilter": (
        "MessageRateLimit (at most N messages a second) and OnDemandLimit (one per request).",
        {"MessageRateLimit": MessageRateLimit, "OnDemandLimit": OnDemandLimit},
    ),
    "Kamaelia.Util.Fanout": (
        "Fanout: a copy of each message out of each named outbox.",
        {"Fanout": Fanout, "fanout": Fanout},
    ),
    "Kamaelia.Util.Splitter": (
        "PlugSplitter and Plug: consumers plug in and out of a shared source at run time.",
        {
            "PlugSplitter": PlugSplitter,
            "Plug": Plug,
            "Splitter": PlugSplitter,
            "addsink": addsink,
            "removesink": removesink,
        },
    ),
    "Kamaelia.Util.OneShot": (
        "OneShot (one message, then done) and TriggeredOneShot (one message when triggered).",
        {"OneShot": OneShot, "TriggeredOneShot": TriggeredOneShot},
    ),
    "Kamaelia.Util.Chargen": (
        "Chargen: the same message, over and over.",
        {"Chargen": Chargen},
    ),
    "Kamaelia.Util.DataSource": (
        "DataSource (a list of messages, then done) and TriggeredSource (a message per trigger).",
        {"DataSource": DataSource, "TriggeredSource": TriggeredSource},
    ),
    "Kamaelia.Util.PassThrough": (
        "PassThrough: inbox to outbox and control to signal, unchanged.",
        {"PassThrough": PassThrough, "passThrough": PassThrough},
    ),
    "Kamaelia.Util.NullSink": (
        "nullSinkComponent: takes everything, keeps nothing.",
        {"nullSinkComponent": NullSink},
    ),
    "Kamaelia.File.Reading": (
        "SimpleReader (a file's lines) and PromptedFileReader (n bytes or lines per request).",
        {"SimpleReader": SimpleReader, "PromptedFileReader": PromptedFileReader},
    ),
    "Kamaelia.File.Writing": (
        "SimpleFileWriter: writes what it receives to a file.",
        {"SimpleFileWriter": SimpleFileWriter},
    ),
    "Kamaelia.Util.Clock": (
        "CheapAndCheerfulClock: True on outbox every interval.",
        {"CheapAndCheerfulClock": Clock},
    ),
}
