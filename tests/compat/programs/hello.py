# ruff: noqa: UP008, UP031
"""The Axon tutorial's first steps: a component with a generator main, one with the older
initialiseComponent/mainBody/closeDownComponent trio, linked by hand, run by runThreads."""

import Axon
from Axon.Component import component
from Axon.Ipc import producerFinished
from Axon.Scheduler import scheduler


class Hello(component):
    def __init__(self, count):
        super(Hello, self).__init__()
        self.count = count

    def main(self):
        for i in range(self.count):
            self.send("hello %d" % i, "outbox")
            yield 1
        self.send(producerFinished(self), "signal")


class Printer(component):
    Inboxes = ["inbox", "control"]
    Outboxes = ["outbox", "signal"]

    def initialiseComponent(self):
        self.seen = 0
        return 1

    def mainBody(self):
        while self.dataReady("inbox"):
            print("printer got:", self.recv("inbox"))
            self.seen += 1
        if self.dataReady("control"):
            self.recv("control")
            return 0
        self.pause()
        return 1

    def closeDownComponent(self):
        print("printer saw %d messages" % self.seen)


hello = Hello(3)
printer = Printer()
printer.link((hello, "outbox"), (printer, "inbox"))
printer.link((hello, "signal"), (printer, "control"))
hello.activate()
printer.activate()
assert isinstance(hello.id, int) and hello.id != printer.id
assert isinstance(scheduler.run, Axon.Scheduler.scheduler)
scheduler.run.runThreads()
print("threads left:", len(scheduler.run.listAllThreads()))
