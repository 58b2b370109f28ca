"""The Coordinating Assistant Tracker: named services and tracked values, one per scheduler.

A service is a ``(component, inbox)`` pair registered under a well-known name (the Selector
registers itself as "selector"); components find it with ``retrieveService``. Tracked values are a
small shared blackboard. Each Scheduler owns one tracker, so tests never share hidden state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kamaelia_core.errors import (
    AccessToUndeclaredTrackedVariable,
    BadComponent,
    BadInbox,
    BadParentTracker,
    MultipleServiceDeletion,
    NamespaceClash,
    ServiceAlreadyExists,
)


class CoordinatingAssistantTracker:
    """Service registry and value tracker.

    Args:
        parent: A parent tracker: services are kept in the root of the chain.
    """

    def __init__(self, parent: CoordinatingAssistantTracker | None = None) -> None:
        if parent is not None and not isinstance(parent, CoordinatingAssistantTracker):
            raise BadParentTracker(f"a tracker's parent must be a tracker, not {parent!r}")
        self.parent = parent
        self._services: dict[str, tuple[Any, str]] = {}
        self._values: dict[str, Any] = {}
        self.on_change: Callable[[str, str, Any, str], None] | None = None
        """Called with ``(kind, service, component, inbox)`` when a service is registered
        (kind "service_registered") or removed ("service_removed"): a tap records it."""

    def _root(self) -> CoordinatingAssistantTracker:
        tracker = self
        while tracker.parent is not None:
            tracker = tracker.parent
        return tracker

    def registerService(self, service: str, thecomponent: Any, inbox: str) -> None:
        """Register ``(thecomponent, inbox)`` as ``service``.

        Raises:
            ServiceAlreadyExists: The name is taken.
            BadComponent: ``thecomponent`` is not a component.
            BadInbox: ``inbox`` is not one of its inboxes.
        """
        from kamaelia_core.component import Component

        services = self._root()._services
        if service in services:
            raise ServiceAlreadyExists(f"service {service!r} is already registered")
        if not isinstance(thecomponent, Component):
            raise BadComponent(f"service {service!r}: {thecomponent!r} is not a component")
        if inbox not in thecomponent.inboxes:
            raise BadInbox(f"service {service!r}: {thecomponent.name} has no inbox {inbox!r}")
        services[service] = (thecomponent, inbox)
        root = self._root()
        if root.on_change is not None:
            root.on_change("service_registered", service, thecomponent, inbox)

    def deRegisterService(self, service: str) -> None:
        """Remove ``service``.

        Raises:
            MultipleServiceDeletion: It is not registered.
        """
        services = self._root()._services
        if service not in services:
            raise MultipleServiceDeletion(f"service {service!r} is not registered")
        component, inbox = services.pop(service)
        root = self._root()
        if root.on_change is not None:
            root.on_change("service_removed", service, component, inbox)

    def retrieveService(self, name: str) -> tuple[Any, str]:
        """``(component, inbox)`` of service ``name``.

        Raises:
            KeyError: No such service.
        """
        try:
            return self._root()._services[name]
        except KeyError:
            raise KeyError(f"no service named {name!r} is registered") from None

    def servicesRegistered(self) -> list[str]:
        """Names of the registered services."""
        return list(self._root()._services)

    def trackValue(self, name: str, value: Any) -> None:
        """Start tracking ``name``.

        Raises:
            NamespaceClash: Already tracked.
        """
        values = self._root()._values
        if name in values:
            raise NamespaceClash(f"value {name!r} is already tracked")
        values[name] = value

    def updateValue(self, name: str, value: Any) -> None:
        """Change tracked value ``name``.

        Raises:
            AccessToUndeclaredTrackedVariable: Not tracked yet.
        """
        values = self._root()._values
        if name not in values:
            raise AccessToUndeclaredTrackedVariable(f"value {name!r} is not tracked yet")
        values[name] = value

    def retrieveValue(self, name: str) -> Any:
        """The tracked value ``name``.

        Raises:
            AccessToUndeclaredTrackedVariable: Not tracked (a KeyError too).
        """
        try:
            return self._root()._values[name]
        except KeyError:
            raise AccessToUndeclaredTrackedVariable(f"value {name!r} is not tracked") from None

    def informationItemsLogged(self) -> list[str]:
        """Names of the tracked values."""
        return list(self._root()._values)

    def zap(self) -> None:
        """Forget every service and value."""
        root = self._root()
        root._services.clear()
        root._values.clear()


coordinatingassistanttracker = CoordinatingAssistantTracker
