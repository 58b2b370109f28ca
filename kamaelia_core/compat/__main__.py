"""``python -m kamaelia_core.compat [--force-compat] program.py [args...]``: run an Axon/Kamaelia
program on kamaelia_core (what ``kamaelia-run program.py`` does, without the workbench)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Run the program named in ``argv`` and return its exit status."""
    from kamaelia_core.compat import CompatConflict
    from kamaelia_core.compat.runner import ProgramNotFound, crash_summary, run_program

    args = list(sys.argv[1:] if argv is None else argv)
    force = False
    while args and args[0].startswith("-"):
        option = args.pop(0)
        if option == "--force-compat":
            force = True
        elif option in ("-h", "--help"):
            sys.stdout.write(__doc__ + "\n")
            return 0
        else:
            sys.stderr.write(f"python -m kamaelia_core.compat: unknown option {option}\n")
            return 2
    if not args:
        sys.stderr.write(
            "usage: python -m kamaelia_core.compat [--force-compat] program.py [args...]\n"
        )
        return 2
    try:
        status = run_program(args[0], args[1:], force=force)
    except (ProgramNotFound, CompatConflict) as exc:
        sys.stderr.write(f"python -m kamaelia_core.compat: {exc}\n")
        return 2
    summary = crash_summary()
    if summary:
        sys.stderr.write(f"kamaelia_core.compat: {summary}\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
