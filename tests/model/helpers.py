"""Shared helpers for the model tests: ruff on generated code, the real component catalog."""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
from pathlib import Path

from workbench.model.catalog import Catalog

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "assets" / "examples"

#: Modules of the core that declare ``__kamaelia_components__`` (used until the core's
#: ``catalog_entries`` module exists; then discovery finds everything by itself).
CORE_MODULES = (
    "kamaelia_core.chassis.pipeline",
    "kamaelia_core.chassis.graphline",
    "kamaelia_core.net.servers",
    "kamaelia_core.net.tcpclient",
    "kamaelia_core.net.tcpserver",
    "kamaelia_core.net.selector",
    "kamaelia_core.util.echo",
    "kamaelia_core.util.chat",
    "kamaelia_core.util.console",
    "kamaelia_core.util.sources",
    "kamaelia_core.util.collector",
    "kamaelia_core.util.transformers",
)


def real_catalog() -> Catalog:
    """The core's catalog through entry-point discovery (or its modules, before it has one)."""
    catalog = Catalog.discover()
    if len(catalog) == 0:
        classes = [
            cls
            for name in CORE_MODULES
            for cls in importlib.import_module(name).__kamaelia_components__
        ]
        catalog = Catalog(classes)
    return catalog


def ruff_command() -> list[str]:
    exe = shutil.which("ruff")
    return [exe] if exe else [sys.executable, "-m", "ruff"]


def assert_ruff_clean(text: str, tmp_path: Path) -> None:
    """The text compiles and passes ruff check and ruff format --check (defaults and ours)."""
    path = tmp_path / "exported.py"
    path.write_text(text, encoding="utf-8")
    compile(text, str(path), "exec")
    for config in (["--isolated"], ["--config", str(ROOT / "pyproject.toml")]):
        for args in (["check", "--no-cache"], ["format", "--check", "--diff", "--no-cache"]):
            cmd = [*ruff_command(), *args, *config, str(path)]
            result = subprocess.run(cmd, capture_output=True, text=True, check=False)
            assert result.returncode == 0, f"{' '.join(args)}:\n{result.stdout}{result.stderr}"
