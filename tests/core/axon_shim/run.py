"""Run the Kamaelia-compatible engine tests against Kamaelia Axon 1.14.32 instead of kamaelia_core.

The tests in tests/core not marked ``core_only`` are written against Kamaelia's API and
behaviour. This copies them next to a small ``kamaelia_core`` shim that maps the names they use
onto Axon, and runs them with Axon from a scratch venv (``bench/pipeline.py`` makes one)::

    python tests/core/axon_shim/run.py [--venv /tmp/kvenv]
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORE_TESTS = HERE.parent
SUITES = ["test_linkage.py", "test_component.py", "test_scheduler.py", "test_cat.py"]
SUITES += ["test_adaptive.py", "test_ipc.py"]


def main() -> int:
    """Copy, run, and return pytest's exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--venv", type=Path, default=Path("/tmp/kvenv"))
    args = parser.parse_args()
    site = glob.glob(str(args.venv / "lib" / "python3*" / "site-packages"))
    if not site:
        print(f"no venv with Axon at {args.venv} (run bench/pipeline.py once)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(HERE / "kamaelia_core", root / "kamaelia_core")
        (root / "tests" / "core").mkdir(parents=True)
        (root / "tests" / "__init__.py").touch()
        (root / "tests" / "core" / "__init__.py").touch()
        for name in ["conftest.py", "helpers.py", *SUITES]:
            shutil.copy(CORE_TESTS / name, root / "tests" / "core" / name)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), site[0]])}
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        cmd += ["-m", "not core_only", "tests/core"]
        return subprocess.run(cmd, cwd=root, env=env).returncode


if __name__ == "__main__":
    raise SystemExit(main())
