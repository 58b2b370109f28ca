"""Console entry point ``kamaelia-run``: run a graph file or a Python program headless.

``kamaelia-run graph.kgraph.json [options]`` builds and runs a graph, prints events and writes
traces; ``kamaelia-run [--force-compat] program.py [args...]`` runs a Python program (a Kamaelia
or Axon program unchanged, through ``kamaelia_core.compat``). The file's type decides: a ``.py``
file (or a folder with a ``__main__.py``) is a program, anything else a graph.

``kamaelia-run --list-examples`` lists the example graphs shipped with the package and
``kamaelia-run --example NAME`` runs one, so an installed workbench needs no checkout. The
desktop app's entry point, ``kamaelia-workbench``, lives in ``workbench.ui.app`` because only
``workbench.ui`` may import Qt; it shares the example options defined here.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from kamaelia_core.instrument import Event
from workbench.model.catalog import Catalog
from workbench.model.io import graph_to_data
from workbench.model.portrefs import is_port_server
from workbench.model.validate import load_runnable
from workbench.resources import AssetError, example_names, example_path
from workbench.runtime.builder import BuildError
from workbench.runtime.recorder import Recorder, read_events, write_chrome_trace
from workbench.runtime.session import Session

log = logging.getLogger("kamaelia-run")


def format_event(ev: Event, t0: float) -> str:
    """One compact line for an event."""
    when = f"{ev.t - t0:9.3f}"
    if ev.kind == "delivered":
        return f"{when} {ev.name}.{ev.box} -> {ev.sink_name}.{ev.sink_box} {ev.msg_type} {ev.value}"
    if ev.kind in ("linked", "unlinked"):
        return f"{when} {ev.kind} {ev.name}.{ev.box} -> {ev.sink_name}.{ev.sink_box}"
    if ev.kind == "crashed":
        tb = (ev.extra or {}).get("traceback", "").rstrip().splitlines()
        return f"{when} CRASHED {ev.name}: {tb[-1] if tb else ev.value}"
    return f"{when} {ev.kind} {ev.name}"


def listening(session: Session) -> list[str]:
    """``listening: NAME on HOST:PORT`` for every server the session built."""
    lines: list[str] = []
    if session.built is None:
        return lines
    for node_id, comp in session.built.by_node.items():
        node = session.graph.node(node_id)
        if not is_port_server(session.catalog, node.component):
            continue  # a TCPClient has a host and port too, but it does not listen
        port, host = getattr(comp, "port", None), getattr(comp, "host", None)
        if isinstance(port, int) and isinstance(host, str):
            lines.append(f"listening: {node.name} on {host}:{port}")
    return lines


def add_example_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--example NAME`` and ``--list-examples`` (see :func:`chosen_graph`)."""
    parser.add_argument(
        "--example", metavar="NAME", help="use the shipped example graph NAME (see --list-examples)"
    )
    parser.add_argument(
        "--list-examples", action="store_true", help="list the shipped example graphs and exit"
    )


def list_examples(out: TextIO) -> None:
    """Print every shipped example graph: its name, then its file."""
    for name in example_names():
        print(f"{name:<26} {example_path(name)}", file=out)


def chosen_graph(parser: argparse.ArgumentParser, args: argparse.Namespace) -> Path | None:
    """The graph file the command line names: ``GRAPH``, or the file of ``--example NAME``.

    Exits through ``parser.error`` (status 2) when both are given or the example is unknown.
    """
    if args.example is None:
        return Path(args.graph) if args.graph else None
    if args.graph:
        parser.error("give a graph file or --example NAME, not both")
    try:
        return example_path(args.example)
    except AssetError as exc:
        parser.error(str(exc))


