# ruff: noqa: UP008
"""Graphline shutdown variants: producerFinished walking out of a graphline, a
shutdownMicroprocess sent to a graphline's control reaching every child, and a graphline whose
linkages name boxes of its own that it does not declare."""

from Axon.Component import component
from Axon.Ipc import shutdownMicroprocess
from Axon.Scheduler import scheduler
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.Console import ConsoleEchoer
from Kamaelia.Util.DataSource import DataSource
from Kamaelia.Util.PureTransformer import PureTransformer


class Waiter(component):
    """Waits for a control message, reports it, passes it on."""

    def __init__(self, label):
        super(Waiter, self).__init__()
        self.label = label

    def main(self):
        while not self.dataReady("control"):
            self.pause()
            yield 1
        message = self.recv("control")
        print(self.label, "got", type(message).__name__)
        self.send(message, "signal")


class Watcher(component):
    """Reports what arrives on its inbox and control, until a shutdown arrives."""

    def __init__(self, label):
        super(Watcher, self).__init__()
        self.label = label

    def main(self):
        while True:
            for message in self.Inbox("inbox"):
                print(self.label, "data", message)
            if self.dataReady("control"):
                message = self.recv("control")
                print(self.label, "end", type(message).__name__)
                return
            self.pause()
            yield 1


class Stopper(component):
    """Sends shutdownMicroprocess on its outbox after two slices."""

    def main(self):
        yield 1
        yield 1
        self.send(shutdownMicroprocess(self), "outbox")


# 1: producerFinished from a source walks through the graphline and out of its signal
first = Graphline(
    SRC=DataSource(["a", "b"]),
    UP=PureTransformer(lambda text: text.upper()),
    linkages={
        ("SRC", "outbox"): ("UP", "inbox"),
        ("SRC", "signal"): ("UP", "control"),
        ("UP", "outbox"): ("self", "outbox"),
        ("UP", "signal"): ("self", "signal"),
    },
)
Pipeline(first, Watcher("first")).activate()

# 2: shutdownMicroprocess sent to the graphline's control reaches both children
second = Graphline(A=Waiter("second.A"), B=Waiter("second.B"), linkages={})
stopper = Stopper()
stopper.link((stopper, "outbox"), (second, "control"))
stopper.activate()
Pipeline(second, Watcher("second")).activate()

# 3: the linkages name boxes of the graphline that it does not declare
third = Graphline(
    ECHO=ConsoleEchoer(forwarder=True),
    linkages={
        ("self", "lines"): ("ECHO", "inbox"),
        ("ECHO", "outbox"): ("self", "copies"),
        ("self", "control"): ("ECHO", "control"),
    },
)
feeder = DataSource(["third line\n"])
sink = Watcher("third")
feeder.link((feeder, "outbox"), (third, "lines"))
feeder.link((feeder, "signal"), (third, "control"))
sink.link((third, "copies"), (sink, "inbox"))
sink.link((third, "signal"), (sink, "control"))
for thing in (third, feeder, sink):
    thing.activate()
print("third has", sorted(third.inboxes), sorted(third.outboxes))

scheduler.run.runThreads()
print("graphlines done")
