"""Axon.Component.TraceAllSends / TraceAllRecvs: every send and receive of the components made
while the flags are set is logged."""

import Axon.Component
from Axon.Ipc import producerFinished
from Axon.Scheduler import scheduler
from Kamaelia.Chassis.Pipeline import Pipeline

Axon.Component.TraceAllSends = True
Axon.Component.TraceAllRecvs = True


class Source(Axon.Component.component):
    def main(self):
        self.send("traced message", "outbox")
        yield 1
        self.send(producerFinished(self), "signal")


class Sink(Axon.Component.component):
    def main(self):
        while not self.dataReady("control"):
            while self.dataReady("inbox"):
                print("sink took", self.recv("inbox"))
            self.pause()
            yield 1


Pipeline(Source(), Sink()).activate()
scheduler.run.runThreads()
