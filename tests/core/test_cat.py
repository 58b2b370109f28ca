"""The Coordinating Assistant Tracker: services and tracked values, one per scheduler."""

from __future__ import annotations

import pytest

from kamaelia_core.cat import CoordinatingAssistantTracker, coordinatingassistanttracker
from kamaelia_core.component import Component
from kamaelia_core.errors import (
    AccessToUndeclaredTrackedVariable,
    BadComponent,
    BadInbox,
    BadParentTracker,
    MultipleServiceDeletion,
    NamespaceClash,
    ServiceAlreadyExists,
)
from kamaelia_core.scheduler import Scheduler


def test_register_retrieve_and_deregister_a_service():
    cat = CoordinatingAssistantTracker()
    svc = Component()
    cat.registerService("selector", svc, "inbox")
    assert cat.retrieveService("selector") == (svc, "inbox")
    assert cat.servicesRegistered() == ["selector"]
    cat.deRegisterService("selector")
    assert cat.servicesRegistered() == []
    with pytest.raises(KeyError):
        cat.retrieveService("selector")
    with pytest.raises(MultipleServiceDeletion):
        cat.deRegisterService("selector")


def test_service_errors():
    cat = CoordinatingAssistantTracker()
    svc = Component()
    cat.registerService("s", svc, "control")
    with pytest.raises(ServiceAlreadyExists):
        cat.registerService("s", svc, "inbox")
    with pytest.raises(BadComponent):
        cat.registerService("t", object(), "inbox")
    with pytest.raises(BadInbox):
        cat.registerService("t", svc, "no such inbox")


def test_tracked_values():
    cat = coordinatingassistanttracker()
    cat.trackValue("clients", 0)
    with pytest.raises(NamespaceClash):
        cat.trackValue("clients", 1)
    cat.updateValue("clients", 2)
    assert cat.retrieveValue("clients") == 2
    assert cat.informationItemsLogged() == ["clients"]
    with pytest.raises(AccessToUndeclaredTrackedVariable):
        cat.updateValue("unknown", 1)
    with pytest.raises(AccessToUndeclaredTrackedVariable):
        cat.retrieveValue("unknown")


@pytest.mark.core_only
def test_children_share_the_roots_services_and_bad_parents_are_refused():
    root = CoordinatingAssistantTracker()
    child = CoordinatingAssistantTracker(root)
    child.registerService("s", Component(), "inbox")
    assert root.servicesRegistered() == ["s"]
    child.zap()
    assert root.servicesRegistered() == []
    with pytest.raises(BadParentTracker):
        CoordinatingAssistantTracker(parent="not a tracker")  # type: ignore[arg-type]


@pytest.mark.core_only
def test_one_tracker_per_scheduler_no_shared_state():
    a, b = Scheduler(), Scheduler()
    try:
        a.tracker.registerService("selector", Component(), "inbox")
        assert b.tracker.servicesRegistered() == []
        comp = Component()
        comp.activate(a)
        assert comp.tracker is a.tracker
    finally:
        a.close()
        b.close()
