"""Turns a graph document into live, wired kamaelia_core components (not yet activated).

Containers become the chassis they name: a Pipeline of its children in order, a Graphline with the
explicit links inside it, a ServerCore whose protocol factory builds a fresh copy of its template
child per connection. Several top-level nodes are wrapped in one root Graphline. Every component
made here carries ``design_id`` (the node it comes from) so the runtime can map live events back
onto the drawing; per-connection handlers also carry ``instance_of`` (their template's node id).

A ``$port_of`` parameter needs the named server's real port, known once the server has bound its
socket, i.e. once it is constructed. So the servers that references name are built first, in
:func:`~workbench.model.portrefs.server_order`, and kept; the rest of the graph then takes them
from there, and each reference becomes the built server's ``.port``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kamaelia_core.chassis.graphline import Graphline
from kamaelia_core.component import Component
from workbench.model.catalog import Catalog
from workbench.model.graph import Graph, Node
from workbench.model.portrefs import PortRefError, server_order
from workbench.model.values import ParamValueError, decode, port_refs, replace_port_refs

ROOT_ID = "<root>"
"""Design id given to the Graphline that wraps several top-level nodes."""


class BuildError(Exception):
    """The graph cannot be turned into components; the message names the node."""

    def __init__(self, message: str, node_id: str | None = None) -> None:
        super().__init__(message)
        self.node_id = node_id


@dataclass
class Built:
    """The result of building a graph.

    Attributes:
        root: The component to activate (the single top-level node, or a root Graphline).
        by_node: Design node id -> the live component built for it (templates excluded).
        templates: ServerCore protocol template node ids -> their ServerCore node id.
    """

    root: Component
    by_node: dict[str, Component] = field(default_factory=dict)
    templates: dict[str, str] = field(default_factory=dict)


def _tag(comp: Component, node_id: str, instance_of: str | None = None) -> Component:
    comp.design_id = node_id  # type: ignore[attr-defined]
    if instance_of is not None:
        comp.instance_of = instance_of  # type: ignore[attr-defined]
    return comp


class Builder:
    """Builds components from ``graph`` using only classes the ``catalog`` holds.

    Args:
        graph: The design document.
        catalog: Where node component ids are resolved (never imported directly).
        allow_code: Evaluate ``$code`` parameter values (only for graphs the user trusts).
    """

    def __init__(self, graph: Graph, catalog: Catalog, allow_code: bool = False) -> None:
        self.graph = graph
        self.catalog = catalog
        self.allow_code = allow_code
        self._made: list[Component] = []
        self.built = Built(root=Component())
        self._servers: dict[str, Component | None] = {}
        """Server node ids that ``$port_of`` values name -> the server once built."""

    def build(self) -> Built:
        """Build the whole graph.

        Raises:
            BuildError: Empty graph, unknown component, bad parameters, a bad container, or a
                ``$port_of`` value naming no server, or servers naming each other.
        """
        tops = self.graph.top_level()
        if not tops:
            raise BuildError("the graph is empty: add a component before running it")
        try:
            order = server_order(self.graph, self.catalog)
        except PortRefError as exc:
            raise BuildError(str(exc), exc.problem.node_id) from exc
        self._servers = dict.fromkeys(order)
        try:
            return self._build(tops, order)
        except BuildError:
            self._release()
            raise

    def _release(self) -> None:
        """A build failed part-way: give back what the components made so far hold (a server
        binds its listening socket when it is constructed)."""
        for comp in self._made:
            comp.stop()

    def _build(self, tops: list[Node], order: list[str]) -> Built:
        for server_id in order:
            self._node(self.graph.node(server_id))
        if len(tops) == 1 and not self._top_links():
            self.built.root = self._node(tops[0])
        else:
            children = {self._key(node): self._node(node) for node in tops}
            linkages = {
                (self._key_of(src[0]), src[1]): (self._key_of(dst[0]), dst[1])
                for src, dst in self._top_links()
            }
            self.built.root = _tag(Graphline(linkages=linkages, **children), ROOT_ID)
        return self.built

    def _top_links(self) -> list[tuple[tuple[str, str], tuple[str, str]]]:
        return [
            (link.source, link.sink)
            for link in self.graph.links
            if self.graph.node(link.source[0]).parent is None
            and self.graph.node(link.sink[0]).parent is None
        ]

    @staticmethod
    def _key(node: Node) -> str:
        return node.name or node.id

    def _key_of(self, node_id: str) -> str:
        return self._key(self.graph.node(node_id))

    def _node(
        self, node: Node, instance_of: str | None = None, peer: dict[str, Any] | None = None
    ) -> Component:
        ready = self._servers.get(node.id) if instance_of is None else None
        if ready is not None:
            return ready
        kind = node.container_kind
        if kind == "pipeline":
            comp = self._pipeline(node, instance_of)
        elif kind == "graphline":
            comp = self._graphline(node, instance_of)
        elif kind == "servercore":
            comp = self._servercore(node)
        else:
            comp = self._instantiate(node, self._peer_kwargs(node, peer or {}))
        if instance_of is None:
            self.built.by_node[node.id] = comp
            if node.id in self._servers:
                self._servers[node.id] = comp
        return _tag(comp, node.id, instance_of)

    def _class(self, node: Node) -> type:
        try:
            return self.catalog.resolve_class(node.component)
        except LookupError as exc:
            raise BuildError(f"node {node.name!r} ({node.id}): {exc}", node.id) from exc

    def _instantiate(self, node: Node, structural: dict[str, Any], *args: Any) -> Component:
        cls = self._class(node)
        try:
            params = {
                key: decode(value, allow_code=self.allow_code, where=f"{node.name}.{key}")
                for key, value in node.params.items()
            }
        except ParamValueError as exc:
            raise BuildError(f"node {node.name!r} ({node.id}): {exc}", node.id) from exc
        for key in params:
            if port_refs(node.params[key]):
                params[key] = replace_port_refs(params[key], self._ports_for(node, key))
        kwargs = {**params, **structural}
        try:
            inspect.signature(cls).bind(*args, **kwargs)
        except TypeError as exc:
            raise BuildError(
                f"node {node.name!r} ({node.id}): bad parameters: {exc}", node.id
            ) from exc
        try:
            comp = cls(*args, **kwargs)
        except (TypeError, ValueError, OSError) as exc:
            raise BuildError(
                f"node {node.name!r} ({node.id}): {cls.__name__} refused its parameters: {exc}",
                node.id,
            ) from exc
        self._made.append(comp)
        return comp

    def _ports_for(self, node: Node, param: str) -> Callable[[str], int]:
        return lambda name: self._port_of(node, param, name)

    def _port_of(self, node: Node, param: str, name: str) -> int:
        """The port the built server called ``name`` listens on, for ``node.param``."""
        where = f"node {node.name!r} ({node.id}): {node.name}.{param}: $port_of {name!r}"
        named = [n.id for n in self.graph.nodes if n.name == name and n.id in self._servers]
        server = self._servers.get(named[0]) if len(named) == 1 else None
        if server is None:
            raise BuildError(f"{where}: that server is not built yet", node.id)
        port = getattr(server, "port", None)
        if not isinstance(port, int) or isinstance(port, bool) or port <= 0:
            raise BuildError(
                f"{where}: {type(server).__name__} has no listening port (.port is {port!r})",
                node.id,
            )
        return port

    def _precheck(self, template: Node) -> None:
        """Fail at build time, not at the first connection, for a template that cannot be built:
        unknown classes or parameters that do not decode (e.g. untrusted code)."""
        for node in [template, *self.graph.descendants(template.id)]:
            self._class(node)
            for key, value in node.params.items():
                try:
                    decode(value, allow_code=self.allow_code, where=f"{node.name}.{key}")
                except ParamValueError as exc:
                    raise BuildError(f"node {node.name!r} ({node.id}): {exc}", node.id) from exc

    def _peer_kwargs(self, node: Node, peer: dict[str, Any]) -> dict[str, Any]:
        """The connection details (peer, peerport, ...) the handler's class accepts."""
        if not peer:
            return {}
        params = inspect.signature(self._class(node)).parameters.values()
        if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):
            accepted = set(peer)
        else:
            accepted = {p.name for p in params} & set(peer)
        return {k: v for k, v in peer.items() if k in accepted and k not in node.params}

    def _children(self, node: Node) -> list[Node]:
        children = self.graph.children(node.id)
        if not children:
            raise BuildError(f"{node.name!r} ({node.id}) is an empty container", node.id)
        return children

    def _pipeline(self, node: Node, instance_of: str | None) -> Component:
        stages = [
            self._node(child, self._instance(child, instance_of)) for child in self._children(node)
        ]
        return self._instantiate(node, {}, *stages)

    def _graphline(self, node: Node, instance_of: str | None) -> Component:
        children = self._children(node)
        built = {self._key(c): self._node(c, self._instance(c, instance_of)) for c in children}
        inside = {c.id for c in children} | {node.id}
        linkages = {}
        for link in self.graph.links:
            if link.source[0] in inside and link.sink[0] in inside:
                src = "self" if link.source[0] == node.id else self._key_of(link.source[0])
                dst = "self" if link.sink[0] == node.id else self._key_of(link.sink[0])
                linkages[(src, link.source[1])] = (dst, link.sink[1])
        return self._instantiate(node, {"linkages": linkages, **built})

    @staticmethod
    def _instance(child: Node, instance_of: str | None) -> str | None:
        return child.id if instance_of is not None else None

    def _servercore(self, node: Node) -> Component:
        children = self._children(node)
        if len(children) != 1:
            raise BuildError(
                f"ServerCore {node.name!r} ({node.id}) needs exactly one protocol handler inside, "
                f"it has {len(children)}",
                node.id,
            )
        template = children[0]
        self.built.templates[template.id] = node.id
        self._precheck(template)
        return self._instantiate(node, {"protocol": self._factory(template)})

    def _factory(self, template: Node) -> Callable[..., Component]:
        def protocol(**peer: Any) -> Component:
            return self._node(template, instance_of=template.id, peer=peer)

        protocol.__name__ = f"make_{self._key(template)}"
        return protocol


def templates_of(graph: Graph) -> dict[str, str]:
    """Protocol template node ids -> their ServerCore node id, as a build records them (for a
    run built elsewhere: a recording, a graph run in another process)."""
    return {
        node.children[0]: node.id
        for node in graph.nodes
        if node.container_kind == "servercore" and len(node.children) == 1
    }


def build(graph: Graph, catalog: Catalog, allow_code: bool = False) -> Built:
    """Build ``graph`` into live components (see :class:`Builder`)."""
    return Builder(graph, catalog, allow_code).build()
