"""The command line's pictures: ``--export`` of the canvas at the end of a timed run, ``--comic``.

Used by ``workbench.ui.app``: ``kamaelia-workbench GRAPH --run --duration 5 --export out.svg``
writes the canvas (.png or .svg) just before quitting, next to ``--screenshot``;
``kamaelia-workbench --comic RECORDING.jsonl --comic-out strip.png [--comic-range A:B]
[--panels N] [--columns C] [--theme light]`` draws a comic strip of a recording and exits,
with no window (headless with ``QT_QPA_PLATFORM=offscreen``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from workbench.ui import export
from workbench.ui.comic_plan import MAX_PANELS, MIN_PANELS, ComicError, parse_range

VALUE_OPTIONS = frozenset({"--export", "--comic", "--comic-out", "--comic-range", "--panels",
                           "--columns"})  # fmt: skip
"""The options here that take a value (the program splitter must skip their values)."""


def add_export_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--export`` and the ``--comic`` options to the workbench's parser."""
    parser.add_argument("--export", type=Path, metavar="PNG|SVG",
                        help="with --duration: write the canvas (.png or .svg) just before "
                        "quitting")  # fmt: skip
    group = parser.add_argument_group("comic strips (no window)")
    group.add_argument("--comic", type=Path, metavar="RECORDING.jsonl",
                       help="draw a comic strip of a recording and exit")  # fmt: skip
    group.add_argument("--comic-out", type=Path, metavar="PNG|SVG",
                       help="the comic strip's file (default: RECORDING_comic.png)")  # fmt: skip
    group.add_argument("--comic-range", default=":", metavar="A:B",
                       help="from A to B: seconds into the recording, or @SEQ for an event "
                       "(default: all of it)")  # fmt: skip
    group.add_argument("--panels", type=int, default=6, metavar="N",
                       help=f"panels ({MIN_PANELS}..{MAX_PANELS}, default 6)")  # fmt: skip
    group.add_argument("--columns", type=int, metavar="C",
                       help="panels per row (default: 3, or fewer panels)")  # fmt: skip


def check_export_options(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse what cannot work before anything runs (parser.error exits with status 2)."""
    if args.export is not None:
        if not args.duration:
            parser.error("--export needs --duration (it writes the canvas just before quitting)")
        try:
            export.export_format(args.export)
            export.check_writable(args.export)
        except export.ExportError as exc:
            parser.error(f"--export: {exc}")
    if args.comic is None and (args.comic_out is not None or args.comic_range != ":"):
        parser.error("--comic-out and --comic-range need --comic RECORDING.jsonl")
    if args.comic is not None and (args.graph or args.attach or args.run or args.traffic):
        parser.error("--comic draws a recording and exits: give no graph, --run or --attach")


def export_canvas(window: Any, path: Path) -> bool:
    """Write ``window``'s canvas to ``path``, saying so (or why not) on the terminal."""
    window.scene.reroute_links()
    try:
        written = export.export_scene(window.scene, path, title=window.docs.display_name())
    except export.ExportError as exc:
        print(f"kamaelia-workbench: --export: {exc}", file=sys.stderr)
        return False
    print(f"kamaelia-workbench: canvas exported to {written}")
    return True


def run_comic(args: argparse.Namespace) -> int:
    """Draw the comic strip the command line asks for; 0, or 2 with the reason on stderr."""
    from workbench.ui.comic import render_comic

    out = args.comic_out or args.comic.with_name(f"{args.comic.stem}_comic.png")
    try:
        start, end = parse_range(args.comic_range)
        written = render_comic(
            args.comic, out, start, end, args.panels, args.columns, theme=args.theme or "dark"
        )
    except ComicError as exc:
        print(f"kamaelia-workbench: --comic: {exc}", file=sys.stderr)
        return 2
    print(f"kamaelia-workbench: comic strip of {args.comic.name} saved to {written}")
    return 0
