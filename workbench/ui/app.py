"""Starts the desktop workbench: the QApplication (names, high-DPI policy, theme) and the window.

``kamaelia-workbench [GRAPH | RECORDING.jsonl]`` opens the window; ``--example NAME`` opens a
shipped example instead (``--list-examples`` lists them). ``kamaelia-workbench [options]
PROGRAM.py [ARGS...]`` runs a Python program in its own process and watches it (the workbench's
options go before the program, what follows it is the program's), and ``--attach HOST:PORT``
(``--token`` / ``--token-file``) watches one already running. For demos, CI and screenshots it
can also run the graph, open loopback traffic to it, quit after a while and save a picture:
``kamaelia-workbench --example echo_server --run --traffic 3 --duration 5 --screenshot out.png``
(headless with ``QT_QPA_PLATFORM=offscreen``); ``--export out.svg`` writes the canvas too.
``--comic RECORDING.jsonl --comic-out strip.png`` draws a comic strip and exits (``export_cli``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from workbench.cli import add_example_options, chosen_graph, list_examples
from workbench.ui.clipboard import release_clipboard
from workbench.ui.export_cli import (
    VALUE_OPTIONS,
    add_export_options,
    check_export_options,
    export_canvas,
    run_comic,
)
from workbench.ui.main_window import MainWindow

ORG, APP = "Kamaelia", "Kamaelia Workbench"
MAX_TRAFFIC = 500
"""Most loopback clients the command line may ask for."""


def create_app(argv: list[str] | None = None) -> QApplication:
    """Return the QApplication (created once, with crisp fractional scaling)."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    QCoreApplication.setOrganizationName(ORG)
    QCoreApplication.setApplicationName(APP)
    app = QApplication(list(argv or sys.argv[:1]))
    app.setApplicationDisplayName(APP)
    return app


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kamaelia-workbench",
        description="Compose, run and watch Kamaelia component systems.",
    )
    parser.add_argument(
        "graph",
        nargs="?",
        help="a .kgraph.json file to open, a .jsonl recording to replay, or a PROGRAM.py to run "
        "and watch (its own arguments follow it)",
    )
    parser.add_argument(
        "--attach", metavar="HOST:PORT", help="watch a program serving its monitor (or unix:PATH)"
    )
    parser.add_argument("--token", help="the monitor's token, for --attach")
    parser.add_argument("--token-file", metavar="FILE",
                        help="read the monitor's token from FILE, for --attach")  # fmt: skip
    add_example_options(parser)
    parser.add_argument("--run", action="store_true", help="run the graph once it is open")
    parser.add_argument("--traffic", type=int, default=0, metavar="N",
                        help="open N loopback clients to the server (implies --run)")  # fmt: skip
    parser.add_argument("--trust", action="store_true",
                        help="run the graph's Python expressions without asking")  # fmt: skip
    parser.add_argument("--duration", type=float, default=None, metavar="S",
                        help="quit after S seconds, printing a summary")  # fmt: skip
    parser.add_argument("--screenshot", type=Path, metavar="PNG",
                        help="save a picture of the window just before quitting")  # fmt: skip
    parser.add_argument("--theme", choices=("dark", "light"), help="colour theme")
    parser.add_argument("--size", default="1600x1000", metavar="WxH", help="window size")
    add_export_options(parser)  # --export, --comic...
    return parser


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"--size wants WIDTHxHEIGHT, not {text!r}") from None
    if not (320 <= width <= 8000 and 240 <= height <= 8000):
        raise argparse.ArgumentTypeError(f"--size {text} is out of range")
    return width, height


def _check(parser: argparse.ArgumentParser, args: argparse.Namespace) -> tuple[int, int]:
    if args.traffic < 0 or args.traffic > MAX_TRAFFIC:
        parser.error(f"--traffic must be between 0 and {MAX_TRAFFIC}, not {args.traffic}")
    if args.duration is not None and args.duration <= 0:
        parser.error(f"--duration must be positive, not {args.duration}")
    if (args.run or args.traffic) and not (args.graph or args.attach):
        parser.error("--run and --traffic need a graph, a program, --attach or --example NAME")
    if args.attach and args.graph:
        parser.error("give a file to open or --attach HOST:PORT, not both")
    try:
        return _size(args.size)
    except argparse.ArgumentTypeError as exc:
        parser.error(str(exc))
        raise


def summary(window: MainWindow) -> str:
    """One line about the run: events, deliveries, connections, crashes."""
    session = window.run.session
    if session is None:
        return "not running"
    return session.model.summary()


