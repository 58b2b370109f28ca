"""Finds the files the workbench ships (icons, styles, lessons, example graphs) wherever it runs.

Sits under everything that reads a shipped file: the theme (icons, style sheet), the lessons, the
command lines (``--example``, ``--list-examples``) and the tests. The repository keeps them in
the top-level ``assets/`` folder; ``pyproject.toml`` maps that folder to the resource package
``workbench.assets``, so a wheel installs them inside the package and an editable install finds
them in the checkout. Lookups go through :mod:`importlib.resources`, never through a path
relative to this file.
"""

from __future__ import annotations

import difflib
from importlib import resources
from pathlib import Path

ASSETS_PACKAGE = "workbench.assets"
EXAMPLE_SUFFIX = ".kgraph.json"


class AssetError(LookupError):
    """A shipped file is missing, or the assets package is not installed; the message says how."""


class UnknownExampleError(AssetError):
    """An example name that is not shipped; the message lists the examples there are."""


def assets_dir() -> Path:
    """The folder holding the shipped assets (inside the installed package).

    Raises:
        AssetError: ``workbench.assets`` cannot be imported (the project is not installed), or
            it is not a folder on disk (a zipped install, which the workbench does not support).
    """
    try:
        root = resources.files(ASSETS_PACKAGE)
    except ModuleNotFoundError:
        raise AssetError(
            f"the workbench's assets ({ASSETS_PACKAGE}) are not installed: install the project "
            "(pip install . or pip install -e .)"
        ) from None
    if not isinstance(root, Path):
        raise AssetError(f"the workbench's assets must be files on disk, not {root!r}")
    return root


def asset(*parts: str) -> Path:
    """The shipped file ``parts`` (e.g. ``asset("icons", "run.svg")``).

    Raises:
        AssetError: no such file was shipped (the message names it).
    """
    path = assets_dir().joinpath(*parts)
    if not path.is_file():
        raise AssetError(f"{'/'.join(parts)} is not among the workbench's shipped files")
    return path


def lessons_dir() -> Path:
    """The folder of the shipped lessons (``*.md``)."""
    return assets_dir() / "lessons"


def examples_dir() -> Path:
    """The folder of the shipped example graphs and programs."""
    return assets_dir() / "examples"


def example_names() -> list[str]:
    """The names of the shipped example graphs (file names without ``.kgraph.json``), sorted."""
    return sorted(
        path.name.removesuffix(EXAMPLE_SUFFIX) for path in examples_dir().glob(f"*{EXAMPLE_SUFFIX}")
    )


def example_path(name: str) -> Path:
    """The shipped example graph called ``name`` ("echo_server" or "echo_server.kgraph.json").

    Raises:
        UnknownExampleError: no example has that name; the message lists those there are.
    """
    stem = name.removesuffix(EXAMPLE_SUFFIX)
    path = examples_dir() / f"{stem}{EXAMPLE_SUFFIX}"
    if stem and "/" not in stem and "\\" not in stem and path.is_file():
        return path
    names = example_names()
    close = difflib.get_close_matches(stem, names, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise UnknownExampleError(
        f"no example called {name!r}{hint} (the examples: {', '.join(names) or 'none'})"
    )
