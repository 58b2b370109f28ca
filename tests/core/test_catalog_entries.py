"""The palette entry point lists real component classes with the metadata the catalog reads."""

from __future__ import annotations

from kamaelia_core.catalog_entries import COMPONENTS
from kamaelia_core.component import Component


def test_every_entry_is_a_component_class_listed_once():
    assert all(isinstance(cls, type) and issubclass(cls, Component) for cls in COMPONENTS)
    assert len(set(COMPONENTS)) == len(COMPONENTS)


def test_the_palette_has_the_chassis_util_and_internet_components():
    names = {cls.__name__ for cls in COMPONENTS}
    assert {"Pipeline", "Graphline", "Carousel"} <= names
    assert {"PureTransformer", "DataSource", "Collector", "ConsoleEchoer", "Echo"} <= names
    assert {"TCPServer", "TCPClient", "SingleServer", "ServerCore", "SimpleServer"} <= names
    assert {"Selector", "ConnectedSocketAdapter"} <= names


def test_each_entry_is_in_its_modules_kamaelia_components():
    import sys

    for cls in COMPONENTS:
        module = sys.modules[cls.__module__]
        assert cls in getattr(module, "__kamaelia_components__", ()), cls


def test_container_kinds():
    kinds = {cls.__name__: getattr(cls, "ContainerKind", None) for cls in COMPONENTS}
    assert kinds["Pipeline"] == "pipeline"
    assert kinds["Graphline"] == "graphline"
    assert kinds["Carousel"] is None


def test_util_package_re_exports_every_util_component():
    import kamaelia_core.util as util

    for name in ("PureTransformer", "DataSource", "RateSource", "Collector", "ConsoleEchoer"):
        assert hasattr(util, name)
    for name in ("ConsoleReader", "Echo", "LineChat", "HelloHTTP"):
        assert hasattr(util, name)
    assert set(util.__all__) <= set(dir(util))


def test_there_is_one_list_the_modules_own_tuples():
    import importlib
    import pkgutil

    import kamaelia_core
    from kamaelia_core.catalog_entries import PALETTE_MODULES

    declaring = set()
    for info in pkgutil.walk_packages(kamaelia_core.__path__, "kamaelia_core."):
        if info.name.startswith("kamaelia_core.compat"):
            continue  # Kamaelia's names for the same classes, not palette entries of their own
        module = importlib.import_module(info.name)
        if hasattr(module, "__kamaelia_components__"):
            declaring.add(module)
    assert declaring == set(PALETTE_MODULES)
    assert [c for m in PALETTE_MODULES for c in m.__kamaelia_components__] == COMPONENTS
    names = {cls.__name__ for cls in COMPONENTS}
    assert {"ChatRoom", "FastRestartServer", "MoreComplexServer"} <= names
    assert "FastRestartSingleServer" in names
    assert {"Backplane", "PublishTo", "SubscribeTo", "Fanout", "PlugSplitter", "Plug"} <= names
    assert {"MessageRateLimit", "OneShot", "TriggeredSource", "Chargen", "Seq"} <= names
