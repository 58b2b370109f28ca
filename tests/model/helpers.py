"""Shared helpers for the model tests: ruff on generated code, the real component catalog."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from workbench.model.catalog import Catalog

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "assets" / "examples"


def real_catalog() -> Catalog:
    """The catalog a user gets: entry points plus kamaelia_core's own components."""
    catalog = Catalog.discover()
    assert len(catalog) > 0, catalog.errors
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
