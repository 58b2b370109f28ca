"""``python -m workbench.runtime.child_main GRAPH``: run a graph file in this (child) process.

What a workbench starts, under ``python -m kamaelia_core.monitor --connect ...``, to run a graph
out of its own process: load the ``.kgraph.json`` (``workbench.model.io``), build it
(``workbench.runtime.builder``: every component carries its ``design_id``, so the viewer places
it), and run it on a scheduler until it ends. Exit status: 0 ended, 2 the graph cannot be run.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from kamaelia_core.scheduler import Scheduler
from workbench.model.catalog import Catalog
from workbench.model.validate import load_runnable
from workbench.runtime.builder import BuildError, build


def main(argv: Sequence[str] | None = None) -> int:
    """Run the graph named on the command line; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="child_main", description="Run a workbench graph (*.kgraph.json) in this process."
    )
    parser.add_argument("graph", help="the graph file")
    parser.add_argument("--trust", action="store_true", help="evaluate $code parameter values")
    args = parser.parse_args(argv)
    catalog = Catalog.discover()
    graph, why_not = load_runnable(args.graph, catalog)
    if graph is None:
        for reason in why_not:
            print(f"child_main: {reason}", file=sys.stderr)
        return 2
    with Scheduler() as sched:
        try:
            built = build(graph, catalog, args.trust)
        except BuildError as exc:
            print(f"child_main: {args.graph}: {exc}", file=sys.stderr)
            return 2
        built.root.activate(sched)
        for node_id, comp in built.by_node.items():
            port, host = getattr(comp, "port", None), getattr(comp, "host", None)
            if isinstance(port, int) and isinstance(host, str):
                print(f"listening: {graph.node(node_id).name} on {host}:{port}", flush=True)
        sched.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
