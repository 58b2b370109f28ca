"""Fixtures for the compat tests: the layer installed for one test, and programs in child processes.

In-process tests get ``compat``: the hook installed (``force=True``, so a Kamaelia installed in
the environment cannot get in the way) and removed afterwards with every module it served and
Axon's process scheduler, so no test leaks the layer into another. Whole programs run in their
own process (``start_program``), with a timeout, as a user runs them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kamaelia_core import compat

ROOT = Path(__file__).resolve().parents[2]
PROGRAMS = Path(__file__).resolve().parent / "programs"
TIMEOUT = 30.0
"""Longest a program may run before its test fails (seconds)."""


@pytest.fixture
def compat_layer() -> Iterator[None]:
    """The compat layer installed for this test only."""
    assert not compat.installed()
    compat.install(force=True)
    try:
        yield
    finally:
        compat.uninstall()


def start_program(name: str, *args: str, stdin: bool = False) -> subprocess.Popen[str]:
    """Start ``programs/<name>.py`` (or a path) on the compat layer in a child process."""
    path = Path(name) if name.endswith(".py") else PROGRAMS / f"{name}.py"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-W", "error::ResourceWarning", "-m", "kamaelia_core.compat"]
    return subprocess.Popen(
        [*command, str(path), *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(proc: subprocess.Popen[str], stdin: str | None = None) -> tuple[int, str, str]:
    """Wait for ``proc`` (killing it after ``TIMEOUT``); returns (status, stdout, stderr)."""
    try:
        out, err = proc.communicate(stdin, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        pytest.fail(f"program did not end within {TIMEOUT} s\nstdout:\n{out}\nstderr:\n{err}")
    return proc.returncode, out, err
