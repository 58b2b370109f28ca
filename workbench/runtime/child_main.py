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
from workbench.model.catalog import Catalog, UnknownComponentError
from workbench.model.io import GraphFileError, load
from workbench.model.validate import validate
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
    try:
        graph = load(args.graph, catalog)
    except (GraphFileError, UnknownComponentError, OSError) as exc:
        print(f"child_main: {exc}", file=sys.stderr)
        return 2
    errors = [p for p in validate(graph, catalog) if p.severity == "error"]
    for problem in errors:
        print(f"child_main: {args.graph}: {problem.message}", file=sys.stderr)
    if errors:
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
