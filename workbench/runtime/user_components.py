"""My components: Python files the user writes, imported safely into the catalog's palette.

Sits before the catalog, beside the installed entry points: it reads the ``*.py`` files of the
user's components folder (and any file the user pointed at), imports each as the module
``my_components.<file stem>``, and catalogues the ``kamaelia_core.Component`` subclasses it
defines under the palette category "My components", with ids such as
``my_components.shout.Shout``. A syntax error or an exception raised while the file runs is
reported with its line and never leaves a half-loaded module behind: the previous version of
that file stays in force. Reloading replaces the classes under the same ids, so graphs already
open keep their nodes and build the new version on their next run; a class the file no longer
defines is retired (still resolved for graphs that use it, gone from the palette).

Importing runs the user's own code in this process, as a Python prompt would: only files the
user put in that folder or chose are read, never one named by a graph file. Each load first
runs the files in a throwaway Python with a time limit (``import_probe``), so a file that loops
at import time or ends its interpreter is reported instead of freezing or killing the window.
"""

from __future__ import annotations

import logging
import re
import sys
import traceback
import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kamaelia_core.component import Component
from workbench.model.catalog import Catalog, class_id
from workbench.model.observers import Observers
from workbench.runtime.import_probe import PROBE_SECONDS, probe

log = logging.getLogger(__name__)

MODULE_PREFIX = "my_components"
CATEGORY = "My components"
TEMPLATE_NAME = "my_component.py"
TEMPLATE = '''\
"""My first component: shouts every line it is given."""

from kamaelia_core import Component, producerFinished, shutdownMicroprocess


class Shout(Component):
    """Turns each message into capitals and sends it on; passes shutdown messages on.

    Args:
        suffix: Added to the end of every message.
    """

    Inboxes = {"inbox": "text to shout", "control": "producerFinished ends it"}
    Outboxes = {"outbox": "the shouted text", "signal": "the shutdown message, passed on"}

    def __init__(self, suffix: str = "!") -> None:
        super().__init__()
        self.suffix = suffix

    def main(self):
        while True:
            while self.dataReady("inbox"):
                text = str(self.recv("inbox"))
                self.send(text.upper() + self.suffix, "outbox")
            if self.dataReady("control"):
                message = self.recv("control")
                if isinstance(message, (producerFinished, shutdownMicroprocess)):
                    self.send(message, "signal")
                    return
            self.pause()
            yield 1
'''
"""The component a new folder starts with (lesson 6 edits it)."""


@dataclass
class LoadResult:
    """What loading one file gave.

    Attributes:
        path: The file.
        module: The module name it was imported as.
        classes: Catalog ids of the component classes it defines (empty when it failed).
        retired: Ids its previous version defined and this one does not.
        error: What went wrong, for people ("shout.py, line 12: SyntaxError: ..."), or "".
        line: The line of the file the error is on, when known.
    """

    path: Path
    module: str
    classes: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    error: str = ""
    line: int | None = None

    @property
    def ok(self) -> bool:
        """Loaded without an error."""
        return not self.error


def module_name(path: Path) -> str:
    """``my_components.<stem>``, the stem made a Python identifier ("my-shout" -> "my_shout")."""
    stem = re.sub(r"\W", "_", path.stem) or "component"
    if stem[0].isdigit():
        stem = "_" + stem
    return f"{MODULE_PREFIX}.{stem}"


