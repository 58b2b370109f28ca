"""Tests for workbench.ui.theme: one set of colour meanings, tinted SVG icons, the style sheet."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QColor

from workbench.resources import assets_dir
from workbench.ui.theme import (
    CATEGORIES,
    DARK,
    LIGHT,
    STATES,
    icon,
    style_sheet,
    theme_named,
)


def test_both_themes_define_every_meaning():
    for theme in (DARK, LIGHT):
        assert set(CATEGORIES) <= set(theme.categories)
        assert set(STATES) <= set(theme.states)
        for kind in ("new", "closing", "eos", "data"):
            assert theme.token_color(kind).isValid()
    assert DARK.state_color("running").name() != DARK.state_color("crashed").name()
    assert DARK.category_color("Nope") == DARK.category_color("Other")
    assert theme_named("light") is LIGHT and theme_named("?") is DARK


def test_style_sheet_has_no_placeholders_left():
    for theme in (DARK, LIGHT):
        assert "@" not in style_sheet(theme).replace("@media", "")


def test_icons_are_svg_and_render_crisp_at_any_size(qtbot):
    names = sorted(p.stem for p in (assets_dir() / "icons").glob("*.svg"))
    for needed in ("run", "pause", "step", "stop", "fit", "zoom-in", "zoom-out", "layout",
                   "traffic", "tokens"):  # fmt: skip
        assert needed in names
    ico = icon("run", QColor("#ff0000"))
    for size in (16, 24, 64):
        pix = ico.pixmap(QSize(size, size))
        assert pix.width() == size
        image = pix.toImage()
        reds = sum(
            1
            for x in range(size)
            for y in range(size)
            if image.pixelColor(x, y).red() > 200 and image.pixelColor(x, y).alpha() > 200
        )
        assert reds > size  # the triangle is painted in the tint
