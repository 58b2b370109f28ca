"""kamaelia_core.compat: Kamaelia and Axon programs run unchanged on kamaelia_core.

Sits between a program written for Kamaelia and kamaelia_core: ``install()`` puts an import hook
in front of ``sys.meta_path`` so that ``import Axon...`` and ``import Kamaelia...`` resolve to
modules that map Axon's and Kamaelia's names onto kamaelia_core (``Axon.Component.component``
is a kamaelia_core component, ``Axon.Scheduler.scheduler.run`` a kamaelia_core scheduler,
``Kamaelia.Chassis.Pipeline.Pipeline`` kamaelia_core's Pipeline...). ``run_program`` runs a
program file with the hook installed; ``kamaelia-run program.py`` and
``python -m kamaelia_core.compat program.py`` call it.

Nothing here is imported by kamaelia_core itself, and until a program imports an Axon or
Kamaelia name the installed hook costs one dictionary look-up per import. A real Axon or
Kamaelia installed in the environment is never shadowed unless asked (``force=True``).
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, Any

from kamaelia_core.compat._hook import ALL_NAMES, ROOTS, CompatFinder, find_elsewhere

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from os import PathLike

    from kamaelia_core.scheduler import Scheduler

log = logging.getLogger(__name__)

_finder: list[CompatFinder | None] = [None]
"""The installed finder, in a list cell (None when not installed)."""


class CompatConflict(RuntimeError):
    """A real Axon or Kamaelia has already been imported; the compat layer cannot take over."""


def real_installation() -> dict[str, str]:
    """Where a real (non-compat) Axon or Kamaelia is installed: ``{name: location}``."""
    found = {}
    for root in sorted(ROOTS):
        module = sys.modules.get(root)
        if module is not None and not _is_ours(module):
            found[root] = str(getattr(module, "__file__", None) or module)
            continue
        spec = find_elsewhere(root, _finder[0])
        if spec is not None:
            found[root] = str(spec.origin or list(spec.submodule_search_locations or []))
    return found


def _is_ours(module: Any) -> bool:
    finder = _finder[0]
    return finder is not None and module.__name__ in finder.served


def installed() -> bool:
    """Whether ``Axon``/``Kamaelia`` names currently resolve to kamaelia_core."""
    return _finder[0] is not None


def install(force: bool = False) -> bool:
    """Make ``import Axon...`` / ``import Kamaelia...`` resolve to kamaelia_core.

    Installing twice is harmless. When a real Axon or Kamaelia is installed, it is used instead
    (logged as a warning) unless ``force`` is set; mixing a real Axon with this Kamaelia, or the
    other way round, would not work, so either both names are served here or neither.

    Args:
        force: Serve the names here even when a real installation exists.

    Returns:
        True when the names now resolve to kamaelia_core, False when a real installation is
        left in charge.

    Raises:
        CompatConflict: ``force`` was given but a real Axon or Kamaelia is already imported.
    """
    if _finder[0] is not None:
        return True
    real = real_installation()
    if real and not force:
        where = "; ".join(f"{name} at {place}" for name, place in real.items())
        log.warning(
            "a real installation is used for Axon/Kamaelia programs (%s); force the "
            "kamaelia_core compat layer with install(force=True) or kamaelia-run --force-compat",
            where,
        )
        return False
    imported = sorted(name for name in sys.modules if name.split(".")[0] in ROOTS)
    if imported:
        raise CompatConflict(
            f"a real {imported[0].split('.')[0]} is already imported ({', '.join(imported[:3])}"
            "...): install the compat layer before the program imports it"
        )
    finder = CompatFinder()
    sys.meta_path.insert(0, finder)
    _finder[0] = finder
    if real:
        log.warning("the kamaelia_core compat layer shadows the real %s", ", ".join(real))
    else:
        log.info("Axon and Kamaelia programs run on kamaelia_core (compat layer installed)")
    return True


def uninstall() -> None:
    """Remove the hook, forget the modules it served and retire Axon's process scheduler.

    Components still running on that scheduler are stopped. Meant for tests and hosts that run
    several programs in one process.
    """
    finder = _finder[0]
    if finder is None:
        return
    _finder[0] = None
    if finder in sys.meta_path:
        sys.meta_path.remove(finder)
    for name in finder.served:
        module = sys.modules.get(name)
        if module is not None and name in ALL_NAMES:
            del sys.modules[name]
    sched_module = sys.modules.get("kamaelia_core.compat.axon.scheduler")
    if sched_module is not None:
        sched_module.retire_process_scheduler()


def process_scheduler() -> Scheduler | None:
    """Axon's process-wide scheduler (``scheduler.run``) if it exists yet, else None."""
    sched_module = sys.modules.get("kamaelia_core.compat.axon.scheduler")
    return None if sched_module is None else sched_module._process[0]


def run_program(
    path: str | PathLike[str],
    argv: Sequence[str] = (),
    *,
    force: bool = False,
    on_scheduler: Callable[[Scheduler], None] | None = None,
) -> int:
    """Run a Python program as ``__main__`` with the compat layer installed (see ``runner``)."""
    from kamaelia_core.compat.runner import run_program as run

    return run(path, argv, force=force, on_scheduler=on_scheduler)


__all__ = [
    "CompatConflict",
    "install",
    "installed",
    "process_scheduler",
    "real_installation",
    "run_program",
    "uninstall",
]
