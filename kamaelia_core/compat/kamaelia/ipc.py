"""Kamaelia.IPC on kamaelia_core: the messages of the TCP stack (sockets, servers, the Selector)."""

from __future__ import annotations

from kamaelia_core.compat.kamaelia import ModuleTable, old_home
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

MODULES: ModuleTable = {
    "Kamaelia.IPC": (
        "Messages of the TCP stack.",
        {
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
        },
    ),
}
old_home(MODULES, "Kamaelia.KamaeliaIPC", "Kamaelia.IPC", "the TCP stack's messages")
