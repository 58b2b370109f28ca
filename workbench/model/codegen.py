"""Code export: turns a validated Graph into a readable, runnable kamaelia_core Python program.

Sits at the end of the model's data flow, beside the runtime builder: the builder makes live
components from a graph, this module writes the same structure as source text. Containers become
``Pipeline(...)``, ``Graphline(..., linkages={...})`` and ``ServerCore(protocol=make_x, ...)``
with a module-level factory per protocol handler; several top-level nodes are wrapped in one
Graphline. A server that a ``$port_of`` value names is defined first as a variable of its own
(``echo_server = ServerCore(...)``), in build order, and the value is written ``echo_server.port``.
The text is laid out the way ``ruff format`` lays it out (double quotes, 88 columns, exploded
calls with trailing commas), so it passes ``ruff format --check``.
"""

from __future__ import annotations

import ast
import io
import keyword
import re
import textwrap
import tokenize
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from workbench.model import callables, values
from workbench.model.catalog import Catalog
from workbench.model.graph import Graph, Node
from workbench.model.portrefs import server_order
from workbench.model.validate import Problem, errors, validate

WIDTH = 88
INDENT = "    "
GRAPHLINE_ID = "kamaelia_core.chassis.graphline.Graphline"

#: Public import locations for the chassis the program is built from.
PREFERRED_IMPORTS = {
    "kamaelia_core.chassis.pipeline.Pipeline": "kamaelia_core.chassis",
    GRAPHLINE_ID: "kamaelia_core.chassis",
    "kamaelia_core.net.servers.ServerCore": "kamaelia_core.net",
}

PEER_KEYS = ("peer", "peerport", "localip", "localport")
_FACTORY_DOC = '"""Make the handler for one connection (peer, peerport, localip, localport)."""'


