"""The palette: kamaelia_core's components as the workbench catalog reads them (entry point).

``pyproject.toml`` registers ``COMPONENTS`` under ``kamaelia_workbench.components``; the catalog
builds each palette entry from the class's own boxes, docstring, signature and tool attributes
(``Category``, ``ContainerKind``, ``SpawnsChildren``, ``IsService``).

There is one list: each module's ``__kamaelia_components__`` tuple (which Kamaelia's own tools
read too). ``COMPONENTS`` is the concatenation of the tuples of ``PALETTE_MODULES``, and the
catalog's fallback (a source checkout whose entry point is missing) reads the same tuples, so
the two cannot drift apart.
"""

from __future__ import annotations

from types import ModuleType

from kamaelia_core.chassis import carousel, graphline, pipeline, seq
from kamaelia_core.net import csa, selector, servers, tcpclient, tcpserver
from kamaelia_core.util import (
    backplane,
    chat,
    collector,
    console,
    echo,
    fanout,
    files,
    fortune,
    http,
    plumbing,
    ratelimit,
    sources,
    splitter,
    timing,
    transformers,
)

PALETTE_MODULES: tuple[ModuleType, ...] = (
    # chassis
    pipeline,
    graphline,
    carousel,
    seq,
    # util
    sources,
    transformers,
    plumbing,
    files,
    collector,
    console,
    echo,
    fortune,
    chat,
    backplane,
    fanout,
    splitter,
    ratelimit,
    http,
    timing,
    # internet
    tcpserver,
    tcpclient,
    servers,
    selector,
    csa,
)
"""Every module of kamaelia_core that declares palette components, in palette order."""

COMPONENTS: list[type] = [
    cls for module in PALETTE_MODULES for cls in module.__kamaelia_components__
]
"""Every palette component, in palette order within each category."""