def _start_traffic_when_listening(window: MainWindow, clients: int, tries: int = 200) -> None:
    """Open the clients once the graph's server listens (it binds during its first slices)."""
    from workbench.ui.live.install import listening_ports

    session = window.run.session
    if session is None:
        return
    if listening_ports(session.model):
        window.live.start_traffic(clients)
    elif tries > 0:
        QTimer.singleShot(50, lambda: _start_traffic_when_listening(window, clients, tries - 1))
    else:
        window.show_status("--traffic: this graph has no listening TCP server", error=True)
        print("kamaelia-workbench: --traffic needs a graph with a TCP server", file=sys.stderr)


def split_program(argv: list[str]) -> tuple[list[str], list[str]]:
    """``argv`` cut after the first ``*.py`` positional: (the workbench's, the program's)."""
    takes_value = {"--example", "--traffic", "--duration", "--screenshot", "--theme", "--size",
                   "--attach", "--token", "--token-file"} | VALUE_OPTIONS  # fmt: skip
    skip = False
    for i, arg in enumerate(argv):
        if skip:
            skip = False
            continue
        if arg in takes_value:
            skip = True
            continue
        if not arg.startswith("-") and arg.endswith((".py", ".pyw")):
            return argv[: i + 1], argv[i + 1 :]
    return argv, []


def _open(window: MainWindow, args: argparse.Namespace, program_args: list[str]) -> bool:
    """Open what the command line names: a graph, a recording, a program, or an attach."""
    if args.attach:
        from workbench.runtime.remote import RemoteError, read_token

        try:
            token = read_token(args.token, args.token_file)
        except (RemoteError, OSError) as exc:
            print(f"kamaelia-workbench: --attach: {exc}", file=sys.stderr)
            return False
        return window.programs.attach(args.attach, token)
    if args.graph and args.graph.endswith((".py", ".pyw")):
        return window.programs.open_program(args.graph, program_args)
    return not args.graph or window.open_file(args.graph)


def main(argv: list[str] | None = None) -> int:
    """Open the workbench window (with GRAPH if given) and run the Qt event loop.

    Returns:
        0 normally; 2 when the graph cannot be opened or run; 1 when a component crashed
        during a timed (``--duration``) run.
    """
    parser = _parser()
    own, program_args = split_program(list(sys.argv[1:] if argv is None else argv))
    args = parser.parse_args(own)
    if args.list_examples:
        list_examples(sys.stdout)
        return 0
    graph = chosen_graph(parser, args)
    args.graph = str(graph) if graph is not None else None
    width, height = _check(parser, args)
    check_export_options(parser, args)
    app = create_app()
    if args.comic is not None:  # a picture of a recording: no window
        return run_comic(args)
    window = MainWindow()
    if args.theme:
        window.set_theme(args.theme)
    window.resize(width, height)
    window.show()
    if not args.duration:
        window.offer_recovery()
    if not _open(window, args, program_args):
        what = args.attach or args.graph
        print(f"kamaelia-workbench: cannot open {what}: {window.status_label.text()}",
              file=sys.stderr)  # fmt: skip
        window.shutdown()
        return 2
    # a program, an attach or a recording runs as soon as it is open
    watching = bool(args.attach) or (args.graph or "").endswith((".py", ".pyw", ".jsonl"))
    status = 0
    if (args.run or args.traffic) and not watching:
        window.trust_answer = bool(args.trust) if args.duration else (True if args.trust else None)
        window.run_graph()
        if window.run.session is None:
            print(f"kamaelia-workbench: cannot run {args.graph}", file=sys.stderr)
            window.shutdown()
            return 2
    if args.traffic:
        _start_traffic_when_listening(window, args.traffic)
    if args.duration:

        def finish() -> None:
            nonlocal status
            if args.screenshot:
                args.screenshot.parent.mkdir(parents=True, exist_ok=True)
                window.view.fit_all()  # live nodes appeared since the file was opened
                QApplication.processEvents()
                window.grab().save(str(args.screenshot))
            if args.export and not export_canvas(window, args.export):
                status = 2
            session = window.run.session
            if session is not None and session.model.crashes and status == 0:
                status = 1
            name = args.attach or Path(args.graph or "untitled").name
            print(f"kamaelia-workbench: {name}: {summary(window)}")
            if args.screenshot:
                print(f"kamaelia-workbench: screenshot saved to {args.screenshot}")
            window.shutdown()
            window.close()
            app.quit()

        QTimer.singleShot(int(args.duration * 1000), finish)
    code = app.exec()
    release_clipboard(app)
    return status or code


if __name__ == "__main__":
    sys.exit(main())
