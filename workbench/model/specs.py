"""Describes one component class for the workbench: its boxes, parameters, docs and kind.

Sits at the start of the data flow, under the catalog: a ``ComponentSpec`` is read from a
class's ``Inboxes``/``Outboxes``, docstring (its Google-style "Args:" section), ``__init__``
signature and optional tool attributes (``Category``, ``SpawnsChildren``, ``IsService``,
``ContainerKind``), and nothing else; the class itself is never instantiated here.
"""

from __future__ import annotations

import inspect
import logging
import re
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger(__name__)

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


def to_json_default(spec: ParamSpec) -> Any:
    """The default of a parameter as a JSON value, or None if it has no JSON default."""
    return spec.default if spec.default_is_json and not spec.required else None
