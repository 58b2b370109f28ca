"""Lessons: short guided tours of the component model, each tied to an example graph.

Sits beside the document model: a lesson is a Markdown file among the shipped lessons
(``assets/lessons`` in the repository, found through :mod:`workbench.resources`) with a small
front matter naming its title and the example graph it opens, and a "## Steps" section: a
numbered list whose items say what to do, with ``- check:`` lines saying how the app notices it
is done (the vocabulary of :mod:`workbench.model.lesson_steps`), ``- hint:`` for "Show me" and
``- show:`` for what it points at. docs/LESSONS.md describes the format for teachers. The Qt
lessons panel walks through the steps; tests check that every lesson's graph exists.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from workbench.model.lesson_steps import SHOW_TARGETS, Check, CheckError, Step, parse_check
from workbench.resources import examples_dir, lessons_dir

_FRONT = re.compile(r"\A---\n(?P<head>.*?)\n---\n(?P<body>.*)\Z", re.S)
_STEPS_HEADING = re.compile(r"^##\s+Steps\s*$", re.I)
_HEADING = re.compile(r"^#{1,2}\s")
_ITEM = re.compile(r"^ {0,3}(\d+)[.)]\s+(.*)$")
_KEY = re.compile(r"^\s+[-*+]\s+([A-Za-z][\w-]*):\s*(.*)$")
STEP_KEYS = ("check", "hint", "show")


class LessonError(ValueError):
    """A lesson file that cannot be read; the message names the file and what is wrong."""


@dataclass(frozen=True)
class Lesson:
    """One lesson.

    Attributes:
        path: The Markdown file.
        title: Its title (front matter ``title:``).
        graph: The example graph it opens (an absolute path), or None.
        body: The Markdown text after the front matter.
        intro: The text before the steps (all of ``body`` when there are none).
        steps: The guided steps, in order.
        outro: The text after the steps.
    """

    path: Path
    title: str
    graph: Path | None
    body: str
    intro: str = ""
    steps: tuple[Step, ...] = field(default=())
    outro: str = ""

    @property
    def key(self) -> str:
        """A stable name for remembering progress: the file name without ``.md``."""
        return self.path.stem


def parse_lesson(path: Path, examples: Path | None = None) -> Lesson:
    """Read one lesson file.

    Args:
        path: The Markdown file.
        examples: Where its graph is looked for (the shipped examples when None).

    Raises:
        LessonError: No front matter, no title, a malformed line, or a graph that does not exist.
    """
    examples = examples_dir() if examples is None else examples
    text = path.read_text(encoding="utf-8")
    match = _FRONT.match(text)
    if match is None:
        raise LessonError(f"{path}: a lesson starts with '---', 'title: ...', '---'")
    fields: dict[str, str] = {}
    for number, line in enumerate(match.group("head").splitlines(), 2):
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise LessonError(f"{path}:{number}: expected 'key: value', got {line!r}")
        fields[key.strip()] = value.strip()
    title = fields.get("title")
    if not title:
        raise LessonError(f"{path}: the front matter has no 'title:'")
    graph = None
    if fields.get("graph"):
        graph = examples / fields["graph"]
        if not graph.is_file():
            raise LessonError(f"{path}: its graph {fields['graph']!r} is not in {examples}")
    body = match.group("body")
    first_line = match.group("head").count("\n") + 4  # both '---' lines and the head
    intro, steps, outro = parse_steps(body, path, first_line)
    return Lesson(path, title, graph, body.strip() + "\n", intro, steps, outro)


def parse_steps(body: str, path: Path, first_line: int = 1) -> tuple[str, tuple[Step, ...], str]:
    """Split a lesson's body into the text before its steps, the steps and the text after.

    Args:
        body: The Markdown after the front matter.
        path: The file (named in errors).
        first_line: The file's line number of the body's first line.

    Raises:
        LessonError: A second "## Steps", a section without steps, a step without a check, an
            unknown check or show target (each names the file and line).
    """
    lines = body.split("\n")
    starts = [i for i, line in enumerate(lines) if _STEPS_HEADING.match(line)]
    if not starts:
        return body.strip() + "\n", (), ""
    if len(starts) > 1:
        raise LessonError(f"{path}:{first_line + starts[1]}: a lesson has one '## Steps' section")
    start = starts[0]
    end = next((i for i in range(start + 1, len(lines)) if _HEADING.match(lines[i])), len(lines))
    intro = lines[:start]
    reader = _StepReader(path, first_line)
    rest = reader.read(lines[start + 1 : end], start + 1, intro)
    if not reader.steps:
        raise LessonError(
            f"{path}:{first_line + start}: '## Steps' holds no numbered steps ('1. Press Run', "
            "then '   - check: run-started')"
        )
    outro = "\n".join(rest + lines[end:]).strip()
    return "\n".join(intro).strip() + "\n", tuple(reader.steps), outro + "\n" if outro else ""


class _StepReader:
    """Reads the numbered items of a "## Steps" section into steps."""

    def __init__(self, path: Path, first_line: int) -> None:
        self.path = path
        self.first_line = first_line
        self.steps: list[Step] = []
        self._item: dict | None = None

    def _where(self, index: int) -> str:
        return f"{self.path}:{self.first_line + index}"

    def read(self, lines: list[str], offset: int, intro: list[str]) -> list[str]:
        """Take the steps from ``lines`` (body lines from ``offset``); returns what follows
        the list (the outro's start). Text before the first step joins ``intro``."""
        for n, line in enumerate(lines):
            index = offset + n
            item = _ITEM.match(line)
            if item:
                self._finish()
                self._item = {"line": index, "text": [item.group(2)], "checks": [],
                              "hint": [], "show": "", "last": "text"}  # fmt: skip
                continue
            if self._item is None:
                intro.append(line)
                continue
            if line.strip() and not line[:1].isspace():  # the list is over
                self._finish()
                return lines[n:]
            self._line(line, index)
        self._finish()
        return []

    def _line(self, line: str, index: int) -> None:
        item = self._item
        assert item is not None
        key = _KEY.match(line)
        name = key.group(1).lower() if key else ""
        if key and name not in STEP_KEYS:
            close = difflib.get_close_matches(name, STEP_KEYS, n=1, cutoff=0.7)
            if close:
                raise LessonError(f"{self._where(index)}: {name!r}: did you mean '- {close[0]}:'?")
            key = None
        if key is None:
            last = item["last"]  # "text" or "hint" take more lines; "check"/"show" do not
            if last in ("text", "hint"):
                item[last].append(line.strip())  # a blank line keeps a paragraph break
            elif line.strip():
                raise LessonError(
                    f"{self._where(index)}: text after a '- {last}:' line; put the step's "
                    "text above its checks, or continue a '- hint:'"
                )
            return
        value = key.group(2).strip()
        if name == "check":
            try:
                item["checks"].append((parse_check(value), index))
            except CheckError as exc:
                raise LessonError(f"{self._where(index)}: {exc}") from None
            item["last"] = "check"
        elif name == "hint":
            item["hint"].append(value)
            item["last"] = "hint"
        else:
            if value not in SHOW_TARGETS:
                raise LessonError(
                    f"{self._where(index)}: nothing called {value!r} to show (one of: "
                    f"{', '.join(SHOW_TARGETS)})"
                )
            if item["show"]:
                raise LessonError(f"{self._where(index)}: a step shows one thing")
            item["show"] = value
            item["last"] = "show"

    def _finish(self) -> None:
        item, self._item = self._item, None
        if item is None:
            return
        text = "\n".join(item["text"]).strip()
        if not item["checks"]:
            raise LessonError(
                f"{self._where(item['line'])}: step {len(self.steps) + 1} ({text[:40]!r}) has "
                "no '- check:' line saying how the app notices it is done"
            )
        checks: tuple[Check, ...] = tuple(c for c, _ in item["checks"])
        hint = "\n".join(item["hint"]).strip()
        self.steps.append(Step(text, checks, hint, item["show"], self.first_line + item["line"]))


def load_lessons(folder: Path | None = None, examples: Path | None = None) -> list[Lesson]:
    """Every ``*.md`` lesson in ``folder`` (the shipped lessons when None), in file-name order.

    Raises:
        LessonError: A lesson file is malformed (the message names it).
    """
    folder = lessons_dir() if folder is None else folder
    return [parse_lesson(path, examples) for path in sorted(folder.glob("*.md"))]
