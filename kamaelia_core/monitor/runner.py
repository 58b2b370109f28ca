"""``python -m kamaelia_core.monitor PROGRAM.py [args]``: run a program with the monitor on.

The entry point a workbench uses to start a user's program as a child (``--connect``), and a
user to make any program attachable (``--serve``). The program runs as ``__main__`` (runpy), with
``sys.argv`` and ``sys.path[0]`` as ``python PROGRAM.py`` would set them; its exit status is
ours, its uncaught exception is printed as Python prints it and reported in the ``exit`` frame,
and SIGTERM ends it with an ``exit`` frame too (then the process dies of that signal, as it
would have).
"""

from __future__ import annotations

import os
import runpy
import signal
import sys
import traceback
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any, NotRequired, TypedDict, TypeVar

from kamaelia_core import monitor
from kamaelia_core.monitor import protocol

USAGE = """usage: python -m kamaelia_core.monitor [options] (PROGRAM.py | -m MODULE) [args...]

Run a kamaelia_core program with the monitor on, so a workbench can watch it.

options:
  --serve ADDR       listen for a workbench to attach (default 127.0.0.1:0; or unix:/path)
  --connect ADDR     connect to a workbench listening at ADDR (token in $KAMAELIA_MONITOR_TOKEN)
  --token-file FILE  serve: where to write the token (default: a 0600 file in a per-user dir)
  --wait S           serve: wait up to S seconds for a workbench before the program starts
  --budget N         plain deliveries sent as they are per tick (the rest are counted)
  -m MODULE          run a module, as python -m does
  -h, --help         this text
"""


class UsageError(ValueError):
    """The runner's command line is wrong; the message says how."""


class _Terminated(BaseException):
    """Raised in the main thread by SIGTERM, so the program unwinds and reports its exit."""


class Options(TypedDict):
    """The runner's command line, read by ``parse``."""

    mode: str
    """"serve" or "connect"."""
    address: str
    token_file: str | None
    wait: float | None
    budget: int | None
    module: str | None
    """The module to run (``-m``), or None when a program file is given."""
    program: NotRequired[str]
    """The program file to run (absent with ``-m``)."""
    args: list[str]
    """The program's own arguments."""


def parse(argv: Sequence[str]) -> Options:
    """Read the runner's options; everything after the program (or ``-m MODULE``) is its own.

    Raises:
        UsageError: An unknown option, a missing value, or no program.
    """
    opts: Options = {"mode": "serve", "address": "127.0.0.1:0", "token_file": None,
                     "wait": None, "budget": None, "module": None, "args": []}  # fmt: skip
    args = list(argv)
    valued = {"--serve", "--connect", "--token-file", "--wait", "--budget", "-m"}
    while args:
        arg = args.pop(0)
        if arg in ("-h", "--help"):
            raise UsageError("")
        if arg not in valued:
            if arg.startswith("-") and arg != "-":
                raise UsageError(f"unknown option {arg}")
            opts["program"] = arg
            break
        if not args:
            raise UsageError(f"{arg} needs a value")
        value = args.pop(0)
        if arg in ("--serve", "--connect"):
            opts["mode"], opts["address"] = arg[2:], value
        elif arg == "--token-file":
            opts["token_file"] = value
        elif arg == "--wait":
            opts["wait"] = _number(arg, value, float)
        elif arg == "--budget":
            opts["budget"] = _number(arg, value, int)
        else:
            opts["module"] = value
            break
    if opts["module"] is None and "program" not in opts:
        raise UsageError("no program to run")
    opts["args"] = args
    return opts


_Number = TypeVar("_Number", int, float)


def _number(option: str, text: str, kind: Callable[[str], _Number]) -> _Number:
    try:
        value = kind(text)
    except ValueError:
        raise UsageError(f"{option} needs a number, not {text!r}") from None
    if value < 0:
        raise UsageError(f"{option} must not be negative")
    return value


