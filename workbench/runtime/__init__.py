"""The runtime: builds graphs into live components, runs them, and streams their events."""

from workbench.runtime.builder import ROOT_ID, BuildError, Built, build
from workbench.runtime.child import ChildExit, ChildProgram, OutputLine
from workbench.runtime.events import ComponentInfo, EventStream, LinkStats
from workbench.runtime.remote import ProgramExit, RemoteError, RemoteSource, Stall
from workbench.runtime.session import Session, SessionError

__all__ = [
    "ROOT_ID",
    "BuildError",
    "Built",
    "ChildExit",
    "ChildProgram",
    "ComponentInfo",
    "EventStream",
    "LinkStats",
    "OutputLine",
    "ProgramExit",
    "RemoteError",
    "RemoteSource",
    "Session",
    "SessionError",
    "Stall",
    "build",
]
