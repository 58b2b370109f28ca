"""Axon's component under kamaelia_core's names."""

from Axon.Component import component as Component  # noqa: N812

component = Component


def box_descriptions(spec):
    """Not in Axon (only core_only tests use it)."""
    raise NotImplementedError("box_descriptions is a kamaelia_core addition")
