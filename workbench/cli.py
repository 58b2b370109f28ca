"""Console entry points: ``kamaelia-workbench`` (the Qt app) and ``kamaelia-run`` (headless)."""

import sys


def workbench_main(argv: list[str] | None = None) -> int:
    """Start the desktop workbench (not yet implemented)."""
    print("kamaelia-workbench: not yet")
    return 0


def run_main(argv: list[str] | None = None) -> int:
    """Run a graph headless (not yet implemented)."""
    print("kamaelia-run: not yet")
    return 0


if __name__ == "__main__":
    sys.exit(run_main())
