"""Axon.Postoffice on kamaelia_core: the set of links one component (or a program) has made.

``component.postoffice`` is a view of the links that component made (kamaelia_core keeps them on
the component itself); a ``postoffice()`` made directly keeps its own list, as in Axon.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kamaelia_core.compat.axon.linkage import linkage
from kamaelia_core.linkage import Linkage

if TYPE_CHECKING:
    from kamaelia_core.component import Component


class postoffice:
    """A registry of linkages: ``link`` makes and records one, ``unlink`` undoes them.

    Args:
        debugname: A name shown by ``str()``.
    """

    def __init__(self, debugname: str = "") -> None:
        self.debugname = f"{debugname}:debug " if debugname else ""
        self._linkages: list[Linkage] = []

    @property
    def linkages(self) -> list[Linkage]:
        """The linkages made here, oldest first."""
        return self._linkages

    def __str__(self) -> str:
        return f"{{{{ POSTOFFICE: {self.debugname}links {self.linkages} }}}}"

    def link(
        self, source: tuple[Any, str], sink: tuple[Any, str], *args: Any, **kwargs: Any
    ) -> Linkage:
        """Link ``(component, box)`` to ``(component, box)`` and record it.

        Raises:
            BoxAlreadyLinkedToDestination: The source already has a destination.
        """
        (src, srcbox), (dst, dstbox) = source, sink
        made = linkage(src, dst, srcbox, dstbox, *args, **kwargs)
        made.connect()
        self._linkages.append(made)
        return made

    def unlink(self, thecomponent: Any = None, thelinkage: Linkage | None = None) -> None:
        """Undo one linkage, or every linkage touching ``thecomponent``."""
        doomed = [thelinkage] if thelinkage is not None else []
        if thecomponent is not None:
            doomed += [lk for lk in self._linkages if thecomponent in (lk.source, lk.sink)]
        for made in doomed:
            if made in self._linkages:
                self._linkages.remove(made)
                made.disconnect()

    def unlinkAll(self) -> None:
        """Undo every linkage made here."""
        for made in list(self._linkages):
            self.unlink(thelinkage=made)

    def islinkageregistered(self, linkage: Linkage) -> int:
        """1 if ``linkage`` was made here, else 0."""
        return int(linkage in self.linkages)

    def deregisterlinkage(
        self, thecomponent: Any = None, thelinkage: Linkage | None = None
    ) -> None:
        """Axon's deprecated spelling of ``unlink``."""
        self.unlink(thecomponent, thelinkage)


class ComponentPostoffice(postoffice):
    """The postoffice of one component: its own linkages, made and undone through it."""

    def __init__(self, owner: Component) -> None:
        super().__init__(f"component :{owner.name}")
        self.owner = owner

    @property
    def linkages(self) -> list[Linkage]:
        """The linkages the component made, oldest first."""
        return list(self.owner.linkages)

    def link(
        self, source: tuple[Any, str], sink: tuple[Any, str], *args: Any, **kwargs: Any
    ) -> Linkage:
        """Link through the component (the link is its own, recorded by a tap)."""
        return self.owner.link(source, sink, *args, **kwargs)

    def unlink(self, thecomponent: Any = None, thelinkage: Linkage | None = None) -> None:
        """Undo one of the component's linkages, or those touching ``thecomponent``."""
        self.owner.unlink(thecomponent, thelinkage)

    def unlinkAll(self) -> None:
        """Undo every linkage the component made."""
        self.owner.unlink_all()


__all__ = ["postoffice"]
