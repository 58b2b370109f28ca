"""The component catalog: what can be placed in a graph, read from the classes' own metadata.

Sits before everything else in the data flow: the palette lists it, graphs refer to its ids,
validation and code export read its specs, and the runtime asks it (and only it) for classes.
A spec is built from a class's ``Inboxes``/``Outboxes``, docstring, ``__init__`` signature and
optional tool attributes (``Category``, ``SpawnsChildren``, ``IsService``, ``ContainerKind``).

Classes come from entry points of the group ``kamaelia_workbench.components`` (each value is a
module with a ``__kamaelia_components__`` tuple, or a list/tuple of classes), or from an explicit
list (tests). The catalog holds the class objects themselves, so resolving an id never imports
anything: a graph file cannot make the workbench load code that is not catalogued.
"""

from __future__ import annotations

import difflib
import importlib
import inspect
import logging
import pkgutil
import re
import types
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from importlib import metadata
from typing import Any

from workbench.model.observers import Observers

logger = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "kamaelia_workbench.components"
CORE_ENTRY = "kamaelia_core.catalog_entries:COMPONENTS"

DEFAULT_INBOXES = {"inbox": "Bulk data", "control": "Shutdown and other signals"}
DEFAULT_OUTBOXES = {"outbox": "Bulk data out", "signal": "Shutdown and other signals out"}

#: Constructor parameters that a container's structure provides, hidden from the param editor.
STRUCTURAL_PARAMS = {"pipeline": frozenset(), "graphline": frozenset({"linkages"}),
                     "servercore": frozenset({"protocol"})}  # fmt: skip

#: Used only when a chassis class does not declare ``ContainerKind`` itself.
KNOWN_CONTAINERS = {
    "kamaelia_core.chassis.pipeline.Pipeline": "pipeline",
    "kamaelia_core.chassis.graphline.Graphline": "graphline",
    "kamaelia_core.net.servers.ServerCore": "servercore",
}

_TOOL_ATTRS = frozenset(
    {"Inboxes", "Outboxes", "Category", "SpawnsChildren", "IsService", "ContainerKind", "Daemon"}
)
_CATEGORY_BY_PACKAGE = (("chassis", "Chassis"), ("net", "Internet"), ("util", "Util"))
_SECTION_RE = re.compile(r"^(\s*)([A-Z][A-Za-z ]*):\s*$")
_ARG_RE = re.compile(r"^\s*\*{0,2}(\w+)\s*(?:\(([^)]*)\))?\s*:\s*(.*)$")


class UnknownComponentError(LookupError):
    """A catalog id that the catalog does not hold; the message names close matches."""

    def __init__(self, component_id: str, suggestions: list[str], why: str = "") -> None:
        self.component_id = component_id
        self.suggestions = suggestions
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown component {component_id!r}{why}{hint}")

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class ParamSpec:
    """One constructor parameter of a component.

    Attributes:
        name: Keyword name.
        default: The default when it is a JSON value, else its ``repr`` (see ``default_is_json``);
            None when required.
        required: True when the constructor has no default for it.
        annotation: The annotation as text ("int", "str | None"), "" if none.
        doc: Its description from the Google-style "Args:" section, "" if none.
        default_is_json: False when the default is a Python object (a class, a function).
    """

    name: str
    default: Any
    required: bool
    annotation: str = ""
    doc: str = ""
    default_is_json: bool = True

    def __hash__(self) -> int:
        return hash((self.name, self.required, self.annotation))