def _install_compat() -> None:
    """Let ``import Axon`` / ``import Kamaelia`` programs run on kamaelia_core, when the
    compatibility layer is there (``kamaelia_core.compat``); without it, nothing happens."""
    try:
        from kamaelia_core import compat
    except ImportError as exc:
        if exc.name not in ("kamaelia_core.compat", "kamaelia_core"):
            raise
        return
    compat.install()


def _start(opts: Options) -> None:
    """Turn the monitor on as the options say (an environment's monitor is kept)."""
    if monitor.current() is not None:
        return
    budget = opts["budget"]
    options: dict[str, Any] = {} if budget is None else {"budget": budget}
    target = opts["module"] or opts.get("program")
    if opts["mode"] == "connect":
        token = os.environ.pop(protocol.TOKEN_ENV, "")
        if not token:
            raise monitor.MonitorError(f"--connect needs the token in ${protocol.TOKEN_ENV}")
        monitor.connect(opts["address"], token, info={"program": target}, **options)
    else:
        started = monitor.serve(
            opts["address"], opts["token_file"], None, info={"program": target}, **options
        )
        if opts["wait"] is not None:
            started.viewer_attached.wait(opts["wait"])


def _on_sigterm(signum: int, frame: object) -> None:
    raise _Terminated


def _program_traceback(exc: BaseException) -> TracebackType | None:
    """``exc``'s traceback without the runner's and runpy's own frames."""
    tb = exc.__traceback__
    skip = {os.path.abspath(__file__), os.path.abspath(runpy.__file__)}
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if not (filename.startswith("<frozen runpy") or os.path.abspath(filename) in skip):
            break
        tb = tb.tb_next
    return tb


def run(opts: Options) -> tuple[int, str | None, str | None]:
    """Run the program; return ``(status, signal name or None, exception text or None)``."""
    if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _on_sigterm)
    module = opts["module"]
    args = list(opts["args"])
    try:
        if module:
            sys.argv = [module, *args]
            sys.path.insert(0, os.getcwd())
            runpy.run_module(module, run_name="__main__", alter_sys=True)
        else:
            program = opts["program"]
            sys.argv = [program, *args]
            sys.path.insert(0, os.path.dirname(os.path.abspath(program)))
            runpy.run_path(program, run_name="__main__")
    except SystemExit as exc:
        return _exit_status(exc.code), None, None
    except _Terminated:
        return 128 + signal.SIGTERM, "SIGTERM", None
    except KeyboardInterrupt as exc:
        text = _report(exc)
        return 128 + signal.SIGINT, "SIGINT", text
    except BaseException as exc:  # the program's own error: printed and reported, as Python does
        return 1, None, _report(exc)
    return 0, None, None


def _report(exc: BaseException) -> str:
    tb = _program_traceback(exc)
    exc.__traceback__ = tb  # printed from the program's first frame, as python PROGRAM.py does
    text = "".join(traceback.format_exception(type(exc), exc, tb))
    sys.excepthook(type(exc), exc, tb)
    return text


def _exit_status(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    sys.stderr.write(f"{code}\n")  # as Python prints a non-integer SystemExit argument
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    """The runner's entry point; returns the process's exit status."""
    try:
        opts = parse(sys.argv[1:] if argv is None else argv)
    except UsageError as exc:
        sys.stderr.write(USAGE if not str(exc) else f"{USAGE}\nerror: {exc}\n")
        return 0 if not str(exc) else 2
    try:
        _start(opts)
    except (monitor.MonitorError, protocol.ProtocolError) as exc:
        sys.stderr.write(f"kamaelia monitor: {exc}\n")
        return 2
    _install_compat()
    status, signal_name, exception = run(opts)
    monitor.note_exit(status, signal_name, exception)
    sys.stdout.flush()
    sys.stderr.flush()
    if signal_name is not None:
        _die_by(getattr(signal, signal_name))
    return status


def _die_by(signum: int) -> None:
    """Send the exit frame now, then end by ``signum`` as the program would have."""
    running = monitor.current()
    if running is not None:
        running.finish(**monitor._exit_report)
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)
