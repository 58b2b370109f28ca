"""The user's own component files: loaded into the catalog safely, reloaded in place (no Qt)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from workbench.model import Catalog, Graph
from workbench.runtime.session import Session
from workbench.runtime.user_components import (
    CATEGORY,
    TEMPLATE,
    TEMPLATE_NAME,
    UserComponents,
    module_name,
)

SHOUT = "my_components.my_component.Shout"

TWO = '''\
from kamaelia_core import Component


class Left(Component):
    """Goes left."""


class Right(Component):
    """Goes right."""


class _Helper(Component):
    """Not for the palette."""


class NotAComponent:
    pass
'''


@pytest.fixture
def catalog() -> Catalog:
    return Catalog.discover()


@pytest.fixture
def mine(catalog, tmp_path):
    yield UserComponents(catalog, tmp_path / "components")
    for name in [m for m in sys.modules if m.startswith("my_components.")]:
        del sys.modules[name]


def test_the_template_is_written_once_and_loads_under_my_components(mine, catalog, tmp_path):
    assert mine.files() == []
    path = mine.ensure_template()
    assert path == tmp_path / "components" / TEMPLATE_NAME
    assert path.read_text() == TEMPLATE
    path.write_text(TEMPLATE + "\n# mine now\n")
    assert mine.ensure_template() == path and "mine now" in path.read_text()  # not rewritten
    seen = []
    mine.subscribe(seen.append)
    (result,) = mine.reload()
    assert result.ok and result.classes == [SHOUT] and seen == [[result]]
    spec = catalog.get(SHOUT)
    assert spec.category == CATEGORY and spec.name == "Shout"
    assert spec.inboxes["inbox"] == "text to shout"
    assert spec.param("suffix").default == "!" and spec.param("suffix").doc
    assert SHOUT in [s.id for s in catalog.in_category(CATEGORY)]
    assert mine.class_count() == 1 and "classes=1" in repr(mine)


def test_the_template_component_runs_in_a_graph(mine, catalog):
    mine.ensure_template()
    mine.reload()
    graph = Graph()
    words = graph.add_node(
        "kamaelia_core.util.sources.DataSource", name="words", params={"messages": ["a", "b"]}
    )
    shout = graph.add_node(SHOUT, name="shout", params={"suffix": "?"})
    results = graph.add_node("kamaelia_core.util.collector.Collector", name="results")
    for (a, box_a), (b, box_b) in (((words, "outbox"), (shout, "inbox")),
                                   ((words, "signal"), (shout, "control")),
                                   ((shout, "outbox"), (results, "inbox")),
                                   ((shout, "signal"), (results, "control"))):  # fmt: skip
        graph.add_link((a.id, box_a), (b.id, box_b))
    session = Session(graph, catalog)
    built = session.start()
    try:
        session.run_for(5.0)
    finally:
        session.stop()
    assert session.finished
    assert built.by_node[results.id].collected == ["A?", "B?"]


def test_a_syntax_error_names_its_line_and_keeps_the_last_good_version(mine, catalog):
    path = mine.ensure_template()
    mine.reload()
    good = catalog.resolve_class(SHOUT)
    path.write_text(TEMPLATE.replace("def main(self):", "def main(self)"))
    (result,) = mine.reload()
    line = TEMPLATE.splitlines().index("    def main(self):") + 1
    assert not result.ok and result.line == line and result.classes == []
    assert result.error == f"my_component.py, line {line}: SyntaxError: expected ':'"
    assert catalog.resolve_class(SHOUT) is good  # the palette keeps what worked
    assert mine.results[path] is result and mine.loaded[path].ok


@pytest.mark.parametrize(
    ("source", "message", "line"),
    [
        ("x = 1\nraise RuntimeError('at import')\n", "RuntimeError: at import", 2),
        ("import sys\n\nsys.exit(3)\n", "SystemExit: 3", 3),
        ("def f():\n    return 1 / 0\n\nf()\n", "ZeroDivisionError: division by zero", 2),
        ("import no_such_module_here\n", "ModuleNotFoundError: No module named", 1),
        ("VALUE = 1\n", "defines no component (a class deriving from kamaelia_core", None),
    ],
)
def test_failures_at_import_are_reported_and_leave_nothing_behind(
    mine, catalog, source, message, line
):
    path = mine.folder / "broken.py"
    mine.folder.mkdir(parents=True)
    path.write_text(source)
    before = set(catalog.ids())
    (result,) = mine.reload()
    assert not result.ok and message in result.error and result.error.startswith("broken.py")
    assert result.line == line
    assert set(catalog.ids()) == before
    assert module_name(path) not in sys.modules


def test_reload_replaces_classes_in_place_and_retires_the_ones_gone(mine, catalog):
    path = mine.folder / "pair.py"
    mine.folder.mkdir(parents=True)
    path.write_text(TWO)
    changed = []
    catalog.subscribe(changed.append)
    (first,) = mine.reload()
    assert first.classes == ["my_components.pair.Left", "my_components.pair.Right"]
    assert changed == [["my_components.pair.Left"], ["my_components.pair.Right"]]
    old_left = catalog.resolve_class("my_components.pair.Left")
    graph = Graph()
    node = graph.add_node("my_components.pair.Right", name="r")
    path.write_text(TWO.replace('    """Goes left."""', '    """Goes left, now."""').replace(
        "class Right(Component):", "class Upright(Component):"))  # fmt: skip
    (second,) = mine.reload()
    assert second.classes == ["my_components.pair.Left", "my_components.pair.Upright"]
    assert second.retired == ["my_components.pair.Right"]
    assert catalog.resolve_class("my_components.pair.Left") is not old_left
    assert catalog.get("my_components.pair.Left").summary == "Goes left, now."
    assert catalog.is_retired("my_components.pair.Right")
    assert "my_components.pair.Right" not in catalog.ids()  # out of the palette ...
    assert catalog.resolve_class(node.component).__name__ == "Right"  # ... the graph still builds
    path.write_text(TWO)
    mine.reload()
    assert not catalog.is_retired("my_components.pair.Right")  # defined again: listed again


def test_chosen_files_are_loaded_too_with_distinct_module_names(mine, catalog, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "my_component.py").write_text(TWO)
    mine.ensure_template()
    chosen = mine.add_file(elsewhere / "my_component.py")
    assert mine.add_file(chosen) == chosen and mine.extra == [chosen]
    results = mine.reload()
    assert [r.module for r in results] == ["my_components.my_component",
                                           "my_components.my_component_2"]  # fmt: skip
    assert "my_components.my_component_2.Left" in catalog.ids() and SHOUT in catalog.ids()
    with pytest.raises(ValueError, match=r"notes.txt: components are Python files"):
        mine.add_file(tmp_path / "notes.txt")


def test_a_file_that_cannot_be_read_is_reported(mine, tmp_path):
    mine.folder.mkdir(parents=True)
    path = mine.folder / "binary.py"
    path.write_bytes(b"\xff\xfe\x00")
    (result,) = mine.reload()
    assert result.error.startswith("binary.py: cannot be read")
    assert mine.reload([tmp_path / "missing.py"])[0].error.startswith("missing.py: cannot be")


def test_module_names_are_identifiers():
    assert module_name(Path("my-shout.py")) == "my_components.my_shout"
    assert module_name(Path("2nd.py")) == "my_components._2nd"


HANGS = """\
from kamaelia_core import Component

