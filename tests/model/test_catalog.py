"""Tests for the component catalog built from fake classes (and entry-point discovery)."""

from __future__ import annotations

import types

import pytest

from tests.model import fakes
from tests.model.fakes import GRAPHLINE, PIPELINE, SERVERCORE, SINK, SOURCE, UPPER
from workbench.model import catalog as catalog_module
from workbench.model.catalog import Catalog, UnknownComponentError, parse_args_section


def test_spec_reads_boxes_docs_and_params(catalog: Catalog) -> None:
    spec = catalog.get(SOURCE)
    assert spec.name == "Source"
    assert spec.summary == "Sends each of its messages, then finishes."
    assert "Longer description" in spec.doc
    assert spec.outboxes == {"outbox": "the messages", "signal": "producerFinished at the end"}
    messages, delay, label = spec.params
    assert (messages.name, messages.required, messages.default) == ("messages", True, None)
    assert messages.annotation == "list" and messages.doc == "Items to send, in order."
    assert (delay.default, delay.required, delay.annotation) == (0.0, False, "float")
    assert delay.doc == "Seconds between items. Zero sends them all at once."
    assert (label.default, label.annotation, label.doc) == ("src", "", "")


def test_list_boxes_defaults_and_skipped_varargs(catalog: Catalog) -> None:
    upper = catalog.get(UPPER)
    assert upper.inboxes == {"inbox": "", "control": ""}
    assert upper.params == ()
    sink = catalog.get(SINK)
    assert [p.name for p in sink.params] == ["limit", "verbose"]
    assert sink.param("verbose").default is False
    assert sink.param("nope") is None
    selector = catalog.get(f"{fakes.M}.Selector")
    assert selector.inboxes == catalog_module.DEFAULT_INBOXES
    assert selector.is_service and not selector.spawns_children


def test_tool_attributes_and_categories(catalog: Catalog) -> None:
    assert catalog.get(SINK).category == "Sinks"
    assert catalog.get(SOURCE).category == "Other"
    assert catalog.get(fakes.SERVER).spawns_children
    assert catalog.get(PIPELINE).container_kind == "pipeline"
    assert catalog.get(GRAPHLINE).container_kind == "graphline"
    assert catalog.get(SOURCE).container_kind is None
    assert catalog.categories() == ["Other", "Sinks"]
    assert [s.name for s in catalog.in_category("Sinks")] == ["Sink"]


def test_category_derived_from_package() -> None:
    made = {}
    for package in ("chassis", "net", "util", "misc"):
        cls = type("Thing", (), {"__module__": f"kamaelia_core.{package}.thing"})
        made[package] = Catalog([cls]).get(f"kamaelia_core.{package}.thing.Thing").category
    assert made == {"chassis": "Chassis", "net": "Internet", "util": "Util", "misc": "Other"}


def test_structural_params_are_hidden(catalog: Catalog) -> None:
    assert [p.name for p in catalog.get(SERVERCORE).params] == ["port", "host"]
    assert catalog.get(GRAPHLINE).params == ()
    assert catalog.get(SERVERCORE).param("port").doc == "Port to listen on."


def test_non_json_default_is_kept_as_repr(catalog: Catalog) -> None:
    factory = catalog.get(fakes.SERVER).param("factory")
    assert factory.default == repr(dict) and not factory.default_is_json


def test_unknown_component_names_close_matches(catalog: Catalog) -> None:
    with pytest.raises(UnknownComponentError) as info:
        catalog.get(SOURCE + "s")
    assert SOURCE in info.value.suggestions
    assert "did you mean" in str(info.value) and SOURCE in str(info.value)
    with pytest.raises(UnknownComponentError) as info:
        catalog.get("somewhere.else.Sinc")
    assert SINK in info.value.suggestions
    with pytest.raises(UnknownComponentError, match=r"unknown component 'zzz'$"):
        catalog.get("zzz")


def test_resolve_class_only_for_catalogued_ids(catalog: Catalog) -> None:
    assert catalog.resolve_class(SOURCE) is fakes.Source
    with pytest.raises(UnknownComponentError):
        catalog.resolve_class("os.system")
    assert "os.system" not in catalog and SOURCE in catalog


def test_search_ranks_name_prefix_first(catalog: Catalog) -> None:
    assert [s.name for s in catalog.search("s")][:4] == ["Selector", "Server", "ServerCore", "Sink"]
    assert [s.name for s in catalog.search("core")] == ["ServerCore"]
    assert [s.name for s in catalog.search("no-such-thing")] == []
    assert [s.name for s in catalog.search("Upper-Cases strings")] == ["Upper"]
    assert len(catalog.search("")) == len(catalog) == len(fakes.ALL)
    assert "Sinks" in {s.category for s in catalog.search("sinks")}


