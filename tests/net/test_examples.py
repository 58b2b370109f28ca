"""The example programs in assets/examples run on loopback and end by themselves."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from workbench.resources import examples_dir

EXAMPLES = examples_dir()
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.timeout(60)


@pytest.mark.parametrize(
    ("script", "args", "expect"),
    [
        ("client_server.py", ["--clients", "10"], "10 of 10 clients got their echo back"),
        ("http_hello.py", ["--port", "0", "--requests", "2", "--duration", "10"], "200 OK"),
        ("chat_server.py", ["--port", "0", "--demo", "2", "--duration", "10"], "hello from bot1"),
        ("echo_server.py", ["--port", "0", "--duration", "0.2"], "echo server on 127.0.0.1:"),
    ],
)
def test_example_runs_and_ends(script, args, expect):
    done = subprocess.run(
        [sys.executable, "-W", "error::ResourceWarning", str(EXAMPLES / script), *args],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert expect in done.stderr + done.stdout
