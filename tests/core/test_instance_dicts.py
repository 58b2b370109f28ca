"""Watching a component must not slow it down for good by touching its ``__dict__``.

On CPython 3.11 an instance keeps its attributes inline (fast, specialised reads) until
something asks for its ``__dict__``; from then on every attribute read of that component goes
through a real dict. A tap decodes a ``spawned`` event per component: if that read
``comp.__dict__``, every watched component would run slower for the rest of its life (it cost
a watched echo server about a sixth of its instructions).
"""

from __future__ import annotations

import gc
from collections.abc import Generator
from typing import Any

import pytest

from kamaelia_core.component import Component
from kamaelia_core.events import describe
from kamaelia_core.instrument import Tap
from kamaelia_core.scheduler import Scheduler


class Marked(Component):
    """A component with an attribute of its own, named so the check below can find it."""

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        self.marker_attribute = 1

    def main(self) -> Generator[Any, None, None]:
        self.pause()
        yield 1


def dict_made(obj: object) -> bool:
    """Whether ``obj``'s attributes live in a real dict (seen from the garbage collector:
    inline attributes are visited one by one, a real dict is visited as a dict)."""
    return any(type(r) is dict and "marker_attribute" in r for r in gc.get_referents(obj))


@pytest.fixture(autouse=True)
def _the_check_works_here():
    probe = Marked()
    if dict_made(probe):
        pytest.skip("this Python keeps instance attributes in a dict anyway")
    probe.__dict__  # noqa: B018 - asking for it is what makes the dict
    if not dict_made(probe):
        pytest.skip("this Python does not show a made dict to the garbage collector")


def test_a_tap_decoding_spawned_events_leaves_the_components_dicts_alone():
    sched = Scheduler()
    tap = sched.attach_tap(Tap())
    comps = [Marked().activate(sched) for _ in range(3)]
    comps[0].design_id = "n1"  # the workbench's tags are read too
    sched.run_until_idle()
    events = tap.drain()
    assert [ev.kind for ev in events].count("spawned") == 3
    assert next(ev for ev in events if ev.cid == comps[0].cid).extra["design_id"] == "n1"
    assert not any(dict_made(comp) for comp in comps)
    describe(comps[1])
    assert not dict_made(comps[1])


def test_keyword_overrides_do_not_make_the_dict_and_still_override():
    class Tuned(Marked):
        delay = 1.0

        @property
        def shown(self) -> str:
            return "from the property"

    tuned = Tuned(delay=0.5, colour="red")
    assert tuned.delay == 0.5 and tuned.colour == "red" and Tuned.delay == 1.0
    assert not dict_made(tuned)
    shadowed = Tuned(shown="ignored")  # a property wins over an instance value, as before
    assert shadowed.shown == "from the property"
