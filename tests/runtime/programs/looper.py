"""A component that loops forever inside one slice: it holds its scheduler."""

from kamaelia_core import Component


class Looper(Component):
    def main(self):
        yield 1
        while True:
            pass


Looper().run()
