"""Lessons: short guided tours of the component model, each tied to an example graph.

Sits beside the document model: a lesson is a Markdown file among the shipped lessons
(``assets/lessons`` in the repository, found through :mod:`workbench.resources`) with a small
front matter naming its title and the example graph it opens. The Qt lessons panel lists them;
tests check that every lesson's graph exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from workbench.resources import examples_dir, lessons_dir

_FRONT = re.compile(r"\A---\n(?P<head>.*?)\n---\n(?P<body>.*)\Z", re.S)


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
    """

    path: Path
    title: str
    graph: Path | None
    body: str


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
    return Lesson(path, title, graph, match.group("body").strip() + "\n")


def load_lessons(folder: Path | None = None, examples: Path | None = None) -> list[Lesson]:
    """Every ``*.md`` lesson in ``folder`` (the shipped lessons when None), in file-name order.

    Raises:
        LessonError: A lesson file is malformed (the message names it).
    """
    folder = lessons_dir() if folder is None else folder
    return [parse_lesson(path, examples) for path in sorted(folder.glob("*.md"))]
