"""Sends a number every 20 ms to a collector, until stopped: a program to attach to."""

from kamaelia_core import Component
from kamaelia_core.util.collector import Collector


class Ticker(Component):
    def main(self):
        n = 0
        while True:
            n += 1
            self.send(n, "outbox")
            self.scheduler.call_later(0.02, self.unpause)
            self.pause()
            yield 1


ticker, collector = Ticker(), Collector()
ticker.link((ticker, "outbox"), (collector, "inbox"))
collector.activate()
print("ticking", flush=True)
ticker.run()
