"""Axon has no tap (only core_only tests use it)."""


class Tap:
    """Placeholder."""
