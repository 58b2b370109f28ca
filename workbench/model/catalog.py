"""The component catalog: what can be placed in a graph, read from the classes' own metadata.

Sits before everything else in the data flow: the palette lists it, graphs refer to its ids,
validation and code export read its specs, and the runtime asks it (and only it) for classes.
Each class's spec is read by ``workbench.model.specs`` (its names stay importable from here).

Classes come from entry points of the group ``kamaelia_workbench.components`` (each value is a
module with a ``__kamaelia_components__`` tuple, or a list/tuple of classes), or from an explicit
list (tests). The catalog holds the class objects themselves, so resolving an id never imports
anything: a graph file cannot make the workbench load code that is not catalogued.
"""

from __future__ import annotations

import difflib
import importlib
import logging
import pkgutil
import types
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from importlib import metadata
from typing import Any

from workbench.model.observers import Observers
from workbench.model.specs import (
    DEFAULT_INBOXES,
    DEFAULT_OUTBOXES,
    KNOWN_CONTAINERS,
    STRUCTURAL_PARAMS,
    ComponentSpec,
    ParamSpec,
    build_spec,
    class_id,
    parse_args_section,
    to_json_default,
)

# What the catalog's users import from here; the specs are described in workbench.model.specs.
__all__ = [
    "CORE_ENTRY",
    "DEFAULT_INBOXES",
    "DEFAULT_OUTBOXES",
    "ENTRY_POINT_GROUP",
    "KNOWN_CONTAINERS",
    "STRUCTURAL_PARAMS",
    "Catalog",
    "ComponentSpec",
    "ParamSpec",
    "UnknownComponentError",
    "build_spec",
    "class_id",
    "parse_args_section",
    "to_json_default",
]

logger = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "kamaelia_workbench.components"
CORE_ENTRY = "kamaelia_core.catalog_entries:COMPONENTS"


class UnknownComponentError(LookupError):
    """A catalog id that the catalog does not hold; the message names close matches."""

    def __init__(self, component_id: str, suggestions: list[str], why: str = "") -> None:
        self.component_id = component_id
        self.suggestions = suggestions
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown component {component_id!r}{why}{hint}")

    def __str__(self) -> str:
        return str(self.args[0])


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
