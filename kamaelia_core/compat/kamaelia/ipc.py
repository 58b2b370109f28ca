"""Kamaelia.IPC on kamaelia_core: the messages of the TCP stack (sockets, servers, the Selector)."""

from __future__ import annotations

from typing import Any

from kamaelia_core.ipc import (
    newCSA,
    newExceptional,
    newReader,
    newServer,
    newWriter,
    removeExceptional,
    removeReader,
    removeWriter,
    serverShutdown,
    shutdownCSA,
    socketShutdown,
)

_NAMES: dict[str, Any] = {
    "socketShutdown": socketShutdown,
    "serverShutdown": serverShutdown,
    "newCSA": newCSA,
    "shutdownCSA": shutdownCSA,
    "newServer": newServer,
    "newReader": newReader,
    "newWriter": newWriter,
    "newExceptional": newExceptional,
    "removeReader": removeReader,
    "removeWriter": removeWriter,
    "removeExceptional": removeExceptional,
}

MODULES: dict[str, tuple[str, dict[str, Any]]] = {
    "Kamaelia.IPC": ("Messages of the TCP stack.", dict(_NAMES)),
    "Kamaelia.KamaeliaIPC": ("Kamaelia's old home of the TCP stack's messages.", dict(_NAMES)),
}
