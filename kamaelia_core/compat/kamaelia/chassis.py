"""Kamaelia.Chassis on kamaelia_core: Pipeline, Graphline, Carousel, Seq and the servers' core.

``Pipeline(..., circular=True)`` closes the chain into a ring; a Graphline makes the boxes of its
own that its linkages name. Servers listen on 127.0.0.1 unless given ``host=`` (Kamaelia listened
on every interface): pass ``host="0.0.0.0"`` to serve the network.
"""

from __future__ import annotations

from kamaelia_core.chassis import Carousel, Graphline, Pipeline, Seq
from kamaelia_core.compat.kamaelia import ModuleTable, old_home
from kamaelia_core.net.servers import (
    FastRestartServer,
    MoreComplexServer,
    ServerCore,
    SimpleServer,
)

MODULES: ModuleTable = {
    "Kamaelia.Chassis.Pipeline": (
        "Pipeline: components in a chain (outbox to inbox, signal to control).",
        {"Pipeline": Pipeline, "pipeline": Pipeline},
    ),
    "Kamaelia.Chassis.Graphline": (
        "Graphline: named components wired by a mapping of box-to-box linkages.",
        {"Graphline": Graphline},
    ),
    "Kamaelia.Chassis.Carousel": (
        "Carousel: one child at a time, replaced on request.",
        {"Carousel": Carousel},
    ),
    "Kamaelia.Chassis.Seq": (
        "Seq: components run one after another.",
        {"Seq": Seq},
    ),
    "Kamaelia.Chassis.ConnectedServer": (
        "Servers running one protocol handler per TCP connection.",
        {
            "ServerCore": ServerCore,
            "SimpleServer": SimpleServer,
            "FastRestartServer": FastRestartServer,
            "MoreComplexServer": MoreComplexServer,
        },
    ),
}
old_home(MODULES, "Kamaelia.Util.Pipeline", "Kamaelia.Chassis.Pipeline", "Pipeline")
old_home(MODULES, "Kamaelia.Util.Graphline", "Kamaelia.Chassis.Graphline", "Graphline")
