"""The runtime: builds graphs into live components, runs them, and streams their events."""

from workbench.runtime.builder import ROOT_ID, BuildError, Built, build
from workbench.runtime.events import ComponentInfo, EventStream, LinkStats
from workbench.runtime.session import Session, SessionError

__all__ = [
    "ROOT_ID",
    "BuildError",
    "Built",
    "ComponentInfo",
    "EventStream",
    "LinkStats",
    "Session",
    "SessionError",
    "build",
]
