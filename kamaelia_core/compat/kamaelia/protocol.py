"""Kamaelia.Protocol on kamaelia_core: the simple protocol handlers of Kamaelia's examples."""

from __future__ import annotations

from kamaelia_core.compat.kamaelia import ModuleTable
from kamaelia_core.util.echo import Echo
from kamaelia_core.util.fortune import FortuneCookieProtocol

MODULES: ModuleTable = {
    "Kamaelia.Protocol.EchoProtocol": (
        "EchoProtocol: sends back everything it receives (ServerCore(protocol=EchoProtocol)).",
        {"EchoProtocol": Echo},
    ),
    "Kamaelia.Protocol.FortuneCookieProtocol": (
        "FortuneCookieProtocol: answers a connection with one saying, then closes it.",
        {"FortuneCookieProtocol": FortuneCookieProtocol},
    ),
}