class UserComponents:
    """The user's component files and what their last load put in the catalog.

    Args:
        catalog: Where the classes go.
        folder: The user's components folder (created on demand, see :meth:`ensure_template`).
        files: Files outside the folder the user pointed at.
        probe_seconds: How long a file's module-level code may run before it is called stuck.
    """

    def __init__(
        self,
        catalog: Catalog,
        folder: Path,
        files: Iterable[Path] = (),
        probe_seconds: float = PROBE_SECONDS,
    ) -> None:
        self.catalog = catalog
        self.probe_seconds = probe_seconds
        """How long a file's module-level code may run in the probe (see ``reload``)."""
        self.folder = Path(folder)
        self.extra: list[Path] = []
        for path in files:
            self.add_file(path)
        self.loaded: dict[Path, LoadResult] = {}
        """The last good load of each file (what is in the catalog)."""
        self.results: dict[Path, LoadResult] = {}
        """The last load of each file, good or not (what the editor reports)."""
        self._modules: dict[Path, str] = {}
        self._observers: Observers[[list[LoadResult]]] = Observers("user components observer")

    def __repr__(self) -> str:
        classes = sum(len(r.classes) for r in self.loaded.values())
        return f"<UserComponents {self.folder} files={len(self.files())} classes={classes}>"

    def subscribe(self, callback: Callable[[list[LoadResult]], None]) -> Callable[[], None]:
        """Call ``callback(results)`` after each (re)load; returns an unsubscribe function."""
        return self._observers.subscribe(callback)

    def files(self) -> list[Path]:
        """The folder's ``*.py`` files (sorted), then the files the user pointed at."""
        mine = sorted(self.folder.glob("*.py")) if self.folder.is_dir() else []
        return mine + [p for p in self.extra if p not in mine]

    def add_file(self, path: Path) -> Path:
        """Also load ``path`` (a ``.py`` file the user chose); returns it resolved.

        Raises:
            ValueError: Not a ``.py`` file.
        """
        path = Path(path).resolve()
        if path.suffix != ".py":
            raise ValueError(f"{path.name}: components are Python files (*.py)")
        if path not in self.extra:
            self.extra.append(path)
        return path

    def ensure_template(self) -> Path:
        """The folder's first file, writing the template there when the folder has none.

        Raises:
            OSError: The folder cannot be made or written.
        """
        existing = sorted(self.folder.glob("*.py")) if self.folder.is_dir() else []
        if existing:
            return existing[0]
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / TEMPLATE_NAME
        path.write_text(TEMPLATE, encoding="utf-8")
        return path

    def reload(self, paths: Iterable[Path] | None = None) -> list[LoadResult]:
        """(Re)load ``paths`` (every file when None) and announce the results.

        Each file's module-level code is first run in a throwaway Python
        (``workbench.runtime.import_probe``): one that hangs or ends its interpreter is
        reported and not imported here, so the window neither freezes nor dies.
        """
        wanted = [Path(p) for p in (self.files() if paths is None else paths)]
        readable = [p for p in wanted if p.is_file()]
        problems = probe(readable, self.probe_seconds) if readable else {}
        results = []
        for path in wanted:
            if path in problems:
                result = LoadResult(path, self._name_for(path), error=problems[path])
                log.warning("not loading %s: %s", path, result.error)
                results.append(self._fail(result))
            else:
                results.append(self._load(path))
        self._observers.notify(results)
        return results

    def _name_for(self, path: Path) -> str:
        known = self._modules.get(path)
        if known is not None:
            return known
        base = name = module_name(path)
        taken = set(self._modules.values())
        n = 2
        while name in taken:
            name, n = f"{base}_{n}", n + 1
        self._modules[path] = name
        return name

    def _load(self, path: Path) -> LoadResult:
        name = self._name_for(path)
        result = LoadResult(path, name)
        previous = self.loaded.get(path)
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            result.error = f"{path.name}: cannot be read ({exc})"
            return self._fail(result)
        try:
            code = compile(source, str(path), "exec")
        except SyntaxError as exc:  # the user's typo: say where, keep the last good version
            result.line = exc.lineno
            where = f", line {exc.lineno}" if exc.lineno else ""
            result.error = f"{path.name}{where}: {type(exc).__name__}: {exc.msg}"
            return self._fail(result)
        module = types.ModuleType(name)
        module.__file__ = str(path)
        old_module = sys.modules.get(name)
        sys.modules[name] = module  # dataclasses and typing look their module up while it runs
        try:
            exec(code, module.__dict__)
        except (Exception, SystemExit) as exc:  # user code at import: report, never take us down
            self._restore(name, old_module)
            result.line = _line_in(exc, path)
            where = f", line {result.line}" if result.line else ""
            result.error = f"{path.name}{where}: {type(exc).__name__}: {exc}"
            log.info("loading %s failed: %s", path, result.error)
            return self._fail(result)
        classes = [
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, Component)
            and value.__module__ == name
            and not value.__name__.startswith("_")
        ]
        if not classes:
            self._restore(name, old_module)
            result.error = (
                f"{path.name}: defines no component (a class deriving from kamaelia_core.Component)"
            )
            return self._fail(result)
        for cls in classes:
            try:
                self.catalog.add(cls, category=CATEGORY, replace_existing=True)
            except (TypeError, ValueError) as exc:
                result.error = f"{path.name}: {cls.__name__} cannot be catalogued: {exc}"
                return self._fail(result)
            result.classes.append(class_id(cls))
        for old in previous.classes if previous is not None else []:
            if old not in result.classes:
                self.catalog.retire(old)
                result.retired.append(old)
        self.loaded[path] = self.results[path] = result
        return result

    def _fail(self, result: LoadResult) -> LoadResult:
        """A failed load: reported; the previous good version (if any) stays in the catalog."""
        result.classes = []
        self.results[result.path] = result
        return result

    @staticmethod
    def _restore(name: str, old_module: types.ModuleType | None) -> None:
        if old_module is not None:
            sys.modules[name] = old_module
        else:
            sys.modules.pop(name, None)

    def class_count(self) -> int:
        """Component classes the files' last good loads put in the catalog."""
        return sum(len(r.classes) for r in self.loaded.values())


def _line_in(exc: BaseException, path: Path) -> int | None:
    """The line of ``path`` where ``exc`` was raised (its deepest frame in that file)."""
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == str(path):
            line = frame.lineno
    return line
