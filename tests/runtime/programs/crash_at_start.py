"""A program that fails before it makes any component (its traceback must reach the user)."""

import kamaelia_core  # noqa: F401


def read_config() -> int:
    raise ValueError("no port configured")


read_config()
