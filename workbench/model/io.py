"""Graph files: turns ``*.kgraph.json`` text into a Graph and back, safely and readably.

Sits between the disk and the :class:`~workbench.model.graph.Graph`. The format is versioned
JSON with sorted keys, one item per line and short lists of scalars kept on one line, so files
diff well::

    {"format": "kamaelia-graph", "version": 1, "nodes": [...], "links": [...], "annotations": [...]}

Older versions are upgraded through :data:`MIGRATIONS`; newer versions are refused with a clear
message. Saving is atomic: the text is produced first, written to a temporary file beside the
target and moved over it with ``os.replace``, so the previous file survives any error.
"""

from __future__ import annotations

import json
import logging
import math
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.model.graph import CONTAINER_KINDS, Graph, GraphError, id_sort_key

if TYPE_CHECKING:
    from workbench.model.catalog import Catalog

logger = logging.getLogger(__name__)

FORMAT = "kamaelia-graph"
VERSION = 1
SUFFIX = ".kgraph.json"

Migration = Callable[[dict[str, Any]], dict[str, Any]]
MIGRATIONS: dict[int, Migration] = {}
"""``MIGRATIONS[v]`` turns a parsed document of version ``v`` into version ``v + 1``."""

_NODE_KEYS = {"id", "component", "name", "params", "position", "parent", "children", "container"}
_LINK_KEYS = {"id", "source", "sink"}
_NOTE_KEYS = {"id", "text", "position"}
_TOP_KEYS = {"format", "version", "nodes", "links", "annotations"}
_INLINE_WIDTH = 72


class GraphFileError(ValueError):
    """A graph file or text that cannot be read (or a graph that cannot be written).

    Attributes:
        path: The file, if known.
        line: 1-based line of a JSON syntax error, else None.
        column: 1-based column of a JSON syntax error, else None.
        where: JSON path of a structural error ("nodes[2].params"), else None.
        reason: The message without location.
    """

    def __init__(
        self,
        reason: str,
        *,
        path: str | os.PathLike[str] | None = None,
        line: int | None = None,
        column: int | None = None,
        where: str | None = None,
    ) -> None:
        self.reason = reason
        self.path = os.fspath(path) if path is not None else None
        self.line = line
        self.column = column
        self.where = where
        location = self.path or "<graph>"
        if line is not None:
            location += f":{line}:{column}"
        if where:
            location += f": {where}"
        super().__init__(f"{location}: {reason}")


# --------------------------------------------------------------------------- writing
def graph_to_data(graph: Graph) -> dict[str, Any]:
    """The JSON-ready dictionary for a graph (current version)."""
    nodes = []
    for node in graph.nodes:
        item: dict[str, Any] = {
            "id": node.id,
            "component": node.component,
            "name": node.name,
            "params": node.params,
            "position": list(node.position),
            "parent": node.parent,
        }
        if node.container_kind is not None:
            item["container"] = node.container_kind
            item["children"] = list(node.children)
        nodes.append(item)
    links = [{"id": ln.id, "source": list(ln.source), "sink": list(ln.sink)} for ln in graph.links]
    notes = [
        {"id": note.id, "text": note.text, "position": list(note.position)}
        for note in graph.annotations
    ]
    return {
        "format": FORMAT,
        "version": VERSION,
        "nodes": nodes,
        "links": links,
        "annotations": notes,
    }


def _scalar(value: Any, where: str) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        raise GraphFileError(f"{value!r} is not a JSON number", where=where)
    if value is None or isinstance(value, (bool, int, float, str)):
        return json.dumps(value, ensure_ascii=False)
    raise GraphFileError(f"{type(value).__name__} value {value!r} is not JSON", where=where)


