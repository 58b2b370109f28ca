"""Comic strips of a recorded echo run: N captioned panels in time order, in a PNG and an SVG."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from PySide6.QtGui import QColor, QImage

from tests.ui.recordings import record_echo_run
from workbench.model import Catalog
from workbench.ui.comic import ComicError, draw_strip, render_comic
from workbench.ui.theme import DARK, LIGHT

pytestmark = pytest.mark.timeout(60)
SVG = "{http://www.w3.org/2000/svg}"
CLOCK = re.compile(r"^\d+\.\d\d s$")


@pytest.fixture(scope="module")
def recording(tmp_path_factory):
    return record_echo_run(tmp_path_factory.mktemp("rec") / "echo.jsonl")


@pytest.fixture(scope="module")
def catalog():
    return Catalog.discover()


def texts(svg_path):
    root = ET.parse(svg_path).getroot()
    return [el.text.strip() for el in root.iter(f"{SVG}text") if el.text and el.text.strip()]


def differs(a: QColor, b: QColor, tolerance: int = 12) -> bool:
    return max(abs(a.red() - b.red()), abs(a.green() - b.green()),
               abs(a.blue() - b.blue())) > tolerance  # fmt: skip


def drawn_share(image: QImage, cell, background: QColor) -> float:
    """The share of a panel's drawing area that is not bare canvas."""
    x0, y0, w, h = (round(v) for v in cell.getRect())
    samples = [image.pixelColor(x, y) for y in range(y0 + 4, y0 + h - 4, 6)
               for x in range(x0 + 4, x0 + w - 4, 6)]  # fmt: skip
    return sum(differs(c, background) for c in samples) / len(samples)


def test_a_strip_has_n_panels_captioned_in_time_order(qtbot, recording, catalog, tmp_path):
    out, svg = tmp_path / "strip.png", tmp_path / "strip.svg"
    assert render_comic(recording, out, panels=6, columns=3, svg_path=svg, catalog=catalog) == out
    strip = draw_strip(recording, panels=6, columns=3, catalog=catalog)  # the same, laid out
    assert len(strip.moments) == 6
    assert [m.t for m in strip.moments] == sorted(m.t for m in strip.moments)
    words = texts(svg)
    clocks = [float(t.removesuffix(" s")) for t in words if CLOCK.match(t)]
    assert len(clocks) == 6
    assert clocks == sorted(clocks) and clocks[0] == 0.0 and clocks[-1] > 0.3
    assert "echo_server.kgraph.json: 0.00 s to" in " ".join(words)
    assert {"newCSA", "socketShutdown", "shutdownCSA"} & set(words)  # told by the captions
    assert any(" → " in t for t in words)  # the source → sink of an event
    assert sum(1 for t in words if t.startswith("event @")) == 6
    assert {"TCPServer", "ConnectedSocketAdapter", "Selector"} <= set(words)  # live cards
    image = QImage(str(out))
    root = ET.parse(svg).getroot()
    assert root.get("viewBox") == f"0 0 {image.width()} {image.height()}"
    assert not differs(image.pixelColor(3, 3), DARK.window, 2)  # the page
    assert (image.width(), image.height()) == (strip.sheet.size.width(), strip.sheet.size.height())
    cells = [strip.sheet.cell(i) for i in range(6)]
    assert len({c.left() for c in cells}) == 3 and len({c.top() for c in cells}) == 2
    shares = [drawn_share(image, cell, DARK.canvas) for cell in cells]
    assert all(share > 0.03 for share in shares), shares  # every panel has cards in it
    assert shares[2] > shares[0]  # the connections came: more is drawn


def test_a_light_strip_of_a_range_of_a_program_recording(qtbot, catalog, tmp_path):
    program = record_echo_run(tmp_path / "program.jsonl", clients=2, program=True)
    out, svg = tmp_path / "light.png", tmp_path / "light.svg"
    strip = draw_strip(program, "0.05", "@150", panels=4, columns=2, theme="light",
                       catalog=catalog)  # fmt: skip
    strip.write(out)
    strip.write(svg)
    words = set(texts(svg))
    assert {"TCPServer", "Selector"} <= words  # grown from the events
    assert any(t.startswith("ServerCore#") for t in words)
    assert sum(1 for t in words if CLOCK.match(t)) == 4
    assert strip.moments[0].t == 0.05 and strip.moments[-1].index == 150  # @150 happened
    image = QImage(str(out))
    assert not differs(image.pixelColor(3, 3), LIGHT.window, 2)
    shares = [drawn_share(image, strip.sheet.cell(i), LIGHT.canvas) for i in range(4)]
    assert all(share > 0.02 for share in shares), shares


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start": 30.0}, r"30 s is outside the recording \(0 to"),
        ({"end": "@99999"}, "event @99999 is not in the recording"),
        ({"start": "2", "end": "1"}, "outside the recording|empty or backwards"),
        ({"panels": 0}, "a comic strip has 2 to 12 panels, not 0"),
        ({"panels": 4, "columns": 5}, "columns must be 1 to 4"),
        ({"theme": "sepia"}, "the theme is dark or light, not 'sepia'"),
        ({"out_path": "strip.gif"}, "export to a .png or an .svg file"),
        ({"out_path": "missing/strip.png"}, "missing does not exist"),
    ],
)
def test_bad_input_is_refused_clearly_and_writes_nothing(
    qtbot, recording, catalog, tmp_path, kwargs, message
):
    out = kwargs.pop("out_path", "strip.png")
    with pytest.raises(ComicError, match=message):
        render_comic(recording, tmp_path / out, catalog=catalog, **kwargs)
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_is_not_a_recording_is_refused(qtbot, catalog, tmp_path):
    notes = tmp_path / "notes.jsonl"
    notes.write_text("shopping list\n", encoding="utf-8")
    with pytest.raises(ComicError, match="not a recording"):
        render_comic(notes, tmp_path / "strip.png", catalog=catalog)
    with pytest.raises(ComicError, match="no such recording"):
        render_comic(tmp_path / "gone.jsonl", tmp_path / "strip.png", catalog=catalog)
    empty = tmp_path / "empty.jsonl"
    empty.write_text('{"format": "kamaelia-recording", "version": 1}\n', encoding="utf-8")
    with pytest.raises(ComicError, match="holds no events"):
        render_comic(empty, tmp_path / "strip.png", catalog=catalog)
    assert not (tmp_path / "strip.png").exists()


def test_a_strip_can_be_cancelled_between_panels(qtbot, recording, catalog, tmp_path):
    seen = []

    def progress(done, total):
        seen.append((done, total))
        return done < 2

    with pytest.raises(ComicError, match="cancelled"):
        render_comic(recording, tmp_path / "strip.png", catalog=catalog, progress=progress)
    assert seen == [(1, 6), (2, 6)]
    assert not (tmp_path / "strip.png").exists()