@dataclass(frozen=True)
class ComponentSpec:
    """Everything the workbench knows about one component class.

    Attributes:
        id: Catalog id, the dotted import path ("kamaelia_core.util.echo.Echo").
        name: Class name.
        category: Palette category ("Chassis", "Internet", "Util", "Other" or the class's own).
        summary: First paragraph of the docstring, on one line.
        doc: The full docstring (dedented).
        inboxes: Inbox name -> description.
        outboxes: Outbox name -> description.
        params: Constructor parameters, in signature order (structural ones left out).
        spawns_children: True if it creates components at run time (servers, TCPServer).
        is_service: True for services such as the Selector.
        container_kind: "pipeline", "graphline", "servercore" or None.
        accepts_extra_params: True if ``__init__`` takes ``**kwargs`` (Kamaelia components
            accept any keyword and store it as an attribute).
    """

    id: str
    name: str
    category: str
    summary: str
    doc: str
    inboxes: dict[str, str] = field(default_factory=dict)
    outboxes: dict[str, str] = field(default_factory=dict)
    params: tuple[ParamSpec, ...] = ()
    spawns_children: bool = False
    is_service: bool = False
    container_kind: str | None = None
    accepts_extra_params: bool = False

    def __hash__(self) -> int:
        return hash(self.id)

    @property
    def is_container(self) -> bool:
        """True for Pipeline, Graphline and ServerCore containers."""
        return self.container_kind is not None

    def param(self, name: str) -> ParamSpec | None:
        """The parameter of that name, or None."""
        for spec in self.params:
            if spec.name == name:
                return spec
        return None


def class_id(cls: type) -> str:
    """Catalog id of a class: ``module.QualName``."""
    return f"{cls.__module__}.{cls.__qualname__}"


def _boxes(value: Any, default: dict[str, str]) -> dict[str, str]:
    if value is None:
        return dict(default)
    if isinstance(value, dict):
        return {str(k): str(v or "") for k, v in value.items()}
    return {str(name): "" for name in value}


def _is_json(value: Any) -> bool:
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_is_json(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_json(v) for k, v in value.items())
    return False


def _annotation_text(annotation: Any) -> str:
    if annotation is inspect.Parameter.empty:
        return ""
    if isinstance(annotation, str):
        return annotation
    return inspect.formatannotation(annotation)


def parse_args_section(doc: str) -> dict[str, str]:
    """Read a Google-style "Args:" (or "Arguments:", "Parameters:") section.

    Returns:
        Parameter name -> description (continuation lines joined with spaces).
    """
    out: dict[str, str] = {}
    lines = doc.splitlines()
    in_args = False
    section_indent = 0
    entry_indent: int | None = None
    current: str | None = None
    for line in lines:
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        section = _SECTION_RE.match(line)
        if section and (not in_args or indent <= section_indent):
            in_args = section.group(2) in ("Args", "Arguments", "Parameters", "Keyword Args")
            section_indent = indent
            entry_indent = None
            current = None
            continue
        if not in_args:
            continue
        if indent <= section_indent:
            in_args = False
            continue
        if entry_indent is None:
            entry_indent = indent
        match = _ARG_RE.match(line)
        if indent == entry_indent and match:
            current = match.group(1)
            out[current] = match.group(3).strip()
        elif current is not None:
            out[current] = f"{out[current]} {line.strip()}".strip()
    return out


def _summary(doc: str) -> str:
    first = doc.strip().split("\n\n", 1)[0]
    return " ".join(first.split())


def _category(cls: type) -> str:
    declared = getattr(cls, "Category", None)
    if declared:
        return str(declared)
    parts = cls.__module__.split(".")
    for package, category in _CATEGORY_BY_PACKAGE:
        if package in parts[1:]:
            return category
    return "Other"


def _init_signature(cls: type[Any]) -> inspect.Signature:
    """The parameters ``cls(...)`` passes on to ``__init__`` (``self`` first).

    Raises:
        TypeError, ValueError: ``__init__`` has no signature (some builtins).
    """
    return inspect.signature(cls.__init__)


def _params(cls: type, container_kind: str | None, arg_docs: dict[str, str]) -> list[ParamSpec]:
    try:
        signature = _init_signature(cls)
    except (TypeError, ValueError) as exc:  # builtins without a signature
        logger.debug("no signature for %s: %s", class_id(cls), exc)
        return []
    skip = STRUCTURAL_PARAMS.get(container_kind or "", frozenset())
    out: list[ParamSpec] = []
    for index, param in enumerate(signature.parameters.values()):
        if index == 0 and param.name in ("self", "cls"):
            continue
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD) or param.name in skip:
            continue
        required = param.default is inspect.Parameter.empty
        default: Any = None
        is_json = True
        if not required:
            is_json = _is_json(param.default)
            if is_json:
                default = list(param.default) if isinstance(param.default, tuple) else param.default
            else:
                default = repr(param.default)
        out.append(
            ParamSpec(
                name=param.name,
                default=default,
                required=required,
                annotation=_annotation_text(param.annotation),
                doc=arg_docs.get(param.name, ""),
                default_is_json=is_json,
            )
        )
    return out