while True:  # a loop at import time: in the window this would freeze it
    pass
"""

EXITS = """\
import os

os._exit(3)  # would take the whole workbench down if imported there
"""


def test_a_file_that_hangs_at_import_is_reported_and_the_others_still_load(catalog, tmp_path):
    folder = tmp_path / "components"
    folder.mkdir()
    (folder / "a_hangs.py").write_text(HANGS)
    (folder / "b_two.py").write_text(TWO)
    mine = UserComponents(catalog, folder, probe_seconds=1.0)
    try:
        hangs, two = mine.reload()
    finally:
        for name in [m for m in sys.modules if m.startswith("my_components.")]:
            del sys.modules[name]
    assert not hangs.ok and "did not finish importing within 1 s" in hangs.error
    assert hangs.error.startswith("a_hangs.py:") and hangs.classes == []
    assert two.ok and sorted(two.classes) == [
        "my_components.b_two.Left",
        "my_components.b_two.Right",
    ]
    assert "my_components.a_hangs" not in sys.modules


def test_a_file_that_ends_its_interpreter_is_reported_not_imported(mine, catalog):
    mine.folder.mkdir(parents=True)
    path = mine.folder / "exits.py"
    path.write_text(EXITS)
    (result,) = mine.reload()  # this test process is still here: it was never imported
    assert not result.ok
    assert result.error == (
        "exits.py: running it ended the Python interpreter (exit status 3); not loaded"
    )
    path.write_text(TWO)  # fixed: the next reload takes it
    (fixed,) = mine.reload()
    assert fixed.ok and len(fixed.classes) == 2


def test_the_probe_ignores_what_the_file_prints_and_what_it_raises(tmp_path):
    from workbench.runtime.import_probe import probe

    noisy = tmp_path / "noisy.py"
    noisy.write_text('print("done", "start", "x")\nprint("abc start /etc/passwd")\n')
    raises = tmp_path / "raises.py"
    raises.write_text("raise RuntimeError('at import')\n")
    assert probe([noisy, raises], limit=5.0) == {}  # raising is the real load's to report
