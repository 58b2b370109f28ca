"""Port references: which server each ``$port_of`` value names, and the order servers are built in.

Sits between the document and its three readers: validation reports what is wrong with a
reference, the runtime builder and the code exporter build (or define) the named servers first,
in :func:`server_order`, so a client can be given the port a server given port 0 really got.

A reference names a node by its name. The node must be a server: its class binds its listening
socket when it is constructed and exposes the port as ``.port``. kamaelia_core's TCPServer,
ServerCore and SingleServer (and their subclasses) are; another class says so with a class
attribute ``ListensOnPort = True``. A server inside a ServerCore's protocol handler is made per
connection, so it cannot be named; references must not form a cycle.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from workbench.model import values
from workbench.model.catalog import Catalog, UnknownComponentError, class_id
from workbench.model.graph import Graph, Node

#: Classes that bind at construction and expose ``.port``; their subclasses are servers too.
KNOWN_PORT_SERVERS = frozenset(
    {
        "kamaelia_core.net.tcpserver.TCPServer",
        "kamaelia_core.net.servers.ServerCore",
        "kamaelia_core.net.servers.SingleServer",
    }
)

#: Class attribute with which any component class says whether it is such a server.
SERVER_ATTRIBUTE = "ListensOnPort"


@dataclass(frozen=True)
class PortReference:
    """One ``$port_of`` value in one parameter.

    Attributes:
        node_id: The node whose parameter holds the reference.
        param: That parameter's name.
        target: The server node name it refers to.
    """

    node_id: str
    param: str
    target: str


@dataclass(frozen=True)
class PortRefProblem:
    """Why a reference cannot be honoured.

    Attributes:
        code: "unknown-port-ref", "ambiguous-port-ref", "port-ref-not-server",
            "port-ref-per-connection" or "port-ref-cycle".
        message: A sentence naming the node, the parameter and the server.
        node_id: The node holding the reference.
        param: The parameter holding it.
    """

    code: str
    message: str
    node_id: str
    param: str


class PortRefError(ValueError):
    """A reference cannot be honoured; ``problem`` says which and where."""

    def __init__(self, problem: PortRefProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def is_port_server(catalog: Catalog, component: str) -> bool:
    """Whether the catalogued class ``component`` listens on a port it exposes as ``.port``."""
    try:
        cls = catalog.resolve_class(component)
    except UnknownComponentError:
        return False
    declared = getattr(cls, SERVER_ATTRIBUTE, None)
    if declared is not None:
        return bool(declared)
    return any(class_id(klass) in KNOWN_PORT_SERVERS for klass in cls.__mro__)


def references(graph: Graph) -> list[PortReference]:
    """Every ``$port_of`` value in the graph, in node and parameter order."""
    return [
        PortReference(node.id, param, target)
        for node in graph.nodes
        for param, value in node.params.items()
        for target in values.port_refs(value)
    ]


def per_connection(graph: Graph, node: Node) -> bool:
    """True when ``node`` is inside a ServerCore: a copy of it is made for each connection."""
    seen = {node.id}
    parent = node.parent
    while parent is not None and graph.has_node(parent) and parent not in seen:
        seen.add(parent)
        holder = graph.node(parent)
        if holder.container_kind == "servercore":
            return True
        parent = holder.parent
    return False


def eager_nodes(graph: Graph, node: Node) -> Iterator[Node]:
    """``node`` and the descendants built together with it (not a ServerCore's handler)."""
    stack, seen = [node], set()
    while stack:
        current = stack.pop()
        if current.id in seen:
            continue
        seen.add(current.id)
        yield current
        if current.container_kind != "servercore":
            stack.extend(reversed(graph.children(current.id)))


def _where(graph: Graph, ref: PortReference) -> str:
    return f"{graph.node(ref.node_id).name}.{ref.param}"


def resolve(graph: Graph, catalog: Catalog, ref: PortReference) -> Node:
    """The server node a reference names.

    Raises:
        PortRefError: no node has that name, several do, it is not a server, or it is made per
            connection inside a ServerCore.
    """
    where = _where(graph, ref)
    named = [node for node in graph.nodes if node.name == ref.target]

    def fail(code: str, message: str) -> PortRefError:
        return PortRefError(PortRefProblem(code, f"{where}: {message}", ref.node_id, ref.param))

    if not named:
        raise fail("unknown-port-ref", f"$port_of {ref.target!r}: no node has that name")
    if len(named) > 1:
        ids = ", ".join(node.id for node in named)
        msg = f"$port_of {ref.target!r}: {len(named)} nodes have that name ({ids}); rename one"
        raise fail("ambiguous-port-ref", msg)
    server = named[0]
    if server.component in catalog and not is_port_server(catalog, server.component):
        msg = (
            f"$port_of {ref.target!r}: {server.short_name} is not a server (only a component "
            "that listens on a port, such as a ServerCore or TCPServer, has one to refer to)"
        )
        raise fail("port-ref-not-server", msg)
    if per_connection(graph, server):
        msg = (
            f"$port_of {ref.target!r}: that server is inside a ServerCore, which makes a new one "
            "for each connection; there is no single port to refer to"
        )
        raise fail("port-ref-per-connection", msg)
    return server


_Needs = dict[str, list[tuple[PortReference | None, str]]]


def _dependencies(graph: Graph, catalog: Catalog) -> tuple[list[PortRefProblem], _Needs]:
    """Resolution problems, and for each named server the servers to build before it.

    A server needs the servers that it, or anything built together with it, refers to; it also
    needs a named server that it contains (no reference then: None).
    """
    found: list[PortRefProblem] = []
    target_of: dict[PortReference, str] = {}
    for ref in references(graph):
        try:
            target_of[ref] = resolve(graph, catalog, ref).id
        except PortRefError as exc:
            found.append(exc.problem)
    named = set(target_of.values())
    servers = [node.id for node in graph.nodes if node.id in named]
    needs: _Needs = {}
    for server_id in servers:
        inside = list(eager_nodes(graph, graph.node(server_id)))
        ids = {node.id for node in inside}
        deps: list[tuple[PortReference | None, str]] = [
            (ref, target) for ref, target in target_of.items() if ref.node_id in ids
        ]
        deps += [(None, node.id) for node in inside[1:] if node.id in servers]
        needs[server_id] = deps
    return found, needs


def _path(needs: _Needs, start: str, goal: str) -> list[str]:
    """Server ids from ``start`` to ``goal`` along ``needs`` (empty when unreachable)."""
    parents: dict[str, str] = {}
    queue, seen = [start], {start}
    while queue:
        current = queue.pop(0)
        for _, nxt in needs.get(current, []):
            if nxt in seen and nxt != goal:
                continue
            parents.setdefault(nxt, current)
            if nxt == goal:
                path = [goal]
                while path[-1] != start:
                    path.append(parents[path[-1]])
                return path[::-1]
            seen.add(nxt)
            queue.append(nxt)
    return []


def problems(graph: Graph, catalog: Catalog) -> list[PortRefProblem]:
    """Every reference that cannot be honoured; one cycle problem per server on a cycle."""
    found, needs = _dependencies(graph, catalog)
    for server_id, deps in needs.items():
        for ref, target in deps:
            if ref is None:  # containment alone never closes a cycle; a reference on it will
                continue
            cycle = [target] if target == server_id else _path(needs, target, server_id)
            if not cycle:
                continue
            names = " -> ".join(graph.node(n).name for n in [server_id, *cycle])
            msg = (
                f"{_where(graph, ref)}: $port_of {ref.target!r} makes a cycle ({names}): a "
                "server's port is known only once it is built, so no build order works"
            )
            found.append(PortRefProblem("port-ref-cycle", msg, ref.node_id, ref.param))
            break
    return found


def server_order(graph: Graph, catalog: Catalog) -> list[str]:
    """Ids of the servers that ``$port_of`` values name, each after the servers it needs.

    Raises:
        PortRefError: the first problem :func:`problems` finds.
    """
    found = problems(graph, catalog)
    if found:
        raise PortRefError(found[0])
    _, needs = _dependencies(graph, catalog)
    order: list[str] = []

    def visit(server_id: str) -> None:
        if server_id in order:
            return
        for _, target in needs[server_id]:
            visit(target)
        order.append(server_id)

    for server_id in needs:
        visit(server_id)
    return order