PROGRAM_OPTIONS = ("--force-compat",)
"""Options ``kamaelia-run`` takes before a program's path (what follows is the program's)."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kamaelia-run",
        description="Run a Kamaelia workbench graph (*.kgraph.json) headless.",
        epilog="kamaelia-run [--force-compat] PROGRAM.py [ARGS...] runs a Python program "
        "instead (Kamaelia and Axon programs unchanged, on kamaelia_core); --force-compat "
        "uses kamaelia_core even when a real Kamaelia is installed.",
    )
    parser.add_argument("graph", nargs="?", type=Path, help="the graph file to run")
    add_example_options(parser)
    parser.add_argument(
        "--duration",
        type=float,
        default=None,
        metavar="S",
        help="stop after S seconds (default: when the system ends, or Ctrl-C)",
    )
    parser.add_argument("--events", action="store_true", help="print events as they happen")
    parser.add_argument("--trace", type=Path, metavar="OUT.json",
                        help="write a Chrome/Perfetto trace of the run")  # fmt: skip
    parser.add_argument("--record", type=Path, metavar="OUT.jsonl",
                        help="write every event as JSON lines")  # fmt: skip
    parser.add_argument(
        "--trust",
        action="store_true",
        help="evaluate $code parameter values (Python expressions) in this graph: only for "
        "graphs you trust",
    )
    parser.add_argument("--quiet", action="store_true", help="print no summary")
    return parser


def is_program(path: str) -> bool:
    """Whether ``kamaelia-run`` runs ``path`` as a Python program (rather than a graph)."""
    target = Path(path)
    return target.suffix in (".py", ".pyw") or (target / "__main__.py").is_file()


def run_main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run a graph or a program headless. Returns the process exit status.

    Exit status for a graph: 0 the run ended cleanly, 1 a component crashed, 2 bad input (file,
    graph). For a program: the program's own exit status, 2 when it cannot be started.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    options = 0
    while options < len(argv) and argv[options] in PROGRAM_OPTIONS:
        options += 1
    if options < len(argv) and is_program(argv[options]):
        return run_program_main(argv[options], argv[options + 1 :], argv[:options])
    return run_graph_main(argv, out)


def run_program_main(program: str, args: Sequence[str], options: Sequence[str] = ()) -> int:
    """Run a Python program with the compat layer (``kamaelia_core.compat.run_program``)."""
    from kamaelia_core.compat import CompatConflict
    from kamaelia_core.compat.runner import ProgramNotFound, crash_summary, run_program

    # logging is left alone: the program configures it (a basicConfig here would win over the
    # program's own); warnings and crash reports reach stderr through logging's last resort
    try:
        status = run_program(program, args, force="--force-compat" in options)
    except (ProgramNotFound, CompatConflict) as exc:
        print(f"kamaelia-run: {exc}", file=sys.stderr)
        return 2
    summary = crash_summary()
    if summary:
        print(f"kamaelia-run: {summary}", file=sys.stderr)
    return status


def run_graph_main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run a graph headless (see ``run_main``)."""
    out = out or sys.stdout
    parser = _parser()
    args = parser.parse_args(argv)
    if args.list_examples:
        list_examples(out)
        return 0
    args.graph = chosen_graph(parser, args)
    if args.graph is None:
        parser.error("give a graph file to run, or --example NAME (see --list-examples)")
    if args.duration is not None and args.duration <= 0:
        print(f"kamaelia-run: --duration must be positive, not {args.duration}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    catalog = Catalog.discover()
    graph, why_not = load_runnable(args.graph, catalog)
    if graph is None:
        for reason in why_not:
            print(f"kamaelia-run: {reason}", file=sys.stderr)
        return 2
    session = Session(graph, catalog, allow_code=args.trust)
    recording = args.record or (args.trace and args.trace.with_suffix(".events.jsonl"))
    recorder = (
        Recorder(session.events, recording, Path(args.graph).name, graph_to_data(graph))
        if recording
        else None
    )
    t0 = 0.0
    if args.events:

        def show(batch: list[Event]) -> None:
            nonlocal t0
            for ev in batch:
                t0 = t0 or ev.t
                print(format_event(ev, t0), file=out)

        session.events.subscribe(show)
    interrupted = False

    def on_sigint(signum: int, frame: object) -> None:
        nonlocal interrupted
        interrupted = True

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        session.start()
        if not args.quiet:
            for line in listening(session):
                print(line, file=out, flush=True)
        session.run_for(args.duration, should_stop=lambda: interrupted)
        why = "interrupted" if interrupted else "finished" if session.finished else "time is up"
    except BuildError as exc:
        print(f"kamaelia-run: cannot build {args.graph}: {exc}", file=sys.stderr)
        return 2
    finally:
        signal.signal(signal.SIGINT, previous)
        session.stop()
        if recorder is not None:
            recorder.close()
    if args.trace:
        entries = write_chrome_trace(read_events(recording), args.trace)
        if not args.quiet:
            print(f"trace: {args.trace} ({entries} entries)", file=out)
    if not args.quiet:
        print(
            f"{why}: {session.events.total} events, {session.events.delivered} deliveries, "
            f"{len(session.crashes)} crashes, {session.events.dropped} dropped",
            file=out,
        )
    for comp, err in session.crashes:
        print(f"kamaelia-run: {comp.name} crashed: {type(err).__name__}: {err}", file=sys.stderr)
    return 1 if session.crashes else 0


if __name__ == "__main__":
    sys.exit(run_main())
