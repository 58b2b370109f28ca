"""Producer and consumer made and linked by a parent that starts them with yield newComponent,
counts on childComponents() and ends when they have; the legacy mainBody style and a bare
microprocess run beside them."""

from Axon.Component import component, newComponent
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Microprocess import microprocess
from Axon.Scheduler import scheduler


class Producer(component):
    Outboxes = ["result", "signal"]

    def main(self):
        for i in range(1, 6):
            self.send(i, "result")
            yield 1
        self.send(producerFinished(self), "signal")


class Consumer(component):
    Inboxes = ["source", "control"]
    Outboxes = ["result", "signal"]

    def main(self):
        total = 0
        while True:
            while self.dataReady("source"):
                total += self.recv("source")
                self.send(total, "result")
            if self.dataReady("control"):
                self.send(self.recv("control"), "signal")
                return
            self.pause()
            yield 1


class Parent(component):
    Inboxes = ["_output", "_done", "control"]

    def main(self):
        producer, consumer = Producer(), Consumer()
        self.link((producer, "result"), (consumer, "source"))
        self.link((producer, "signal"), (consumer, "control"))
        self.link((consumer, "result"), (self, "_output"))
        self.link((consumer, "signal"), (self, "_done"))
        self.addChildren(producer, consumer)
        yield newComponent(*self.childComponents())
        totals = []
        while not self.dataReady("_done"):
            while self.dataReady("_output"):
                totals.append(self.recv("_output"))
            self.pause()
            yield 1
        totals.extend(self.Inbox("_output"))
        message = self.recv("_done")
        print("running totals:", totals)
        print("consumer said:", type(message).__name__)
        for child in self.childComponents():
            self.removeChild(child)
        print("children left:", len(self.childComponents()))


class Counter(microprocess):
    def main(self):
        for i in range(3):
            print("microprocess tick", i)
            yield 1


def ticker():
    for i in range(2):
        print("bare generator tick", i)
        yield 1


Parent().activate()
Counter().activate()
microprocess(ticker()).activate()
scheduler.run.runThreads()
print("done, stopping message class is", shutdownMicroprocess.__name__)
