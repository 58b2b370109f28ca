"""The import hook: a ``sys.meta_path`` finder that answers ``import Axon`` and ``import Kamaelia``.

Sits in front of the other finders once installed. It knows only the names listed here, so every
other import costs one dictionary look-up. ``Axon.X`` resolves to the module of
``kamaelia_core.compat.axon`` that implements it (the same module object under both names);
``Kamaelia.X`` to a module built from its family's ``MODULES`` entry in
``kamaelia_core.compat.kamaelia``; ``Axon``, ``Kamaelia`` and their sub-packages to small package
modules whose children load on first use. Loading the first of them makes Axon's process-wide
scheduler (``Axon.Scheduler.scheduler.run``) the default scheduler of every thread.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
from collections.abc import Sequence
from typing import Any

_AXON = "kamaelia_core.compat.axon."
AXON_MODULES: dict[str, str] = {
    "Axon.AdaptiveCommsComponent": _AXON + "adaptive",
    "Axon.AxonExceptions": _AXON + "exceptions",
    "Axon.Base": _AXON + "base",
    "Axon.Box": _AXON + "box",
    "Axon.Component": _AXON + "component",
    "Axon.CoordinatingAssistantTracker": _AXON + "cat",
    "Axon.Handle": _AXON + "handle",
    "Axon.Ipc": _AXON + "ipc",
    "Axon.Linkage": _AXON + "linkage",
    "Axon.Microprocess": _AXON + "microprocess",
    "Axon.Postoffice": _AXON + "postoffice",
    "Axon.Scheduler": _AXON + "scheduler",
    "Axon.ThreadedComponent": _AXON + "threaded",
    "Axon.background": _AXON + "background",
    "Axon.idGen": _AXON + "idgen",
    "Axon.util": _AXON + "util",
}
"""Axon module -> the kamaelia_core.compat module that is it."""

_KAMAELIA = "kamaelia_core.compat.kamaelia."
KAMAELIA_MODULES: dict[str, str] = {
    **dict.fromkeys(
        [
            "Kamaelia.Chassis.Carousel",
            "Kamaelia.Chassis.ConnectedServer",
            "Kamaelia.Chassis.Graphline",
            "Kamaelia.Chassis.Pipeline",
            "Kamaelia.Chassis.Seq",
            "Kamaelia.Util.Graphline",
            "Kamaelia.Util.Pipeline",
        ],
        _KAMAELIA + "chassis",
    ),
    **dict.fromkeys(
        [
            "Kamaelia.Internet.ConnectedSocketAdapter",
            "Kamaelia.Internet.Selector",
            "Kamaelia.Internet.SingleServer",
            "Kamaelia.Internet.TCPClient",
            "Kamaelia.Internet.TCPServer",
            "Kamaelia.SingleServer",
        ],
        _KAMAELIA + "internet",
    ),
    **dict.fromkeys(["Kamaelia.IPC", "Kamaelia.KamaeliaIPC"], _KAMAELIA + "ipc"),
    **dict.fromkeys(
        ["Kamaelia.Protocol.EchoProtocol", "Kamaelia.Protocol.FortuneCookieProtocol"],
        _KAMAELIA + "protocol",
    ),
    **dict.fromkeys(
        [
            "Kamaelia.File.Reading",
            "Kamaelia.File.Writing",
            "Kamaelia.Util.Backplane",
            "Kamaelia.Util.Chargen",
            "Kamaelia.Util.Clock",
            "Kamaelia.Util.Console",
            "Kamaelia.Util.DataSource",
            "Kamaelia.Util.Fanout",
            "Kamaelia.Util.NullSink",
            "Kamaelia.Util.OneShot",
            "Kamaelia.Util.PassThrough",
            "Kamaelia.Util.PureTransformer",
            "Kamaelia.Util.RateFilter",
            "Kamaelia.Util.Splitter",
        ],
        _KAMAELIA + "util",
    ),
}
"""Kamaelia module -> the family module whose ``MODULES`` describes it."""

PACKAGES: dict[str, str] = {
    "Axon": "Axon on kamaelia_core: components, the scheduler, messages, the CAT.",
    "Kamaelia": "Kamaelia on kamaelia_core: chassis, the TCP stack, utilities, protocols.",
    "Kamaelia.Chassis": "Kamaelia.Chassis on kamaelia_core.",
    "Kamaelia.File": "Kamaelia.File on kamaelia_core.",
    "Kamaelia.Internet": "Kamaelia.Internet on kamaelia_core.",
    "Kamaelia.Protocol": "Kamaelia.Protocol on kamaelia_core.",
    "Kamaelia.Util": "Kamaelia.Util on kamaelia_core.",
}
"""Package modules made by the hook, with their docstrings."""

ROOTS = frozenset({"Axon", "Kamaelia"})
ALL_NAMES = frozenset(AXON_MODULES) | frozenset(KAMAELIA_MODULES) | frozenset(PACKAGES)
"""Every module name the hook answers."""


def _children(package: str) -> list[str]:
    prefix = package + "."
    return sorted(
        name[len(prefix) :]
        for name in ALL_NAMES
        if name.startswith(prefix) and "." not in name[len(prefix) :]
    )


def _ensure_process_scheduler() -> None:
    """Make Axon's process scheduler exist, and so be every thread's default scheduler."""
    from kamaelia_core.compat.axon.scheduler import scheduler_run

    scheduler_run()


def build_kamaelia_module(name: str) -> types.ModuleType:
    """A fresh module ``name`` holding the names its family's ``MODULES`` entry lists.

    Raises:
        KeyError: ``name`` is not a Kamaelia module the compat layer provides.
    """
    family = importlib.import_module(KAMAELIA_MODULES[name])
    doc, names = family.MODULES[name]
    module = types.ModuleType(name, f"{name} on kamaelia_core. {doc}\n\n{family.__doc__ or ''}")
    components = tuple(
        dict.fromkeys(
            value
            for key, value in names.items()
            if isinstance(value, type) and hasattr(value, "Inboxes") and key[:1].isupper()
        )
    )
    module.__dict__.update(names, __all__=sorted(names), __kamaelia_components__=components)
    return module


class _Package(types.ModuleType):
    """A package module of the hook: its children load when first named (``Axon.Scheduler``)."""

    def __getattr__(self, attr: str) -> Any:
        if attr in _children(self.__name__):
            return importlib.import_module(f"{self.__name__}.{attr}")
        if self.__name__ == "Axon" and attr in ("AxonObject", "AxonType"):
            return getattr(importlib.import_module("Axon.Base"), attr)
        raise AttributeError(f"module {self.__name__!r} has no attribute {attr!r}")

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(_children(self.__name__)))


class CompatFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds and loads the Axon and Kamaelia modules of the compat layer."""

    def __init__(self) -> None:
        self.served: set[str] = set()
        """Module names this finder has loaded (``uninstall`` forgets them)."""

    def __repr__(self) -> str:
        return f"<kamaelia_core.compat finder served={len(self.served)}>"

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: Any = None
    ) -> importlib.machinery.ModuleSpec | None:
        """A spec for the names the compat layer provides, None for every other name.

        Raises:
            ModuleNotFoundError: An Axon or Kamaelia module the layer does not provide (the
                message says so, rather than a bare "No module named").
        """
        if fullname not in ALL_NAMES:
            if fullname.partition(".")[0] in ROOTS:
                raise ModuleNotFoundError(
                    f"No module named {fullname!r}: kamaelia_core.compat provides Axon and the "
                    "Kamaelia modules listed in docs/CORE_API.md, not this one (install Kamaelia "
                    "itself to run this program on it)",
                    name=fullname,
                )
            return None
        return importlib.machinery.ModuleSpec(fullname, self, is_package=fullname in PACKAGES)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        """The module object for ``spec.name``."""
        name = spec.name
        _ensure_process_scheduler()
        self.served.add(name)
        if name in PACKAGES:
            package = _Package(name, PACKAGES[name])
            package.__path__ = []  # children are found by this finder only
            return package
        if name in AXON_MODULES:
            return importlib.import_module(AXON_MODULES[name])
        return build_kamaelia_module(name)

    def exec_module(self, module: types.ModuleType) -> None:
        """Nothing to run: ``create_module`` returned a complete module."""


def find_elsewhere(name: str, finder: CompatFinder | None = None) -> Any:
    """The spec another finder (not the compat one) has for top-level module ``name``."""
    for other in sys.meta_path:
        if other is finder or isinstance(other, CompatFinder):
            continue
        find = getattr(other, "find_spec", None)
        if find is None:
            continue
        try:
            spec = find(name, None)
        except (ImportError, ValueError, AttributeError):
            continue  # a finder that cannot answer for a top-level name: not an installation
        if spec is not None:
            return spec
    return None
