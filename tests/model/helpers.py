"""Shared helpers for the model tests: ruff on generated code, the real component catalog."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from workbench.model.catalog import Catalog
from workbench.resources import examples_dir

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = examples_dir()


def real_catalog() -> Catalog:
    """The catalog a user gets: entry points plus kamaelia_core's own components."""
    catalog = Catalog.discover()
    assert len(catalog) > 0, catalog.errors
    return catalog


def nested_pipeline_drops_early_messages() -> bool:
    """Probe for a known core bug: does a Pipeline inside a Pipeline lose early messages?

    The exported-program tests xfail while it is there and become real tests once it is fixed.
    """
    from kamaelia_core.chassis import Pipeline
    from kamaelia_core.scheduler import Scheduler
    from kamaelia_core.util import Collector, DataSource, PureTransformer

    sink = Collector()
    system = Pipeline(DataSource(messages=[1]), Pipeline(PureTransformer(function=str)), sink)
    scheduler = Scheduler()
    try:
        system.activate(scheduler)
        scheduler.run_until_idle()
    finally:
        scheduler.shutdown_all()
        scheduler.close()
    return sink.collected != ["1"]


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
