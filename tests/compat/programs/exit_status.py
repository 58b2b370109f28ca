# ruff: noqa: UP031
"""Exit statuses come back from the program: sys.exit(N), sys.exit("message"), an exception."""

import sys

from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.Console import ConsoleEchoer
from Kamaelia.Util.DataSource import DataSource

Pipeline(DataSource(["args: %s\n" % " ".join(sys.argv[1:])]), ConsoleEchoer()).run()
how = sys.argv[1] if len(sys.argv) > 1 else "ok"
if how == "code":
    sys.exit(int(sys.argv[2]))
if how == "message":
    sys.exit("stopped with a message")
if how == "raise":
    raise RuntimeError("the program itself failed")
