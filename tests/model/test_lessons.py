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


GUIDED = """---
title: Guided
---
# Guided

Read this first.

## Steps

1. Press **Run**
   (the green triangle).
   - check: run-started
   - check: listening
   - hint: It is in the toolbar.
     F5 works too.
   - show: run

2. Open traffic.
   - check: connections-accepted 2

Well done.

## More

After the steps.
"""


def test_steps_are_read_with_their_checks_hints_and_lines(tmp_path: Path):
    path = tmp_path / "guided.md"
    path.write_text(GUIDED)
    lesson = parse_lesson(path, examples=tmp_path)
    assert lesson.key == "guided"
    assert lesson.intro == "# Guided\n\nRead this first.\n"
    assert lesson.outro == "Well done.\n\n## More\n\nAfter the steps.\n"
    first, second = lesson.steps
    assert first.text == "Press **Run**\n(the green triangle)."
    assert [c.source for c in first.checks] == ["run-started", "listening"]
    assert first.hint == "It is in the toolbar.\nF5 works too."
    assert first.show == "run"
    assert first.line == GUIDED.splitlines().index("1. Press **Run**") + 1
    assert second.checks[0].count == 2 and second.hint == "" and second.show == ""
    assert lesson.body.startswith("# Guided") and "## Steps" in lesson.body


def _bad(tmp_path: Path, steps: str) -> str:
    path = tmp_path / "bad.md"
    path.write_text(f"---\ntitle: T\n---\n# T\n\n## Steps\n\n{steps}")
    with pytest.raises(LessonError) as info:
        parse_lesson(path, examples=tmp_path)
    return str(info.value)


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ("1. Run it.\n   - check: run-startd\n", "bad.md:9: unknown check 'run-startd'; did you"),
        ("1. Run it.\n   - check: delivered\n", "bad.md:9: delivered needs a message type"),
        ("1. Run it.\n\n2. Then this.\n   - check: listening\n", "bad.md:8: step 1 ('Run it."),
        ("1. Run it.\n   - chek: run-started\n", "bad.md:9: 'chek': did you mean '- check:'?"),
        ("1. Run.\n   - check: listening\n   - show: teapot\n", "nothing called 'teapot'"),
        ("1. Run.\n   - check: listening\n   - show: run\n   - show: stop\n", "shows one thing"),
        ("1. Run.\n   - check: listening\n   more words\n", "bad.md:10: text after a '- check:'"),
        ("Just prose.\n", "bad.md:6: '## Steps' holds no numbered steps"),
        ("1. A.\n   - check: listening\n\n## Steps\n", "bad.md:11: a lesson has one"),
    ],
)
def test_bad_steps_name_the_file_and_line(tmp_path: Path, steps: str, message: str):
    assert message in _bad(tmp_path, steps)


def test_other_sub_bullets_are_part_of_the_step_text(tmp_path: Path):
    path = tmp_path / "list.md"
    path.write_text(
        "---\ntitle: T\n---\n# T\n\n## Steps\n\n1. Look at:\n   - the inbox\n"
        "   - the outbox\n   - check: run-started\n"
    )
    (only,) = parse_lesson(path, examples=tmp_path).steps
    assert only.text == "Look at:\n- the inbox\n- the outbox"


def test_every_shipped_lesson_is_guided_and_opens_its_graph_first():
    for lesson in load_lessons():
        assert lesson.steps, lesson.key
        assert lesson.steps[0].checks[0].name == "graph-loaded", lesson.key
        assert "## Steps" not in lesson.intro and lesson.intro.startswith("# ")
        assert all(step.text and step.checks for step in lesson.steps)
    keys = [lesson.key for lesson in load_lessons()]
    assert len(keys) == 6 and keys[-1] == "06-write-your-own-component"


def test_docs_list_every_check_and_show_target():
    from tests.model.helpers import ROOT
    from workbench.model.lesson_steps import CHECKS, SHOW_TARGETS

    text = (ROOT / "docs" / "LESSONS.md").read_text(encoding="utf-8")
    for name, kind in CHECKS.items():
        assert f"| `{name}{' ' + kind.usage if kind.usage else ''}` |" in text, name
    for target in SHOW_TARGETS:
        assert f"`{target}`" in text, target
