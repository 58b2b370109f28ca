"""The environment of a Python child the workbench starts (a watched program, a probe)."""

from __future__ import annotations

import os
from pathlib import Path

import kamaelia_core


def with_kamaelia_core(env: dict[str, str]) -> dict[str, str]:
    """``env`` with the folder holding this ``kamaelia_core`` first on ``PYTHONPATH``.

    So a child imports the same engine as the workbench, installed or run from a checkout.
    """
    root = str(Path(kamaelia_core.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return env


__all__ = ["with_kamaelia_core"]
