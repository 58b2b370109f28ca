# ruff: noqa: UP008
"""The small Kamaelia.Util components of the tutorials, each in a pipeline that ends by itself:
OneShot, TriggeredSource, Fanout, PlugSplitter with Plugs, PassThrough, MessageRateLimit,
Chargen (stopped from outside), CheapAndCheerfulClock, nullSinkComponent, Seq, Carousel."""

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from Kamaelia.Chassis.Carousel import Carousel
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Chassis.Seq import Seq
from Kamaelia.Util.Chargen import Chargen
from Kamaelia.Util.Clock import CheapAndCheerfulClock
from Kamaelia.Util.DataSource import DataSource, TriggeredSource
from Kamaelia.Util.Fanout import Fanout
from Kamaelia.Util.NullSink import nullSinkComponent
from Kamaelia.Util.OneShot import OneShot
from Kamaelia.Util.PassThrough import PassThrough
from Kamaelia.Util.RateFilter import MessageRateLimit
from Kamaelia.Util.Splitter import Plug, PlugSplitter


class Show(component):
    """Prints what arrives, labelled; ends on producerFinished/shutdownMicroprocess. After
    ``stop_after`` messages it sends a shutdownMicroprocess on "stop"."""

    Outboxes = ["outbox", "signal", "stop"]

    def __init__(self, label, stop_after=None):
        super(Show, self).__init__()
        self.label = label
        self.stop_after = stop_after

    def main(self):
        seen = 0
        while True:
            for message in self.Inbox("inbox"):
                seen += 1
                print(self.label, message)
                if seen == self.stop_after:
                    self.send(shutdownMicroprocess(self), "stop")
            if self.dataReady("control"):
                message = self.recv("control")
                if isinstance(message, (producerFinished, shutdownMicroprocess)):
                    self.send(message, "signal")
                    return
            self.pause()
            yield 1


Pipeline(OneShot("one shot"), Show("oneshot:")).activate()
Pipeline(DataSource(["x", "y"]), TriggeredSource("triggered"), Show("triggered:")).activate()
Graphline(
    SRC=DataSource([1, 2]),
    FAN=Fanout(["left", "right"]),
    LEFT=Show("fanout left:"),
    RIGHT=Show("fanout right:"),
    linkages={
        ("SRC", "outbox"): ("FAN", "inbox"),
        ("SRC", "signal"): ("FAN", "control"),
        ("FAN", "left"): ("LEFT", "inbox"),
        ("FAN", "right"): ("RIGHT", "inbox"),
        ("FAN", "signal"): ("LEFT", "control"),
        ("LEFT", "signal"): ("RIGHT", "control"),
    },
).activate()

splitter = PlugSplitter()
first, second = Plug(splitter, Show("plug 1:")), Plug(splitter, Show("plug 2:"))
feeder = DataSource(["shared"])
feeder.link((feeder, "outbox"), (splitter, "inbox"))
feeder.link((feeder, "signal"), (splitter, "control"))
for thing in (splitter, first, second):
    thing.activate()


class AfterPlugs(component):
    """Starts the feeder once both plugs have registered with the splitter."""

    def main(self):
        while len(splitter.outboxsinks) < 2:
            yield 1
        feeder.activate()


AfterPlugs().activate()

Pipeline(DataSource(["p"]), PassThrough(), Show("passthrough:")).activate()
Pipeline(DataSource(list(range(4))), MessageRateLimit(200, buffer=2), Show("rate:")).activate()
chargen_show = Show("chargen:", stop_after=2)
chargen = Chargen()
Pipeline(chargen, chargen_show).activate()
chargen_show.link((chargen_show, "stop"), (chargen, "control"))
clock_show = Show("clock:", stop_after=2)
clock = CheapAndCheerfulClock(0.01)
Pipeline(clock, clock_show).activate()
clock_show.link((clock_show, "stop"), (clock, "control"))
Pipeline(DataSource(["gone"]), nullSinkComponent()).activate()
Pipeline(Seq("seq step one", OneShot("from seq")), Show("seq:")).activate()
Graphline(
    SRC=DataSource(["carousel a", "carousel b"]),
    CAROUSEL=Carousel(lambda text: OneShot(text)),
    SHOW=Show("carousel:"),
    linkages={
        ("SRC", "outbox"): ("CAROUSEL", "next"),
        ("SRC", "signal"): ("CAROUSEL", "control"),
        ("CAROUSEL", "outbox"): ("SHOW", "inbox"),
        ("CAROUSEL", "signal"): ("SHOW", "control"),
    },
).activate()
scheduler.run.runThreads()
print("tour done")