def _attribute_params(
    cls: type, container_kind: str | None, arg_docs: dict[str, str]
) -> list[ParamSpec]:
    """Kamaelia-style parameters: documented in "Args:" and defaulted by a class attribute.

    Such classes take ``**argd`` and let each keyword override the class attribute of that
    name (``ServerCore(port=8080)``), so the signature alone does not show them.
    """
    if not _takes_kwargs(cls):
        return []
    try:
        listed = set(_init_signature(cls).parameters)
    except (TypeError, ValueError):
        listed = set()
    skip = listed | STRUCTURAL_PARAMS.get(container_kind or "", frozenset()) | _TOOL_ATTRS
    annotations: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        annotations.update(getattr(klass, "__annotations__", {}))
    out: list[ParamSpec] = []
    for name, doc in arg_docs.items():
        if name in skip or name.startswith("_") or not hasattr(cls, name):
            continue
        value = getattr(cls, name)
        if callable(value) and not isinstance(value, type):
            continue
        is_json = _is_json(value)
        if is_json and isinstance(value, tuple):
            value = list(value)
        out.append(
            ParamSpec(
                name=name,
                default=value if is_json else repr(value),
                required=False,
                annotation=_annotation_text(annotations.get(name, inspect.Parameter.empty)),
                doc=doc,
                default_is_json=is_json,
            )
        )
    return out


def _takes_kwargs(cls: type) -> bool:
    try:
        parameters = _init_signature(cls).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.kind is p.VAR_KEYWORD for p in parameters)


def build_spec(cls: type) -> ComponentSpec:
    """Describe one component class.

    Raises:
        TypeError: ``cls`` is not a class.
    """
    if not isinstance(cls, type):
        raise TypeError(f"catalog entries are classes, not {cls!r}")
    cid = class_id(cls)
    doc = inspect.getdoc(cls) or ""
    init_doc = inspect.getdoc(vars(cls)["__init__"]) if "__init__" in vars(cls) else None
    arg_docs = parse_args_section(doc)
    if init_doc:
        arg_docs = {**parse_args_section(init_doc), **arg_docs}
    kind = getattr(cls, "ContainerKind", None) or next(
        (KNOWN_CONTAINERS[class_id(k)] for k in cls.__mro__ if class_id(k) in KNOWN_CONTAINERS),
        None,
    )
    return ComponentSpec(
        id=cid,
        name=cls.__name__,
        category=_category(cls),
        summary=_summary(doc),
        doc=doc,
        inboxes=_boxes(getattr(cls, "Inboxes", None), DEFAULT_INBOXES),
        outboxes=_boxes(getattr(cls, "Outboxes", None), DEFAULT_OUTBOXES),
        params=tuple(_params(cls, kind, arg_docs) + _attribute_params(cls, kind, arg_docs)),
        spawns_children=bool(getattr(cls, "SpawnsChildren", False)),
        is_service=bool(getattr(cls, "IsService", False)),
        container_kind=kind,
        accepts_extra_params=_takes_kwargs(cls),
    )


def _classes_from(value: Any, origin: str) -> list[type]:
    if isinstance(value, types.ModuleType):
        value = getattr(value, "__kamaelia_components__", ())
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"{origin}: expected a module or a list/tuple of classes, got {value!r}")
    return [cls for cls in value if isinstance(cls, type)]


