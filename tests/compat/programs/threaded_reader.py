# ruff: noqa: UP031
"""A threaded console reader feeding a pipeline, and a threaded component of the program's own
that blocks in its thread (time.sleep) while the rest of the system runs."""

import time

from Axon.Ipc import producerFinished
from Axon.ThreadedComponent import threadedcomponent
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.Console import ConsoleEchoer, ConsoleReader
from Kamaelia.Util.PureTransformer import PureTransformer


class SlowCounter(threadedcomponent):
    """Blocks in its own thread between messages, then says it has finished."""

    def main(self):
        for i in range(3):
            time.sleep(0.01)
            self.send("slow %d\n" % i, "outbox")
        self.send(producerFinished(self), "signal")


Pipeline(SlowCounter(), ConsoleEchoer()).activate()
Pipeline(
    ConsoleReader(prompt=""),
    PureTransformer(lambda line: "read: " + line.upper()),
    ConsoleEchoer(),
).run()
print("end of input")
