"""What events carry as data: a spawned component's description, the components a message names."""

from __future__ import annotations

from typing import Any

from kamaelia_core.component import Component
from kamaelia_core.events import describe, message_refs
from kamaelia_core.ipc import newCSA, newReader, producerFinished, shutdownMicroprocess


class Widget(Component):
    Category = "Util"
    SpawnsChildren = True

    def __init__(
        self,
        size: int = 3,
        label: str = "w",
        blob: bytes = b"ab",
        shape: tuple[int, int] = (1, 2),
        thing: Any = None,
        **argd: Any,
    ) -> None:
        super().__init__(**argd)
        self.size, self.label, self.blob, self.shape = size, label, blob, shape
        self.thing = object()  # not simple data: left out of the params


class Broken(Component):
    def live_details(self) -> dict[str, Any]:
        raise ValueError("nope")


class Reporting(Component):
    def live_details(self) -> dict[str, Any]:
        return {"peer": "127.0.0.1:5"}


def test_a_description_holds_the_class_its_flags_parent_children_boxes_and_simple_params():
    parent, widget, child = Component(), Widget(), Component()
    widget.addChildren(child)
    extra = describe(widget, parent)
    assert extra["cls"] == f"{__name__}.Widget"
    assert extra["category"] == "Util" and extra["spawns"] is True and "service" not in extra
    assert extra["parent"] == parent.cid and extra["children"] == [child.cid]
    assert extra["inboxes"] == ["inbox", "control"] and extra["outboxes"] == ["outbox", "signal"]
    assert extra["params"] == {"size": 3, "label": "w", "blob": "b'ab'", "shape": [1, 2]}
    assert describe(Component())["parent"] is None


def test_the_boxes_recorded_at_spawn_time_win_over_the_boxes_now():
    extra = describe(Widget(), None, (("in_then",), ("out_then",)))
    assert extra["inboxes"] == ["in_then"] and extra["outboxes"] == ["out_then"]


def test_the_workbench_tags_the_connection_and_live_details_are_included():
    handler = Component()
    handler.design_id, handler.instance_of = "n1", "n0"
    handler._connection_cid = 7
    extra = describe(handler)
    assert (extra["design_id"], extra["instance_of"], extra["connection"]) == ("n1", "n0", 7)
    assert describe(Reporting())["peer"] == "127.0.0.1:5"


def test_a_failing_live_details_is_reported_in_the_description_not_raised():
    assert describe(Broken())["details_error"] == "ValueError: nope"


def test_message_refs_name_the_components_a_message_carries_by_field():
    server, csa, other = Component(), Component(), Component()
    sock = object()
    assert message_refs(newCSA(server, (csa, sock))) == {"caller": server.cid, "object": csa.cid}
    request = newReader(server, ((csa, "ReadReady"), sock))
    assert message_refs(request) == {"caller": server.cid, "object": csa.cid}
    assert message_refs(shutdownMicroprocess(csa, other)) == {"targets": [csa.cid, other.cid]}
    assert message_refs(producerFinished()) is None