class Catalog:
    """The set of components a graph may use, keyed by catalog id."""

    def __init__(self, classes: Iterable[type] = ()) -> None:
        """Build a catalog from explicit classes (later duplicates of an id are ignored)."""
        self._specs: dict[str, ComponentSpec] = {}
        self._classes: dict[str, type] = {}
        self._observed: dict[str, ComponentSpec] = {}
        """Specs of classes seen only in a running program (drawn; never listed nor built)."""
        self._retired: set[str] = set()
        """Ids still resolved for the graphs that use them, no longer listed (a user's
        component that its reloaded file no longer defines)."""
        self._observers: Observers[[list[str]]] = Observers("catalog observer")
        self.errors: list[str] = []
        """Entry points that failed to load (each a readable message)."""
        for cls in classes:
            self.add(cls)

    def __repr__(self) -> str:
        return f"<Catalog components={len(self._specs)} errors={len(self.errors)}>"

    @classmethod
    def discover(cls, group: str = ENTRY_POINT_GROUP, *, include_core: bool = True) -> Catalog:
        """Build the catalog from installed entry points and the core library.

        Args:
            group: Entry point group to read.
            include_core: Make sure kamaelia_core's own components are there: read
                ``kamaelia_core.catalog_entries:COMPONENTS`` when no entry point provided it
                (a source checkout that is not pip-installed), and if that module is missing,
                collect the ``__kamaelia_components__`` tuples of kamaelia_core's modules.

        A broken entry point is logged and recorded in ``errors``; it never stops discovery.
        """
        catalog = cls()
        core_loaded = False
        for entry in metadata.entry_points(group=group):
            is_core = entry.value.replace(" ", "") == CORE_ENTRY
            try:
                classes = _classes_from(entry.load(), f"entry point {entry.name}={entry.value}")
            except (ImportError, AttributeError, TypeError) as exc:
                if not (is_core and include_core):  # the core gets a second chance below
                    catalog._record_error(f"entry point {entry.name} = {entry.value}: {exc}")
                continue
            core_loaded = core_loaded or is_core
            for component in classes:
                catalog.add(component)
        if include_core and not core_loaded:
            catalog._add_core()
        return catalog

    def _add_core(self) -> None:
        module_name, _, attr = CORE_ENTRY.partition(":")
        try:
            value = getattr(importlib.import_module(module_name), attr)
        except (ImportError, AttributeError) as exc:
            logger.debug("%s not available (%s); scanning kamaelia_core modules", CORE_ENTRY, exc)
            value = None
        if value is not None:
            try:
                for component in _classes_from(value, CORE_ENTRY):
                    self.add(component)
            except TypeError as exc:
                self._record_error(f"{CORE_ENTRY}: {exc}")
            return
        try:
            package = importlib.import_module("kamaelia_core")
        except ImportError as exc:
            self._record_error(f"kamaelia_core cannot be imported: {exc}")
            return
        for info in pkgutil.walk_packages(package.__path__, "kamaelia_core."):
            try:
                module = importlib.import_module(info.name)
            except ImportError as exc:
                self._record_error(f"{info.name}: {exc}")
                continue
            if hasattr(module, "__kamaelia_components__"):
                for component in _classes_from(module, info.name):
                    self.add(component)

    def _record_error(self, message: str) -> None:
        logger.warning("component catalog: %s", message)
        self.errors.append(message)

    def add(
        self, component: type, *, category: str | None = None, replace_existing: bool = False
    ) -> ComponentSpec:
        """Catalogue one class (idempotent) and return its spec.

        Args:
            component: The class.
            category: Its palette category, overriding what the class says (the user's own
                components all go under "My components").
            replace_existing: A class already catalogued under the same id is replaced (a
                reloaded file); otherwise the first one stays.

        Raises:
            TypeError: ``component`` is not a class.
        """
        if not isinstance(component, type):
            raise TypeError(f"catalog entries are classes, not {component!r}")
        cid = class_id(component)
        if cid not in self._specs or (replace_existing and self._classes[cid] is not component):
            spec = build_spec(component)
            self._specs[cid] = replace(spec, category=category) if category else spec
            self._classes[cid] = component
            self._retired.discard(cid)
            self._observers.notify([cid])
        return self._specs[cid]

    def retire(self, component_id: str) -> None:
        """Stop listing a component, but keep resolving it for the graphs that use it.

        Raises:
            UnknownComponentError: not catalogued.
        """
        if component_id not in self._specs:
            raise UnknownComponentError(component_id, self.suggest(component_id))
        if component_id not in self._retired:
            self._retired.add(component_id)
            self._observers.notify([component_id])

    def is_retired(self, component_id: str) -> bool:
        """Whether ``component_id`` is resolved but no longer listed (see :meth:`retire`)."""
        return component_id in self._retired

    def subscribe(self, callback: Callable[[list[str]], None]) -> Callable[[], None]:
        """Call ``callback(ids)`` when components are added, replaced or retired; returns an
        unsubscribe function (a callback that raises is logged and detached)."""
        return self._observers.subscribe(callback)

    def _listed(self) -> Iterator[ComponentSpec]:
        retired = self._retired
        return (spec for cid, spec in self._specs.items() if cid not in retired)

    def get(self, component_id: str) -> ComponentSpec:
        """The spec of a catalogued (or observed) component.

        Raises:
            UnknownComponentError: not catalogued; the message suggests close ids.
        """
        try:
            return self._specs[component_id]
        except KeyError:
            observed = self._observed.get(component_id)
            if observed is not None:
                return observed
            raise UnknownComponentError(component_id, self.suggest(component_id)) from None

    def observe(self, spec: ComponentSpec) -> ComponentSpec:
        """Remember how to draw a class seen only in a running program (another process).

        ``get`` then answers for it, so a program's own components are drawn with their real
        boxes; it is not listed (the palette) and cannot be built (``resolve_class`` refuses).
        A catalogued class keeps its own spec. Returns the spec in force.
        """
        if spec.id in self._specs:
            return self._specs[spec.id]
        return self._observed.setdefault(spec.id, spec)

    def suggest(self, text: str, n: int = 3) -> list[str]:
        """Catalog ids close to ``text`` (by full id or by class name)."""
        listed = list(self._listed())
        by_id = difflib.get_close_matches(text, [s.id for s in listed], n=n, cutoff=0.6)
        short = text.rsplit(".", 1)[-1].lower()
        names = {spec.name.lower(): spec.id for spec in listed}
        by_name = [names[m] for m in difflib.get_close_matches(short, list(names), n=n)]
        return list(dict.fromkeys(by_id + by_name))[:n]

    def resolve_class(self, component_id: str) -> type:
        """The class of a catalogued component; never imports anything.

        Raises:
            UnknownComponentError: not catalogued.
        """
        self.get(component_id)
        if component_id not in self._classes:  # observed in a program, not importable here
            raise UnknownComponentError(
                component_id,
                [],
                ": it was seen in a program running elsewhere and cannot be built here",
            )
        return self._classes[component_id]

    def __contains__(self, component_id: object) -> bool:
        return component_id in self._specs or component_id in self._observed

    def __iter__(self) -> Iterator[ComponentSpec]:
        return iter(sorted(self._listed(), key=lambda s: (s.category, s.name, s.id)))

    def __len__(self) -> int:
        return len(self._specs) - len(self._retired)

    def ids(self) -> list[str]:
        """All listed catalog ids, sorted."""
        return sorted(spec.id for spec in self._listed())

    def categories(self) -> list[str]:
        """Category names, sorted."""
        return sorted({spec.category for spec in self._listed()})

    def in_category(self, category: str) -> list[ComponentSpec]:
        """Specs of one category, sorted by name."""
        return [spec for spec in self if spec.category == category]

    def search(self, text: str) -> list[ComponentSpec]:
        """Specs matching ``text`` (case-insensitive), best first.

        Name prefix matches rank first, then name, id, category and docstring matches.
        An empty text returns everything.
        """
        needle = text.strip().lower()
        ranked: list[tuple[int, str, ComponentSpec]] = []
        for spec in self._listed():
            name = spec.name.lower()
            if not needle or name.startswith(needle):
                rank = 0
            elif needle in name:
                rank = 1
            elif needle in spec.id.lower():
                rank = 2
            elif needle in spec.category.lower():
                rank = 3
            elif needle in spec.doc.lower() or any(needle in b.lower() for b in spec.inboxes):
                rank = 4
            else:
                continue
            ranked.append((rank, spec.name, spec))
        return [spec for _, _, spec in sorted(ranked, key=lambda r: (r[0], r[1], r[2].id))]


def to_json_default(spec: ParamSpec) -> Any:
    """The default of a parameter as a JSON value, or None if it has no JSON default."""
    return spec.default if spec.default_is_json and not spec.required else None
