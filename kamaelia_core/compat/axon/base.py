"""Axon.Base on kamaelia_core: Axon's root class and metaclass (plain Python ones)."""


class AxonType(type):
    """Axon's metaclass (adds nothing)."""


class AxonObject:
    """Axon's root class (adds nothing)."""


__all__ = ["AxonObject", "AxonType"]
