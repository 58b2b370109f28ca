"""Lessons: every shipped lesson parses and opens an example that loads; bad files are named."""

from pathlib import Path

import pytest

from workbench.model.catalog import Catalog
from workbench.model.io import load
from workbench.model.lessons import LessonError, load_lessons, parse_lesson


def test_shipped_lessons_parse_in_order_and_their_graphs_load():
    lessons = load_lessons()
    assert len(lessons) >= 5
    assert [lesson.path.name for lesson in lessons] == sorted(
        lesson.path.name for lesson in lessons
    )
    catalog = Catalog.discover()
    for lesson in lessons:
        assert lesson.title and lesson.body.startswith("# ")
        assert lesson.graph is not None
        load(lesson.graph, catalog)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("# no front matter\n", "starts with '---'"),
        ("---\ngraph: x\n---\nbody\n", "no 'title:'"),
        ("---\ntitle: T\nnonsense\n---\nbody\n", ":3: expected 'key: value'"),
        (
            "---\ntitle: T\ngraph: missing.kgraph.json\n---\nbody\n",
            "'missing.kgraph.json' is not in",
        ),
    ],
)
def test_malformed_lessons_are_named(tmp_path: Path, text: str, message: str):
    path = tmp_path / "bad.md"
    path.write_text(text)
    with pytest.raises(LessonError, match=r"bad\.md") as info:
        parse_lesson(path, examples=tmp_path)
    assert message in str(info.value)


def test_a_lesson_without_a_graph_is_fine(tmp_path: Path):
    path = tmp_path / "plain.md"
    path.write_text("---\ntitle: Plain\n---\n# Plain\ntext\n")
    lesson = parse_lesson(path, examples=tmp_path)
    assert (lesson.title, lesson.graph) == ("Plain", None)
