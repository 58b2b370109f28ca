"""Exporting a canvas scene: a PNG of the right size with the cards on it, an SVG with its text."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QGraphicsItem

from workbench.model import Graph
from workbench.ui import export
from workbench.ui.canvas.scene import GraphScene
from workbench.ui.theme import DARK, LIGHT

SVG = "{http://www.w3.org/2000/svg}"


def far_from(colour: QColor, other: QColor, tolerance: int = 12) -> bool:
    return max(abs(colour.red() - other.red()), abs(colour.green() - other.green()),
               abs(colour.blue() - other.blue())) > tolerance  # fmt: skip


@pytest.mark.parametrize(("theme", "scale"), [(DARK, 1.0), (LIGHT, 2.0)])
def test_a_png_is_the_drawing_at_its_scale_on_the_theme_canvas(scene, tmp_path, theme, scale):
    scene.set_theme(theme)
    rect = export.content_rect(scene)
    path = export.export_scene(scene, tmp_path / "canvas.png", scale=scale)
    image = QImage(str(path))
    assert (image.width(), image.height()) == (round(rect.width() * scale),
                                               round(rect.height() * scale))  # fmt: skip
    corner = image.pixelColor(2, 2)  # the margin: bare canvas
    assert not far_from(corner, theme.canvas, 2)
    for item in scene.node_items():
        if not getattr(item, "is_card", False):
            continue
        centre = item.sceneBoundingRect().center() - rect.topLeft()
        x, y = round(centre.x() * scale), round(centre.y() * scale)
        assert far_from(image.pixelColor(x, y), theme.canvas), item.title  # a card is there
    assert path.stat().st_mode & 0o077  # not a private temporary file's permissions


def test_an_svg_is_valid_xml_with_the_node_titles_as_text(scene, tmp_path):
    path = export.export_scene(scene, tmp_path / "canvas.svg", title="echo graph")
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    assert root.findtext(f"{SVG}title") == "echo graph"
    texts = {el.text.strip() for el in root.iter(f"{SVG}text") if el.text and el.text.strip()}
    titles = {item.title for item in scene.node_items()}
    assert {"TCPServer", "CSA 51234", "Echo 2", "Selector"} <= titles
    assert titles <= texts
    assert not list(root.iter(f"{SVG}image"))  # cards are drawn, not pasted from their caches


def test_an_area_can_be_given_and_the_selection_and_caches_are_left_as_they_were(scene, tmp_path):
    item = next(i for i in scene.node_items() if getattr(i, "is_card", False))
    item.setSelected(True)
    heard = []
    scene.selectionChanged.connect(lambda: heard.append(True))
    modes = {i: i.cacheMode() for i in scene.items()}
    assert QGraphicsItem.CacheMode.DeviceCoordinateCache in modes.values()
    path = export.export_scene(scene, tmp_path / "part.png", QRectF(0, 0, 300, 120))
    assert (QImage(str(path)).width(), QImage(str(path)).height()) == (300, 120)
    assert item.isSelected() and not heard
    assert {i: i.cacheMode() for i in scene.items()} == modes


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("canvas.gif", "export to a .png or an .svg file"),
        ("missing/canvas.png", "missing does not exist"),
        ("a_file.txt/canvas.png", "a_file.txt is not a folder"),
        ("a_folder", "it is a folder"),
    ],
)
def test_a_path_that_cannot_be_written_is_refused_and_nothing_is_left(
    scene, tmp_path, name, message
):
    (tmp_path / "a_file.txt").write_text("x")
    (tmp_path / "a_folder.png").mkdir()
    target = tmp_path / (name if name != "a_folder" else "a_folder.png")
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(export.ExportError, match=message):
        export.export_scene(scene, target)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.parametrize(
    ("scale", "message"), [(0.0, "the scale is 0.1 to 8"), (8.0, "more than this workbench")]
)
def test_a_bad_scale_or_too_big_a_picture_is_refused(scene, tmp_path, scale, message):
    with pytest.raises(export.ExportError, match=message):
        export.export_scene(scene, tmp_path / "big.png", QRectF(0, 0, 4000, 4000), scale)
    assert not (tmp_path / "big.png").exists()


def test_an_empty_canvas_has_nothing_to_export(qtbot, catalog, tmp_path):
    empty = GraphScene(Graph(), catalog)
    try:
        with pytest.raises(export.ExportError, match="the canvas is empty"):
            export.export_scene(empty, tmp_path / "empty.png")
    finally:
        empty.close()
