"""A component that raises is reported with its traceback and the rest of the system goes on
(Axon's immortalise()); after scheduler.mortalise() the crash ends runThreads with it."""

import sys

from Axon.Component import component
from Axon.Scheduler import scheduler


class Faulty(component):
    def main(self):
        yield 1
        raise ValueError("faulty component failed on purpose")


class Steady(component):
    def main(self):
        for i in range(3):
            print("steady", i)
            yield 1


Faulty().activate()
Steady().activate()
scheduler.run.runThreads()
print("crashes so far:", scheduler.run.crash_count)

if sys.argv[1:] == ["mortal"]:
    scheduler.mortalise()
    Faulty().activate()
    Steady().activate()
    try:
        scheduler.run.runThreads()
    except ValueError as error:
        print("runThreads raised:", error)
