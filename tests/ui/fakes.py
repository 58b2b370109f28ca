"""Component classes shaped like the echo server's, for UI tests that need a catalog and a graph."""

from __future__ import annotations

from workbench.model import Catalog, Graph


class TCPServer:
    """Listens on a port and hands each connection to a new ConnectedSocketAdapter.

    Args:
        listenport: TCP port to listen on (0 picks one).
        host: Address to bind.
        maxlisten: Listen backlog.
    """

    Category = "Internet"
    SpawnsChildren = True
    Inboxes = {
        "newconnection": "Selector says a connection is waiting",
        "_feedbackFromCSA": "CSAs report they closed",
        "control": "Shutdown",
    }
    Outboxes = {
        "protocolHandlerSignal": "newCSA / shutdownCSA for the protocol handler factory",
        "_selectorSignal": "register with the selector",
        "signal": "serverShutdown",
    }

    def __init__(self, listenport: int = 8080, host: str = "127.0.0.1", maxlisten: int = 5):
        self.listenport = listenport


class ConnectedSocketAdapter:
    """Moves bytes between a connected socket and its protocol handler."""

    Category = "Internet"
    Inboxes = {"inbox": "bytes to send", "ReadReady": "", "SendReady": "", "control": ""}
    Outboxes = {"outbox": "bytes received", "CreatorFeedback": "", "_selectorSignal": "",
                "signal": ""}  # fmt: skip

    def __init__(self, sock: str, peer: str = "") -> None:
        self.sock = sock


class Echo:
    """Sends back every message it receives."""

    Category = "Util"

    def __init__(self) -> None:
        pass


class Selector:
    """The selector service: watches sockets, notifies readers and writers."""

    Category = "Internet"
    IsService = True
    Inboxes = {"notify": "register / unregister", "control": ""}
    Outboxes = {"outbox": "", "signal": ""}


class ServerCore:
    """A server: a TCPServer plus one protocol handler per connection."""

    Category = "Chassis"
    ContainerKind = "servercore"
    Inboxes = {"_socketactivity": "", "_oobinfo": "", "control": ""}
    Outboxes = {"signal": ""}

    def __init__(self, protocol=None, port: int = 8080) -> None:
        self.port = port


class Pipeline:
    """Links its children in a row: each outbox to the next inbox."""

    Category = "Chassis"
    ContainerKind = "pipeline"

    def __init__(self, *components) -> None:
        pass


class DataSource:
    """Sends each of its messages, then producerFinished.

    Args:
        messages: The messages to send.
        delay: Seconds between messages.
        name_hint: A label.
        verbose: Log each message.
    """

    Category = "Util"

    def __init__(
        self, messages: list, delay: float = 0.0, name_hint: str = "src", verbose: bool = False
    ) -> None:
        self.messages = messages


CLASSES = [TCPServer, ConnectedSocketAdapter, Echo, Selector, ServerCore, Pipeline, DataSource]


def make_catalog() -> Catalog:
    """A catalog of the fake classes."""
    return Catalog(CLASSES)


def cid(cls: type) -> str:
    """Catalog id of a fake class."""
    return f"{cls.__module__}.{cls.__qualname__}"


def echo_graph() -> Graph:
    """A ServerCore with a TCPServer, two CSAs with Echo handlers, and the Selector outside."""
    g = Graph()
    core = g.add_node(cid(ServerCore), name="ServerCore (port 8080)", position=(0, 0),
                      container_kind="servercore")  # fmt: skip
    tcp = g.add_node(cid(TCPServer), name="TCPServer", position=(20, 200), parent=core.id)
    csa1 = g.add_node(cid(ConnectedSocketAdapter), name="CSA 51234", position=(330, 60),
                      parent=core.id)  # fmt: skip
    echo1 = g.add_node(cid(Echo), name="Echo", position=(640, 60), parent=core.id)
    csa2 = g.add_node(cid(ConnectedSocketAdapter), name="CSA 51240", position=(330, 230),
                      parent=core.id)  # fmt: skip
    echo2 = g.add_node(cid(Echo), name="Echo 2", position=(640, 230), parent=core.id)
    sel = g.add_node(cid(Selector), name="Selector", position=(960, 330))
    g.add_link((csa1.id, "outbox"), (echo1.id, "inbox"))
    g.add_link((echo1.id, "outbox"), (csa1.id, "inbox"))
    g.add_link((csa1.id, "signal"), (echo1.id, "control"))
    g.add_link((csa2.id, "outbox"), (echo2.id, "inbox"))
    g.add_link((echo2.id, "outbox"), (csa2.id, "inbox"))
    g.add_link((csa2.id, "signal"), (echo2.id, "control"))
    g.add_link((tcp.id, "protocolHandlerSignal"), (core.id, "_socketactivity"))
    g.add_link((tcp.id, "_selectorSignal"), (sel.id, "notify"))
    g.add_link((csa1.id, "CreatorFeedback"), (tcp.id, "_feedbackFromCSA"))
    return g


def discard(widget) -> None:
    """Delete a window now (after its shutdown), not at the end of the session.

    ``deleteLater`` outside an event loop only runs when the process's loop ends, so every
    window of a test session lingers, and each new window's theme restyles them all; sending
    the deferred deletes keeps a test's windows from slowing the ones after it.
    """
    import shiboken6
    from PySide6.QtCore import QCoreApplication, QEvent

    if not shiboken6.isValid(widget):
        return
    widget.close()
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
