"""Axon's linkage."""

from Axon.Linkage import linkage as Linkage  # noqa: N812

__all__ = ["Linkage"]