def _render(value: Any, indent: int, where: str) -> str:
    pad = "  " * (indent + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = []
        for key in sorted(value):
            if not isinstance(key, str):
                raise GraphFileError(f"key {key!r} is not a string", where=where)
            sub = f"{where}.{key}" if where else key
            items.append(f"{pad}{json.dumps(key)}: {_render(value[key], indent + 1, sub)}")
        return "{\n" + ",\n".join(items) + "\n" + "  " * indent + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        if all(v is None or isinstance(v, (bool, int, float, str)) for v in value):
            inline = "[" + ", ".join(_scalar(v, f"{where}[{i}]") for i, v in enumerate(value)) + "]"
            if len(inline) + len(pad) <= _INLINE_WIDTH:
                return inline
        items = [f"{pad}{_render(v, indent + 1, f'{where}[{i}]')}" for i, v in enumerate(value)]
        return "[\n" + ",\n".join(items) + "\n" + "  " * indent + "]"
    return _scalar(value, where)


def dumps(graph: Graph) -> str:
    """The file text for a graph: sorted keys, indented, newline-terminated.

    Raises:
        GraphFileError: a parameter holds something JSON cannot represent (``where`` names it).
    """
    return _render(graph_to_data(graph), 0, "") + "\n"


def _umask() -> int:
    """The process umask, read without changing it (os.umask would race other threads)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        logger.debug("umask unknown; assuming 022")
    return 0o022


def save(graph: Graph, path: str | os.PathLike[str]) -> None:
    """Write a graph atomically; on any error the previous file is left untouched.

    Raises:
        GraphFileError: the graph cannot be serialised (nothing is written).
        OSError: the directory cannot be written.
    """
    target = Path(path)
    try:
        text = dumps(graph)
    except GraphFileError as exc:
        raise GraphFileError(exc.reason, path=target, where=exc.where) from None
    try:
        mode = target.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, target)
    except BaseException:  # any failure (even KeyboardInterrupt): drop the temp file, re-raise
        Path(tmp_name).unlink(missing_ok=True)
        raise


# --------------------------------------------------------------------------- reading
def _require(data: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in data:
        raise GraphFileError(f"missing key {key!r}", where=where or None)
    value = data[key]
    sub = f"{where}.{key}" if where else key
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise GraphFileError(f"expected {names}, got {type(value).__name__}", where=sub)
    return value


def _check_keys(data: Any, allowed: set[str], where: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise GraphFileError(f"expected an object, got {type(data).__name__}", where=where)
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise GraphFileError(f"unknown key {unknown[0]!r}", where=where)
    return data


def _point(data: dict[str, Any], where: str) -> tuple[float, float]:
    value = _require(data, "position", list, where)
    if len(value) != 2 or not all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in value
    ):
        raise GraphFileError("expected [x, y] numbers", where=f"{where}.position")
    return (float(value[0]), float(value[1]))


def _box_ref(data: dict[str, Any], key: str, where: str) -> tuple[str, str]:
    value = _require(data, key, list, where)
    if len(value) != 2 or not all(isinstance(v, str) for v in value):
        raise GraphFileError('expected ["node id", "box"]', where=f"{where}.{key}")
    return (value[0], value[1])


def _migrate(data: dict[str, Any]) -> dict[str, Any]:
    version = _require(data, "version", int, "")
    if version > VERSION:
        raise GraphFileError(
            f"written by a newer workbench (format version {version}; this one reads up to "
            f"{VERSION}); please upgrade kamaelia-workbench"
        )
    if version < 1:
        raise GraphFileError(f"invalid format version {version}", where="version")
    while version < VERSION:
        migration = MIGRATIONS.get(version)
        if migration is None:
            raise GraphFileError(f"no migration from format version {version}")
        data = migration(data)
        version += 1
        data["version"] = version
    return data


def _parse_nodes(raw: list[Any]) -> dict[str, dict[str, Any]]:
    nodes: dict[str, dict[str, Any]] = {}
    for i, item in enumerate(raw):
        where = f"nodes[{i}]"
        _check_keys(item, _NODE_KEYS, where)
        node_id = _require(item, "id", str, where)
        if node_id in nodes:
            raise GraphFileError(f"duplicate node id {node_id!r}", where=f"{where}.id")
        parent = item.get("parent")
        if parent is not None and not isinstance(parent, str):
            raise GraphFileError("expected a node id or null", where=f"{where}.parent")
        container = item.get("container")
        if container is not None and container not in CONTAINER_KINDS:
            raise GraphFileError(
                f"unknown container kind {container!r}", where=f"{where}.container"
            )
        children = item.get("children", [])
        if not isinstance(children, list) or not all(isinstance(c, str) for c in children):
            raise GraphFileError("expected a list of node ids", where=f"{where}.children")
        nodes[node_id] = {
            "where": where,
            "component": _require(item, "component", str, where),
            "name": _require(item, "name", str, where),
            "params": _require(item, "params", dict, where),
            "position": _point(item, where),
            "parent": parent,
            "container": container,
            "children": children,
        }
    return nodes


def _check_containment(nodes: dict[str, dict[str, Any]]) -> None:
    for node_id, node in nodes.items():
        where, parent = node["where"], node["parent"]
        if parent is not None:
            if parent not in nodes:
                raise GraphFileError(f"parent {parent!r} is not a node", where=f"{where}.parent")
            if node_id not in nodes[parent]["children"]:
                raise GraphFileError(
                    f"parent {parent!r} does not list {node_id!r} in its children",
                    where=f"{where}.parent",
                )
        seen = {node_id}
        while parent is not None:
            if parent in seen:
                raise GraphFileError(f"containment cycle through {parent!r}", where=where)
            seen.add(parent)
            parent = nodes[parent]["parent"]
        for j, child in enumerate(node["children"]):
            if child not in nodes or nodes[child]["parent"] != node_id:
                raise GraphFileError(
                    f"child {child!r} does not name {node_id!r} as its parent",
                    where=f"{where}.children[{j}]",
                )
        if len(set(node["children"])) != len(node["children"]):
            raise GraphFileError("a child is listed twice", where=f"{where}.children")


def data_to_graph(data: Any, catalog: Catalog | None = None) -> Graph:
    """Build a Graph from parsed JSON (any supported version).

    Args:
        data: The parsed document.
        catalog: If given, container kinds are taken from the catalog for known components.

    Raises:
        GraphFileError: wrong format, unsupported version or structural error (``where`` set).
    """
    _check_keys(data, _TOP_KEYS, "(top level)")
    if data.get("format") != FORMAT:
        raise GraphFileError(f"not a {FORMAT} file (format is {data.get('format')!r})")
    data = _migrate(data)
    nodes = _parse_nodes(_require(data, "nodes", list, ""))
    _check_containment(nodes)
    graph = Graph()

    def add(node_id: str, index: int | None) -> None:
        node = nodes[node_id]
        kind = node["container"]
        if catalog is not None and node["component"] in catalog:
            kind = catalog.get(node["component"]).container_kind
        graph.add_node(
            node["component"],
            name=node["name"],
            params=node["params"],
            position=node["position"],
            parent=node["parent"],
            container_kind=kind,
            node_id=node_id,
            index=index,
        )
        for child in node["children"]:
            add(child, None)

    for node_id in sorted(nodes, key=id_sort_key):
        if nodes[node_id]["parent"] is None:
            add(node_id, None)
    seen_links: set[str] = set()
    for i, item in enumerate(_require(data, "links", list, "")):
        where = f"links[{i}]"
        _check_keys(item, _LINK_KEYS, where)
        link_id = _require(item, "id", str, where)
        source, sink = _box_ref(item, "source", where), _box_ref(item, "sink", where)
        if link_id in seen_links or link_id in nodes:
            raise GraphFileError(f"duplicate id {link_id!r}", where=f"{where}.id")
        seen_links.add(link_id)
        for key, end in (("source", source), ("sink", sink)):
            if end[0] not in nodes:
                raise GraphFileError(f"no node {end[0]!r}", where=f"{where}.{key}")
        graph.add_link(source, sink, link_id=link_id)
    for i, item in enumerate(_require(data, "annotations", list, "")):
        where = f"annotations[{i}]"
        _check_keys(item, _NOTE_KEYS, where)
        note_id = _require(item, "id", str, where)
        try:
            graph.add_annotation(
                _require(item, "text", str, where), _point(item, where), annotation_id=note_id
            )
        except GraphError as exc:
            raise GraphFileError(str(exc), where=f"{where}.id") from None
    return graph


def loads(text: str, catalog: Catalog | None = None, *, path: str | None = None) -> Graph:
    """Parse graph file text.

    Raises:
        GraphFileError: malformed JSON (with line and column) or a bad document.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise GraphFileError(
            f"not valid JSON: {exc.msg}", path=path, line=exc.lineno, column=exc.colno
        ) from None
    try:
        return data_to_graph(data, catalog)
    except GraphFileError as exc:
        raise GraphFileError(exc.reason, path=path, where=exc.where) from None
    except GraphError as exc:  # e.g. an id used by two kinds of item
        raise GraphFileError(str(exc), path=path) from None


def load(path: str | os.PathLike[str], catalog: Catalog | None = None) -> Graph:
    """Read a graph file.

    Raises:
        GraphFileError: malformed or unsupported file (message names path, line/column or the
            JSON path of the problem).
        OSError: the file cannot be read.
    """
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        reason = f"not UTF-8 text ({exc.reason} at byte {exc.start})"
        raise GraphFileError(reason, path=path) from None
    return loads(text, catalog, path=os.fspath(path))
