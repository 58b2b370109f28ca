# ruff: noqa: UP008
"""Pipeline(..., circular=True): a token goes round a ring of three stages until it has made
ten hops; the stage that sees it last ends the ring with producerFinished."""

from Axon.Component import component
from Axon.Ipc import producerFinished
from Axon.Scheduler import scheduler
from Kamaelia.Chassis.Pipeline import Pipeline


class Stage(component):
    def __init__(self, label, start=False):
        super(Stage, self).__init__()
        self.label = label
        self.start = start

    def main(self):
        if self.start:
            self.send(0, "outbox")
        while True:
            while self.dataReady("inbox"):
                hops = self.recv("inbox") + 1
                print(self.label, "hop", hops)
                if hops >= 10:
                    self.send(producerFinished(self), "signal")
                else:
                    self.send(hops, "outbox")
            if self.dataReady("control"):
                message = self.recv("control")
                self.send(message, "signal")
                return
            self.pause()
            yield 1


ring = Pipeline(Stage("A", start=True), Stage("B"), Stage("C"), circular=True)
ring.activate()
scheduler.run.runThreads()
print("ring finished:", ring._isStopped())
