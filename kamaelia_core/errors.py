"""Exceptions raised by the component engine, named as Axon names them."""

from __future__ import annotations


class AxonException(Exception):
    """Base class of every exception the engine raises on purpose."""


class noSpaceInBox(AxonException):
    """A size-limited inbox is full; the sender should retry after the consumer drains it."""

    def __init__(self, size: int, limit: int, box: str = "") -> None:
        where = f" {box}" if box else ""
        super().__init__(f"no space in box{where}: it holds {size} of at most {limit} messages")
        self.size = size
        self.limit = limit
        self.box = box


class BoxAlreadyLinkedToDestination(AxonException):
    """An outbox (or passthrough inbox) may have only one destination."""


class BadComponent(AxonException):
    """Something that is not a component was given where a component is needed."""


class _MissingKey(KeyError):
    """A KeyError (as Axon's lookups raise) whose text is the plain message, not its repr."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class BadInbox(AxonException, _MissingKey):
    """A box name the component does not declare (also a KeyError, as in Axon's ``link``)."""


class BadParentTracker(AxonException):
    """A tracker's parent must itself be a tracker."""


class ServiceAlreadyExists(AxonException):
    """A service of that name is already registered with the tracker."""


class MultipleServiceDeletion(AxonException):
    """The service being deregistered is not registered."""


class NamespaceClash(AxonException):
    """A tracked value of that name already exists."""


class AccessToUndeclaredTrackedVariable(AxonException, _MissingKey):
    """A tracked value was read or updated before it was declared with trackValue."""


class ArgumentsClash(AxonException):
    """Arguments that cannot be used together."""


class invalidComponentInterface(AxonException):
    """A component declares boxes in a form the engine cannot read."""


class normalShutdown(AxonException):
    """Raised inside a component to end it normally."""


class GraphlineLinkagesMissing(TypeError, ValueError):
    """Graphline needs a linkages mapping (a TypeError in Axon, a ValueError in its tests)."""


NoSpaceInBox = noSpaceInBox
