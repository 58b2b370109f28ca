"""Axon's scheduler is one per process: a system activated in one thread runs when another
thread calls runThreads; Axon.background runs the scheduler in a thread while the main thread
talks to a component through Axon.Handle."""

import queue
import threading
import time

from Axon.background import background
from Axon.Component import component
from Axon.Handle import Handle
from Axon.Ipc import producerFinished
from Axon.Scheduler import scheduler
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.DataSource import DataSource
from Kamaelia.Util.PureTransformer import PureTransformer


class Report(component):
    def main(self):
        while True:
            for message in self.Inbox("inbox"):
                print("reported", message, "in", threading.current_thread().name)
            if self.dataReady("control"):
                self.recv("control")
                return
            self.pause()
            yield 1


# 1: activated here, run by another thread
Pipeline(DataSource([1, 2, 3]), Report()).activate()
runner = threading.Thread(target=scheduler.run.runThreads, name="runner")
runner.start()
runner.join(10)
print("runner thread finished:", not runner.is_alive())

# 2: the scheduler in the background, the main thread feeding a component through a Handle
background().start()
doubler = Handle(PureTransformer(lambda x: x * 2)).activate()
for number in (5, 6):
    doubler.put(number, "inbox")
results = []
deadline = time.monotonic() + 10
while len(results) < 2 and time.monotonic() < deadline:
    try:
        results.append(doubler.get("outbox"))
    except queue.Empty:
        time.sleep(0.005)
print("doubled:", results)
doubler.put(producerFinished(), "control")
while time.monotonic() < deadline:
    try:
        print("handle signal:", type(doubler.get("signal")).__name__)
        break
    except queue.Empty:
        time.sleep(0.005)
