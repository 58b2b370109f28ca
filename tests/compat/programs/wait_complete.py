"""WaitComplete: sub-generators run to their end (however they end, PEP 479 included), nested,
and yielding newComponent from inside one."""

from Axon.Component import component
from Axon.Ipc import WaitComplete, newComponent, producerFinished
from Axon.Scheduler import scheduler


class Child(component):
    def main(self):
        print("child runs")
        yield 1


class Steps(component):
    def inner(self, label):
        for i in range(2):
            print("inner", label, i)
            yield 1
        return  # a plain return ends a sub-generator cleanly

    def outer(self):
        print("outer starts")
        yield WaitComplete(self.inner("nested"))
        yield newComponent(Child())
        print("outer ends")

    def early(self):
        print("early one")
        if True:
            return
        yield 1

    def main(self):
        yield WaitComplete(self.inner("first"))
        yield WaitComplete(self.outer())
        yield WaitComplete(self.early())
        print("main resumes after every WaitComplete")
        self.send(producerFinished(self), "signal")


Steps().activate()
scheduler.run.runThreads()
try:
    WaitComplete(Steps().inner)
except TypeError as error:
    print("TypeError:", "call it" in str(error))
print("done")
