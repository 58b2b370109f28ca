"""Runs a Python program file as ``__main__`` with the compat layer installed, as ``python`` would.

The entry point shared by ``kamaelia-run program.py``, ``kamaelia-workbench program.py`` (in the
child process it starts) and ``python -m kamaelia_core.compat program.py``: the program sees
``sys.argv == [path, *argv]`` and its own folder first on ``sys.path``; its exit status comes
back as an int, and an exception that escapes it is printed to standard error (without this
runner's frames) as Python prints it.
"""

from __future__ import annotations

import os
import runpy
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from kamaelia_core.compat import install, process_scheduler
from kamaelia_core.scheduler import Scheduler

INTERRUPTED = 130
"""Exit status of a program stopped by Ctrl-C (as a shell reports SIGINT)."""


class ProgramNotFound(FileNotFoundError):
    """The program to run does not exist (or is neither a file nor a runnable folder)."""


def run_program(
    path: str | os.PathLike[str],
    argv: Sequence[str] = (),
    *,
    force: bool = False,
    on_scheduler: Callable[[Scheduler], None] | None = None,
) -> int:
    """Run the program at ``path`` as ``__main__`` with ``argv`` as its arguments.

    Args:
        path: A ``.py`` file (or a folder or zip file with a ``__main__.py``).
        argv: The program's arguments (``sys.argv[1:]``).
        force: Serve Axon/Kamaelia from kamaelia_core even if a real Kamaelia is installed.
        on_scheduler: Called with Axon's process-wide scheduler (a kamaelia_core
            ``Scheduler``) as soon as it exists, e.g. to attach a tap; only when the program
            runs on the compat layer.

    Returns:
        The exit status: 0, the program's ``sys.exit`` code, 1 after an uncaught exception,
        130 after Ctrl-C.

    Raises:
        ProgramNotFound: ``path`` does not exist.
        CompatConflict: ``force`` was given but a real Axon/Kamaelia is already imported.
    """
    program = Path(path)
    if not (program.is_file() or (program / "__main__.py").is_file()):
        raise ProgramNotFound(f"no such program: {program}")
    on_compat = install(force=force)
    remove_listener = None
    if on_compat and on_scheduler is not None:
        from kamaelia_core.compat.axon.scheduler import on_process_scheduler

        remove_listener = on_process_scheduler(on_scheduler)
    saved_argv, saved_path = sys.argv, list(sys.path)
    sys.argv = [str(program), *argv]
    sys.path.insert(0, str((program if program.is_dir() else program.parent).resolve()))
    try:
        runpy.run_path(str(program), run_name="__main__")
        return 0
    except SystemExit as exc:
        return exit_status(exc.code)
    except KeyboardInterrupt:
        sys.stderr.write("KeyboardInterrupt\n")
        return INTERRUPTED
    except BaseException as exc:  # the program's own failure: reported as Python reports it
        _print_program_traceback(exc)
        return 1
    finally:
        sys.argv = saved_argv
        sys.path[:] = saved_path
        if remove_listener is not None:
            remove_listener()
        sys.stdout.flush()


def exit_status(code: Any) -> int:
    """The process exit status for ``sys.exit(code)``, printing a message code as Python does."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    sys.stderr.write(f"{code}\n")
    return 1


def _print_program_traceback(exc: BaseException) -> None:
    skip = {os.path.abspath(__file__), os.path.abspath(runpy.__file__)}
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if not (filename.startswith("<frozen runpy") or os.path.abspath(filename) in skip):
            break
        tb = tb.tb_next
    traceback.print_exception(type(exc), exc, tb, file=sys.stderr)


def crash_summary() -> str | None:
    """A line saying how many components of the program crashed, or None if none did."""
    sched = process_scheduler()
    count = getattr(sched, "crash_count", 0)
    if not count:
        return None
    crashes = getattr(sched, "crashes", ())  # an Axon scheduler: it counts its crashes
    names = ", ".join(sorted({comp.name for comp, _ in crashes})[:5])
    plural = "s" if count > 1 else ""
    return f"{count} component{plural} crashed ({names}); tracebacks above"
