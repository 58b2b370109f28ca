"""``python -m kamaelia_core.monitor``: run a program with the monitor on (see ``runner``)."""

import sys

from kamaelia_core.monitor.runner import main

if __name__ == "__main__":
    sys.exit(main())