def test_duplicates_are_ignored_and_non_classes_refused() -> None:
    catalog = Catalog([fakes.Source, fakes.Source])
    assert catalog.ids() == [SOURCE]
    with pytest.raises(TypeError):
        catalog.add("not a class")  # type: ignore[arg-type]


def test_parse_args_section_stops_at_next_section() -> None:
    doc = """Thing.

    Args:
        a (int): first
            more
        b: second

    Returns:
        c: not an arg
    """
    assert parse_args_section(doc) == {"a": "first more", "b": "second"}


class _FakeEntryPoint:
    def __init__(self, name: str, value: str, loaded: object) -> None:
        self.name, self.value, self._loaded = name, value, loaded

    def load(self) -> object:
        if isinstance(self._loaded, Exception):
            raise self._loaded
        return self._loaded


def test_discover_reads_modules_lists_and_records_broken_entries(monkeypatch) -> None:
    module = types.ModuleType("plugin")
    module.__kamaelia_components__ = (fakes.Source, fakes.Sink)
    entries = [
        _FakeEntryPoint("mod", "plugin", module),
        _FakeEntryPoint("lst", "plugin:LIST", [fakes.Upper, "ignored"]),
        _FakeEntryPoint("bad", "missing:X", ImportError("No module named 'missing'")),
        _FakeEntryPoint("odd", "plugin:NUMBER", 42),
    ]
    monkeypatch.setattr(catalog_module.metadata, "entry_points", lambda group: entries)
    catalog = Catalog.discover(include_core=False)
    assert catalog.ids() == sorted([SOURCE, SINK, UPPER])
    assert len(catalog.errors) == 2
    assert "missing" in catalog.errors[0] and "42" in catalog.errors[1]


def test_discover_falls_back_to_the_core_modules(monkeypatch) -> None:
    core = _FakeEntryPoint(
        "core", catalog_module.CORE_ENTRY, ImportError("No module named 'catalog_entries'")
    )
    monkeypatch.setattr(catalog_module.metadata, "entry_points", lambda group: [core])
    catalog = Catalog.discover()
    assert catalog.errors == []
    assert "kamaelia_core.util.echo.Echo" in catalog
    assert catalog.get("kamaelia_core.chassis.pipeline.Pipeline").container_kind == "pipeline"
    assert Catalog.discover(include_core=False).errors != []


def test_specs_are_hashable(catalog: Catalog) -> None:
    specs = set(catalog)
    assert len(specs) == len(catalog)
    assert len({p for s in catalog for p in s.params}) > 0


def test_the_module_walk_fallback_finds_exactly_the_palette(monkeypatch) -> None:
    from kamaelia_core.catalog_entries import COMPONENTS

    monkeypatch.setattr(catalog_module.metadata, "entry_points", lambda group: [])
    monkeypatch.setattr(catalog_module, "CORE_ENTRY", "kamaelia_core.no_such_module:COMPONENTS")
    walked = Catalog.discover()
    assert walked.errors == []
    assert set(walked.ids()) == {catalog_module.class_id(cls) for cls in COMPONENTS}


def test_add_can_set_the_category_and_replace_a_class_under_the_same_id() -> None:
    def make(doc: str) -> type:
        return type("Mine", (), {"__doc__": doc, "__module__": "my_components.mine"})

    catalog = Catalog()
    changed: list[list[str]] = []
    catalog.subscribe(changed.append)
    first = make("First version.")
    spec = catalog.add(first, category="My components")
    assert spec.category == "My components" and catalog.categories() == ["My components"]
    assert catalog.add(make("Ignored.")).summary == "First version."  # first one stays
    second = make("Second version.")
    assert catalog.add(second, category="My components", replace_existing=True).summary == (
        "Second version."
    )
    assert catalog.resolve_class("my_components.mine.Mine") is second
    catalog.add(second, replace_existing=True)  # the same class again: nothing changes
    assert changed == [["my_components.mine.Mine"]] * 2


def test_a_retired_component_still_resolves_but_is_not_listed() -> None:
    cls = type("Gone", (), {"__doc__": "Soon gone.", "__module__": "my_components.gone"})
    catalog = Catalog([cls])
    changed: list[list[str]] = []
    catalog.subscribe(changed.append)
    catalog.retire("my_components.gone.Gone")
    catalog.retire("my_components.gone.Gone")  # once is enough
    assert changed == [["my_components.gone.Gone"]]
    assert catalog.is_retired("my_components.gone.Gone")
    assert (
        "my_components.gone.Gone" in catalog
        and catalog.resolve_class("my_components.gone.Gone") is cls
    )
    assert catalog.ids() == [] and list(catalog) == [] and len(catalog) == 0
    assert catalog.search("gone") == [] and catalog.suggest("Gone") == []
    with pytest.raises(UnknownComponentError):
        catalog.retire("nothing.Here")
    catalog.add(cls, replace_existing=True)  # the same class: still retired
    assert catalog.is_retired("my_components.gone.Gone")