class ExportError(ValueError):
    """The graph cannot be exported; ``problems`` holds the validation errors, if any."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


# --------------------------------------------------------------------------- literals
def py_str(text: str) -> str:
    """A string literal quoted the way ruff format prefers (double quotes unless worse)."""
    quote = "'" if text.count('"') > text.count("'") else '"'
    body = []
    for ch in text:
        if ch == "\\":
            body.append("\\\\")
        elif ch == quote:
            body.append("\\" + quote)
        elif ch.isprintable():
            body.append(ch)
        else:
            body.append(repr(ch)[1:-1])
    return f"{quote}{''.join(body)}{quote}"


def py_bytes(data: bytes) -> str:
    """A bytes literal quoted the way ruff format prefers."""
    quote = "'" if data.count(b'"') > data.count(b"'") else '"'
    special = {0x5C: "\\\\", 0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t", ord(quote): "\\" + quote}
    body = [special.get(b) or (chr(b) if 32 <= b < 127 else f"\\x{b:02x}") for b in data]
    return f"b{quote}{''.join(body)}{quote}"


def normalise_expression(source: str) -> str:
    """Canonical one-line text of a Python expression, with ruff-style string quotes.

    Raises:
        SyntaxError: not an expression.
    """
    text = ast.unparse(ast.parse(source.strip(), mode="eval"))
    out, last = [], 0
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type != tokenize.STRING:
            continue
        start, end = token.start[1], token.end[1]
        literal = token.string
        prefix = literal[: len(literal) - len(literal.lstrip("bBrRuUfF"))].lower()
        if prefix in ("", "b"):
            value = ast.literal_eval(literal)
            literal = py_bytes(value) if isinstance(value, bytes) else py_str(value)
        out.append(text[last:start] + literal)
        last = end
    out.append(text[last:])
    return "".join(out)


# --------------------------------------------------------------------------- expressions
@dataclass
class Expr:
    """A piece of source: ``flat`` is its one-line form; ``parts`` make its exploded form."""

    flat: str
    opener: str = ""
    closer: str = ""
    parts: list[tuple[str, Expr]] = field(default_factory=list)

    def render(self, indent: int, extra: int) -> str:
        """The text at ``indent`` levels, ``extra`` columns being taken by the rest of the line."""
        if not self.parts or len(INDENT) * indent + extra + len(self.flat) <= WIDTH:
            return self.flat
        pad = INDENT * (indent + 1)
        lines = [
            f"{pad}{lead}{part.render(indent + 1, len(lead) + 1)}," for lead, part in self.parts
        ]
        return self.opener + "\n" + "\n".join(lines) + "\n" + INDENT * indent + self.closer


def _seq(opener: str, closer: str, parts: list[tuple[str, Expr]]) -> Expr:
    inner = ", ".join(lead + part.flat for lead, part in parts)
    return Expr(opener + inner + closer, opener, closer, parts)


def value_expr(
    value: object,
    ports: Mapping[str, str] | None = None,
    functions: Callable[[str], str] | None = None,
) -> Expr:
    """The expression for a parameter value (JSON, ``$bytes``, ``$callable``, ``$code`` or
    ``$port_of``).

    Args:
        value: The parameter as stored in the graph.
        ports: Server node name -> the variable holding that server, for ``$port_of`` values.
        functions: Allow-listed callable name -> the name the program calls it by (it imports a
            kamaelia_core helper); without it, a builtin keeps its name and a helper its own.

    Raises:
        ExportError: a ``$port_of`` value names a server missing from ``ports``, or a
            ``$callable`` value a name off the allow-list.
    """
    ports = ports or {}
    tag = values.tag_of(value)
    if isinstance(value, dict) and tag == values.BYTES_TAG:
        return Expr(py_bytes(value[tag].encode("utf-8")))
    if isinstance(value, dict) and tag == values.CALLABLE_TAG:
        try:
            return Expr(functions(value[tag]) if functions else values.to_source(value))
        except (callables.NotAllowedError, values.BadValueError) as exc:
            raise ExportError(str(exc)) from None
    if isinstance(value, dict) and tag == values.CODE_TAG:
        return Expr(normalise_expression(value[tag]))
    if isinstance(value, dict) and tag == values.PORT_OF_TAG:
        try:
            return Expr(values.port_source(value[tag], ports))
        except values.BadValueError as exc:
            raise ExportError(str(exc)) from None
    if isinstance(value, str):
        return Expr(py_str(value))
    if isinstance(value, list):
        return _seq("[", "]", [("", value_expr(v, ports, functions)) for v in value])
    if isinstance(value, dict):
        items = [(f"{py_str(k)}: ", value_expr(v, ports, functions)) for k, v in value.items()]
        return _seq("{", "}", items)
    return Expr(repr(value))


def call_expr(func: str, args: list[Expr], kwargs: list[tuple[str, Expr]]) -> Expr:
    """``func(args..., name=value...)``."""
    parts = [("", a) for a in args] + [(f"{k}=", v) for k, v in kwargs]
    return _seq(f"{func}(", ")", parts)


# --------------------------------------------------------------------------- the program
def identifier(name: str) -> str:
    """A Python identifier close to ``name`` (used for Graphline keys and function names)."""
    ident = re.sub(r"\W", "_", name.strip()) or "node"
    if ident[0].isdigit():
        ident = f"n_{ident}"
    if keyword.iskeyword(ident) or ident in ("self", "system", "linkages"):
        ident += "_"
    return ident


class _Exporter:
    def __init__(self, graph: Graph, catalog: Catalog) -> None:
        self.graph, self.catalog = graph, catalog
        self.imports: dict[str, set[str]] = {}
        self.aliases: dict[str, str] = {}  # component id -> its class's name in the program
        self.function_aliases: dict[str, str] = {}  # allow-listed callable -> its name there
        self.factories: list[str] = []
        self.used_names: set[str] = {"system", "peer", *callables.BUILTIN_ROOTS}
        self.server_vars: dict[str, str] = {}  # server node id -> its variable
        self.port_vars: dict[str, str] = {}  # server node name -> its variable
        self.defined: set[str] = set()  # server node ids whose variable is already assigned

    def class_name(self, component: str) -> str:
        if component in self.aliases:
            return self.aliases[component]
        module, _, name = component.rpartition(".")
        module = PREFERRED_IMPORTS.get(component, module)
        alias = self.unique(name)
        self.imports.setdefault(module, set()).add(name if alias == name else f"{name} as {alias}")
        self.aliases[component] = alias
        return alias

    def function(self, name: str) -> str:
        """How the program calls the allow-listed callable ``name`` (importing it if needed)."""
        found = callables.import_of(name)
        if found is None:
            return name  # a builtin: BUILTIN_ROOTS keeps program names from shadowing it
        if name not in self.function_aliases:
            module, attr = found
            alias = self.unique(attr)
            self.imports.setdefault(module, set()).add(
                attr if alias == attr else f"{attr} as {alias}"
            )
            self.function_aliases[name] = alias
        return self.function_aliases[name]

    def unique(self, base: str) -> str:
        name, k = base, 2
        while name in self.used_names:
            name, k = f"{base}_{k}", k + 1
        self.used_names.add(name)
        return name

    def params(self, node: Node) -> list[tuple[str, Expr]]:
        order = [p.name for p in self.catalog.get(node.component).params]
        rank = {name: i for i, name in enumerate(order)}
        names = sorted(node.params, key=lambda n: (rank.get(n, len(order)), n))
        return [
            (name, value_expr(node.params[name], self.port_vars, self.function)) for name in names
        ]

    def node(self, node: Node) -> Expr:
        if node.id in self.defined:
            return Expr(self.server_vars[node.id])
        cls = self.class_name(node.component)
        kind = node.container_kind
        children = self.graph.children(node.id)
        if kind == "pipeline":
            return call_expr(cls, [self.node(c) for c in children], self.params(node))
        if kind == "graphline":
            return self.graphline(cls, children, node.id, self.params(node))
        if kind == "servercore":
            factory = self.factory(children[0])
            return call_expr(cls, [], [("protocol", Expr(factory)), *self.params(node)])
        return call_expr(cls, [], self.params(node))

    def handler(self, node: Node) -> Expr:
        """A protocol handler; one that takes ``peer`` gets the connection's details too."""
        spec = self.catalog.get(node.component)
        if node.is_container or spec.param("peer") is None or not spec.accepts_extra_params:
            return self.node(node)
        params = [(k, v) for k, v in self.params(node) if k not in PEER_KEYS]
        return call_expr(self.class_name(node.component), [Expr("**peer")], params)

    def graphline(
        self, cls: str, children: list[Node], own_id: str | None, params: list[tuple[str, Expr]]
    ) -> Expr:
        keys: dict[str, str] = {}
        for child in children:
            base = key = identifier(child.name)
            k = 2
            while key in keys.values():
                key, k = f"{base}_{k}", k + 1
            keys[child.id] = key
        inside = set(keys) | ({own_id} if own_id else set())
        entries: list[tuple[str, Expr]] = []
        for link in self.graph.links:
            if link.source[0] in inside and link.sink[0] in inside:
                src = "self" if link.source[0] == own_id else keys[link.source[0]]
                dst = "self" if link.sink[0] == own_id else keys[link.sink[0]]
                lead = f"({py_str(src)}, {py_str(link.source[1])}): "
                entries.append((lead, Expr(f"({py_str(dst)}, {py_str(link.sink[1])})")))
        kwargs = [(keys[c.id], self.node(c)) for c in children]
        kwargs.append(("linkages", _seq("{", "}", entries)))
        return call_expr(cls, [], kwargs + params)

    def factory(self, handler: Node) -> str:
        name = self.unique(f"make_{identifier(handler.name)}")
        body = self.handler(handler).render(1, len("return "))
        self.factories.append(
            f"def {name}(**peer):\n{INDENT}{_FACTORY_DOC}\n{INDENT}return {body}\n"
        )
        return name

    def system(self) -> Expr:
        tops = self.graph.top_level()
        top_ids = {n.id for n in tops}
        top_links = [
            ln for ln in self.graph.links if ln.source[0] in top_ids and ln.sink[0] in top_ids
        ]
        if len(tops) == 1 and not top_links:
            return self.node(tops[0])
        graphlines = [s.id for s in self.catalog if s.container_kind == "graphline"]
        wrapper = GRAPHLINE_ID if GRAPHLINE_ID in graphlines or not graphlines else graphlines[0]
        return self.graphline(self.class_name(wrapper), tops, None, [])

    def docstring(self, title: str) -> str:
        lines = [f"{title}.", "", "Exported by kamaelia-workbench; run it with Python."]
        for note in self.graph.annotations:
            lines.append("")
            for paragraph in note.text.splitlines() or [""]:
                lines.extend(textwrap.wrap(paragraph, WIDTH - 4) or [""])
        text = "\n".join(line.rstrip() for line in lines)
        text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
        return f'"""{text}\n"""\n'

    def servers(self) -> list[str]:
        """``name = ...`` for each server a ``$port_of`` value names, in build order."""
        order = server_order(self.graph, self.catalog)
        for server_id in order:
            server = self.graph.node(server_id)
            self.server_vars[server_id] = var = self.unique(identifier(server.name))
            self.port_vars[server.name] = var
        lines = []
        for server_id in order:
            var = self.server_vars[server_id]
            expr = self.node(self.graph.node(server_id)).render(0, len(f"{var} = "))
            lines.append(f"{var} = {expr}\n")
            self.defined.add(server_id)
        return lines

    def program(self, title: str) -> str:
        servers = self.servers()
        system = self.system().render(0, len("system = "))
        imports = []
        for module in sorted(self.imports, key=str.lower):
            names = sorted(self.imports[module], key=lambda n: (not n.isupper(), n.lower()))
            line = f"from {module} import {', '.join(names)}"
            if len(line) > WIDTH:
                inner = "".join(f"{INDENT}{n},\n" for n in names)
                line = f"from {module} import (\n{inner})"
            imports.append(line)
        head = self.docstring(title) + "\n" + "\n".join(imports) + "\n"
        body = [*self.factories, "".join(servers) + f"system = {system}\n"]
        body.append('if __name__ == "__main__":\n' + INDENT + "system.run()\n")
        gap = "\n\n" if self.factories else "\n"  # what ruff's isort wants after imports
        return head + gap + "\n\n\n".join(b.rstrip("\n") for b in body) + "\n"


def export_python(graph: Graph, catalog: Catalog, *, title: str = "A kamaelia_core system") -> str:
    """Python source for a graph: a program that builds the system and runs it.

    Args:
        graph: The document to export.
        catalog: Used to validate the graph and to order parameters.
        title: First line of the program's docstring.

    Raises:
        ExportError: the graph is empty or has validation errors.
    """
    problems = errors(validate(graph, catalog))
    if problems:
        listed = "; ".join(p.message for p in problems[:5])
        raise ExportError(f"fix the graph before exporting it: {listed}", problems)
    if not graph.top_level():
        raise ExportError("the graph is empty: nothing to export")
    return _Exporter(graph, catalog).program(title)
