"""Shared drawing constants and helpers for canvas items: geometry, fonts and theme lookup."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem

from workbench.ui.theme import DARK, Theme, mono_font, ui_font

ROW_H = 18.0  #: height of one box row in a node card
HEADER_H = 40.0  #: node card header height
CARD_RADIUS = 7.0
MIN_CARD_W = 190.0
PORT_R = 4.0  #: radius of a port marker
Z_GROUP, Z_LINK, Z_NODE, Z_WIRE = -10.0, 0.0, 10.0, 50.0
LABEL_LOD = 0.45  #: below this level of detail, texts are not drawn
DETAIL_LOD = 0.25  #: below this, ports and counters are not drawn either


def theme_of(item: QGraphicsItem) -> Theme:
    """Return the theme of the item's scene (dark when the scene has none)."""
    scene = item.scene()
    return getattr(scene, "theme", DARK) if scene is not None else DARK


def paint_chip(
    painter: QPainter,
    rect: QRectF,
    text: str,
    font: QFont,
    color: QColor,
    fill_alpha: int,
    text_color: QColor,
) -> None:
    """``text`` centred in a pill outlined in ``color`` and filled with it at ``fill_alpha``."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    fill = QColor(color)
    fill.setAlpha(fill_alpha)
    painter.setPen(color)
    painter.setBrush(fill)
    painter.drawPath(pill(rect))
    painter.setFont(font)
    painter.setPen(text_color)
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    painter.restore()


def paint_glow(painter: QPainter, rect: QRectF, radius: float, color: QColor) -> None:
    """The halo of a selected card: three rounded outlines in ``color``, fading outwards."""
    for i, alpha in ((6, 25), (4, 45), (2, 80)):
        glow = QColor(color)
        glow.setAlpha(alpha)
        painter.setPen(QPen(glow, 2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(rect.adjusted(-i, -i, i, i), radius + i, radius + i)


def snapped(item: QGraphicsItem, pos: QPointF) -> QPointF | None:
    """``pos`` moved to the nearest grid point when the item's scene snaps moves, else None."""
    scene = item.scene()
    grid = getattr(scene, "grid_size", None) if getattr(scene, "snap", False) else None
    if not grid:
        return None
    return QPointF(round(pos.x() / grid) * grid, round(pos.y() / grid) * grid)


def lod(option: QStyleOptionGraphicsItem, painter: QPainter) -> float:
    """Return the level of detail (1.0 = 100 % zoom) for this paint call."""
    return option.levelOfDetailFromTransform(painter.worldTransform())


class Fonts:
    """Fonts used on the canvas, built once per process on first use."""

    _cache: dict[str, QFont] = {}

    @classmethod
    def get(cls, name: str) -> QFont:
        """Return font ``name``: title, sub, label, label_italic, mono, header, note."""
        if name not in cls._cache:
            font = {
                "title": lambda: ui_font(9.5, bold=True),
                "header": lambda: ui_font(9.0, bold=True),
                "sub": lambda: ui_font(7.5),
                "label": lambda: ui_font(8.0),
                "label_italic": lambda: ui_font(8.0),
                "mono": lambda: mono_font(7.5),
                "note": lambda: ui_font(9.0),
            }[name]()
            font.setItalic(name == "label_italic")
            cls._cache[name] = font
        return cls._cache[name]


def diamond(center: QPointF, r: float) -> QPolygonF:
    """Return a diamond polygon of half-diagonal ``r`` around ``center``."""
    x, y = center.x(), center.y()
    return QPolygonF([QPointF(x, y - r), QPointF(x + r, y), QPointF(x, y + r), QPointF(x - r, y)])


def pill(rect: QRectF) -> QPainterPath:
    """Return a fully rounded rectangle (a pill) filling ``rect``."""
    path = QPainterPath()
    r = rect.height() / 2
    path.addRoundedRect(rect, r, r)
    return path
