"""Small fake component classes the model tests catalogue instead of the real core."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Source:
    """Sends each of its messages, then finishes.

    Longer description of the source.

    Args:
        messages: Items to send, in order.
        delay: Seconds between items.
            Zero sends them all at once.
    """

    Inboxes = {"inbox": "unused", "control": "shutdown"}
    Outboxes = {"outbox": "the messages", "signal": "producerFinished at the end"}

    def __init__(self, messages: list, delay: float = 0.0, label="src") -> None:
        self.messages = messages


class Upper:
    """Upper-cases strings."""

    Inboxes = ["inbox", "control"]
    Outboxes = ["outbox", "signal"]


class Transform:
    """Applies a function to each message."""

    def __init__(self, function: Callable[[Any], Any] | None = None, data: bytes = b"") -> None:
        pass


class Sink:
    """Collects what it receives."""

    Category = "Sinks"
    Inboxes = {"inbox": "anything", "control": "shutdown", "extra": "a second input"}

    def __init__(self, *args, limit: int = 10, verbose: bool = False, **argd) -> None:
        pass


class Server:
    """Accepts connections."""

    SpawnsChildren = True
    ListensOnPort = True
    Inboxes = {"control": "serverShutdown"}
    Outboxes = {"protocolHandlerSignal": "newCSA", "signal": "done"}

    def __init__(self, port: int = 0, host: str = "127.0.0.1", factory=dict) -> None:
        pass


class Selector:
    """The I/O service."""

    IsService = True


class Pipeline:
    """Wires its children in a row."""

    ContainerKind = "pipeline"

    def __init__(self, *components) -> None:
        pass


class Graphline:
    """Wires named children as told."""

    ContainerKind = "graphline"

    def __init__(self, linkages=None, **components) -> None:
        pass


class ServerCore:
    """Runs a protocol handler per connection.

    Args:
        protocol: Factory called with the peer's details.
        port: Port to listen on.
    """

    ContainerKind = "servercore"
    ListensOnPort = True
    Inboxes = {"_socketactivity": "newCSA / shutdownCSA", "control": "shutdown"}
    Outboxes = {"_serversignal": "serverShutdown", "signal": "done"}

    def __init__(self, protocol=None, port: int = 1601, host: str | None = None) -> None:
        pass


ALL = (Source, Upper, Transform, Sink, Server, Selector, Pipeline, Graphline, ServerCore)

M = __name__
SOURCE, UPPER, SINK, SERVER = f"{M}.Source", f"{M}.Upper", f"{M}.Sink", f"{M}.Server"
TRANSFORM = f"{M}.Transform"
PIPELINE, GRAPHLINE, SERVERCORE = f"{M}.Pipeline", f"{M}.Graphline", f"{M}.ServerCore"
