"""A program that ignores SIGTERM and then holds its scheduler forever: only SIGKILL ends it."""

import signal

from kamaelia_core import Component


class Stuck(Component):
    def main(self):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print("ignoring SIGTERM", flush=True)
        yield 1
        while True:
            pass


Stuck().run()
