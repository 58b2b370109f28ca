"""run_program: a program file runs as __main__ with its arguments; its exit status comes back."""

from __future__ import annotations

import sys
import textwrap

import pytest

from kamaelia_core.compat import run_program
from kamaelia_core.compat.runner import ProgramNotFound, crash_summary, exit_status
from kamaelia_core.instrument import Tap
from kamaelia_core.scheduler import Scheduler

pytestmark = pytest.mark.usefixtures("compat_layer")


def write(tmp_path, text, name="prog.py"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_the_program_runs_as_main_with_its_arguments_and_folder(tmp_path, capsys):
    (tmp_path / "helper_mod_for_runner.py").write_text("VALUE = 42\n")
    prog = write(
        tmp_path,
        """
        import sys
        import helper_mod_for_runner
        print(__name__, sys.argv[1:], helper_mod_for_runner.VALUE)
        """,
    )
    argv, path = list(sys.argv), list(sys.path)
    assert run_program(prog, ["a", "--b"]) == 0
    assert capsys.readouterr().out == "__main__ ['a', '--b'] 42\n"
    assert sys.argv == argv and sys.path == path
    sys.modules.pop("helper_mod_for_runner", None)


@pytest.mark.parametrize(
    ("body", "status", "err"),
    [
        ("import sys; sys.exit()", 0, ""),
        ("import sys; sys.exit(4)", 4, ""),
        ("import sys; sys.exit('bye now')", 1, "bye now\n"),
        ("raise KeyboardInterrupt", 130, "KeyboardInterrupt\n"),
    ],
)
def test_exit_statuses(tmp_path, capsys, body, status, err):
    assert run_program(write(tmp_path, body)) == status
    assert capsys.readouterr().err == err


def test_an_uncaught_exception_is_printed_without_the_runners_frames(tmp_path, capsys):
    prog = write(tmp_path, "def f():\n    raise ValueError('broken')\n\nf()\n")
    assert run_program(prog) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "Traceback (most recent call last):"
    assert str(prog) in err[1] and "runner.py" not in "\n".join(err) and "runpy" not in err[1]
    assert err[-1] == "ValueError: broken"


def test_a_missing_program_and_a_folder_with_a_main(tmp_path, capsys):
    with pytest.raises(ProgramNotFound, match="no such program"):
        run_program(tmp_path / "nope.py")
    folder = tmp_path / "app"
    folder.mkdir()
    write(folder, "print('folder program')", "__main__.py")
    assert run_program(folder) == 0
    assert capsys.readouterr().out == "folder program\n"


def test_on_scheduler_gets_the_process_scheduler_to_watch(tmp_path, capsys):
    prog = write(
        tmp_path,
        """
        from Kamaelia.Chassis.Pipeline import Pipeline
        from Kamaelia.Util.Console import ConsoleEchoer
        from Kamaelia.Util.DataSource import DataSource
        Pipeline(DataSource(["watched\\n"]), ConsoleEchoer()).run()
        """,
    )
    taps = []

    def watch(sched):
        assert isinstance(sched, Scheduler)
        taps.append(sched.attach_tap(Tap()))

    assert run_program(prog, on_scheduler=watch) == 0
    assert capsys.readouterr().out == "watched\n"
    (tap,) = taps
    events = tap.drain()
    assert any(e.kind == "delivered" and e.value == repr("watched\n") for e in events)
    assert {e.name.split("#")[0] for e in events if e.kind == "spawned"} >= {
        "Pipeline",
        "DataSource",
        "ConsoleEchoer",
    }


@pytest.mark.expect_errors(match=r"crashed")
def test_crash_summary_counts_the_programs_crashed_components(tmp_path, capsys):
    prog = write(
        tmp_path,
        """
        from Axon.Component import component
        from Axon.Scheduler import scheduler
        class Bad(component):
            def main(self):
                yield 1
                1 / 0
        Bad().activate()
        scheduler.run.runThreads()
        """,
    )
    assert run_program(prog) == 0
    assert crash_summary().startswith("1 component crashed (Bad#")
    assert exit_status(None) == 0 and exit_status(7) == 7
