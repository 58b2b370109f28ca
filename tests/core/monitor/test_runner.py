"""The runner's command line, its compatibility hook, and how it reports a program's end."""

from __future__ import annotations

import subprocess
import sys
import types

import pytest

from kamaelia_core.monitor import runner


def test_options_stop_at_the_program_whose_arguments_are_its_own():
    opts = runner.parse(["--connect", "127.0.0.1:5", "--budget", "8", "prog.py", "--port", "0"])
    assert opts["mode"] == "connect" and opts["address"] == "127.0.0.1:5"
    assert opts["budget"] == 8 and opts["program"] == "prog.py"
    assert opts["args"] == ["--port", "0"]
    opts = runner.parse(["--serve", "unix:/tmp/s", "--wait", "2.5", "-m", "pkg.mod", "-x", "y"])
    assert opts["mode"] == "serve" and opts["module"] == "pkg.mod" and opts["wait"] == 2.5
    assert opts["args"] == ["-x", "y"]
    assert runner.parse(["p.py"])["address"] == "127.0.0.1:0"


@pytest.mark.parametrize(
    ("argv", "why"),
    [
        ([], "no program to run"),
        (["--budget"], "--budget needs a value"),
        (["--budget", "many", "p.py"], "--budget needs a number, not 'many'"),
        (["--wait", "-1", "p.py"], "--wait must not be negative"),
        (["--verbose", "p.py"], "unknown option --verbose"),
    ],
)
def test_bad_command_lines_say_what_is_wrong(argv, why, capsys):
    with pytest.raises(runner.UsageError, match=why):
        runner.parse(argv)
    assert runner.main(argv) == 2
    assert why in capsys.readouterr().err


def test_help_prints_the_usage(capsys):
    assert runner.main(["--help"]) == 0
    assert "python -m kamaelia_core.monitor [options]" in capsys.readouterr().err


def test_install_compat_calls_the_compat_layer_when_there_and_skips_it_when_not(monkeypatch):
    import kamaelia_core

    monkeypatch.setitem(sys.modules, "kamaelia_core.compat", None)  # import fails: skipped
    # an earlier test's import left the package attribute, which the import would find first
    # (and install the real layer for the rest of the session)
    monkeypatch.delattr(kamaelia_core, "compat", raising=False)
    runner._install_compat()
    calls: list[str] = []
    fake = types.ModuleType("kamaelia_core.compat")
    fake.install = lambda: calls.append("installed")  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "kamaelia_core.compat", fake)
    monkeypatch.setattr(kamaelia_core, "compat", fake, raising=False)
    runner._install_compat()
    assert calls == ["installed"]


def test_a_non_integer_exit_argument_is_printed_and_gives_status_one(capsys):
    assert runner._exit_status(None) == 0 and runner._exit_status(3) == 3
    assert runner._exit_status("bad config") == 1
    assert capsys.readouterr().err == "bad config\n"


def test_the_runner_passes_the_programs_status_and_arguments(tmp_path):
    program = tmp_path / "prog.py"
    program.write_text("import sys\nprint(sys.argv)\nsys.exit(int(sys.argv[1]))\n")
    done = subprocess.run(
        [sys.executable, "-m", "kamaelia_core.monitor", "--token-file", str(tmp_path / "t"),
         str(program), "7"],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert done.returncode == 7
    assert done.stdout.strip() == repr([str(program), "7"])
    assert "attach with:" in done.stderr and not (tmp_path / "t").exists()
