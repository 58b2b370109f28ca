"""Every example graph runs headless in a Session; servers serve a loopback client while it runs."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from workbench.model.catalog import Catalog
from workbench.model.io import load
from workbench.model.values import code
from workbench.resources import examples_dir
from workbench.runtime.session import Session

EXAMPLES = sorted(examples_dir().glob("*.kgraph.json"))


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.discover()


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name.split(".")[0])
def test_example_runs_headless_without_crashes(path: Path, catalog: Catalog) -> None:
    session = Session(load(path, catalog), catalog)  # shipped examples need no trust
    session.start()
    try:
        session.run_for(0.3)
    finally:
        session.stop()
    assert session.crashes == []
    assert session.events.total > 0
    assert session.events.dropped == 0


@pytest.mark.parametrize("name", ["echo_server", "per_connection_pipeline", "chat_server"])
def test_server_examples_answer_a_loopback_client(name: str, catalog: Catalog) -> None:
    path = next(p for p in EXAMPLES if p.name.startswith(name))
    session = Session(load(path, catalog), catalog)
    built = session.start()
    port = next(c.port for c in built.by_node.values() if isinstance(getattr(c, "port", None), int))
    client = socket.create_connection(("127.0.0.1", port), timeout=5)
    client.setblocking(False)
    reply = bytearray()
    try:
        client.sendall(b"hello\r\n")

        def answered() -> bool:
            try:
                reply.extend(client.recv(4096))
            except BlockingIOError:
                return False
            return b"\n" in reply

        session.run_for(5.0, should_stop=answered)
    finally:
        client.close()
        session.stop()
    assert b"\n" in reply, f"{name} did not answer"
    assert session.crashes == []


def test_untrusted_code_in_a_protocol_template_fails_at_build_time(catalog: Catalog) -> None:
    from workbench.runtime.builder import BuildError

    path = next(p for p in EXAMPLES if p.name.startswith("per_connection_pipeline"))
    graph = load(path, catalog)
    upper = next(node for node in graph.nodes if node.name == "upper")
    graph.set_param(upper.id, "function", code("lambda data: data.upper()"))
    session = Session(graph, catalog)
    with pytest.raises(BuildError, match="trust"):
        session.start()
    session.stop()
