"""Recordings for the picture tests: the echo server example run headless with loopback clients."""

from __future__ import annotations

from pathlib import Path

from kamaelia_core.net import ServerCore
from kamaelia_core.util.echo import Echo
from workbench.model import Catalog, Graph
from workbench.model.io import graph_to_data, load
from workbench.resources import example_path
from workbench.runtime.recorder import Recorder
from workbench.runtime.session import Session
from workbench.runtime.traffic import TrafficGenerator, TrafficPlan


def record_echo_run(path: Path, clients: int = 3, program: bool = False) -> Path:
    """Record the echo server while ``clients`` connect one after another, talk and close
    (about a second; bounded at a few seconds whatever happens).

    ``program``: run it as a program would (a ServerCore made in code, no graph: a replay
    grows the drawing from the events) rather than the example graph.
    """
    catalog = Catalog.discover()
    if program:
        session = Session(Graph(), catalog, components=[ServerCore(protocol=Echo, port=0)])
        recorder = Recorder(session.events, path, "echo_program.py")
    else:
        graph = load(example_path("echo_server"), catalog)
        session = Session(graph, catalog)
        recorder = Recorder(session.events, path, "echo_server.kgraph.json", graph_to_data(graph))
    gen = None
    try:
        session.start()
        session.run_for(3.0, lambda: bool(session.model.listening()))
        port = int(session.model.listening()[0].rsplit(":", 1)[1])
        plan = TrafficPlan(clients=clients, lines=2, rate=10, connect_rate=8, hold=0.1,
                           duration=5.0)  # fmt: skip
        gen = TrafficGenerator(session.scheduler, port, plan=plan).start()
        session.run_for(4.0, lambda: session.model.closed >= clients)
        assert session.model.closed == clients, session.model.summary()
    finally:
        if gen is not None:
            gen.stop()
        session.stop()
        recorder.close()
    return path
