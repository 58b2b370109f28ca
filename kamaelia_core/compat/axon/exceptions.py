"""Axon.AxonExceptions on kamaelia_core: the engine's exceptions under Axon's names."""

from kamaelia_core.errors import (
    AccessToUndeclaredTrackedVariable,
    ArgumentsClash,
    AxonException,
    BadComponent,
    BadInbox,
    BadParentTracker,
    BoxAlreadyLinkedToDestination,
    MultipleServiceDeletion,
    NamespaceClash,
    ServiceAlreadyExists,
    invalidComponentInterface,
    normalShutdown,
    noSpaceInBox,
)

__all__ = [
    "AccessToUndeclaredTrackedVariable",
    "ArgumentsClash",
    "AxonException",
    "BadComponent",
    "BadInbox",
    "BadParentTracker",
    "BoxAlreadyLinkedToDestination",
    "MultipleServiceDeletion",
    "NamespaceClash",
    "ServiceAlreadyExists",
    "invalidComponentInterface",
    "noSpaceInBox",
    "normalShutdown",
]
