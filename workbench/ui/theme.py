"""Colours, fonts and the application style every Qt widget and canvas item of the workbench reads.

One set of colour *meanings* (category, port kind, token kind, run state) is shared by the dark and
the light theme; only the surfaces change. Canvas items ask their scene for the current
:class:`Theme` (``GraphScene.theme``), so switching themes is one call and no global state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

from PySide6.QtCore import QByteArray, QObject, QRect, QSettings, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QIcon,
    QIconEngine,
    QPainter,
    QPalette,
    QPixmap,
)
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

from workbench.resources import asset

CATEGORIES = ("Chassis", "Internet", "Util", "Other")
STATES = ("idle", "running", "waiting", "finished", "crashed", "closing")

QObjectT = TypeVar("QObjectT", bound=QObject)


def named(obj: QObjectT, name: str) -> QObjectT:
    """Give ``obj`` the object name the style sheet picks it by (``#mutedLabel``); return it.

    PySide6 also takes ``objectName=`` as a constructor keyword, but its type stubs list only
    the properties a class declares itself, so that form cannot be type-checked.
    """
    obj.setObjectName(name)
    return obj


def _c(hex_: str) -> QColor:
    return QColor(hex_)


@dataclass(frozen=True)
class Theme:
    """A complete set of colours for the canvas and the widgets.

    Attributes:
        name: "dark" or "light".
        window, base, panel, text, muted: widget surfaces and text.
        canvas, grid: canvas background and its dot grid.
        card, card_header, card_border: node cards.
        group_fill, group_border: translucent group (chassis) frames.
        accent: selection and the active link.
        link: data links; control: control/signal boxes and links; private: ``_boxes``.
        data, new, closing, eos: token colours (data, lifecycle-new, closing, end of stream).
        service: service nodes (Selector via CAT).
        categories: palette category -> colour.
        states: node run state -> status dot colour.
        warn, error: badges and validation messages.
    """

    name: str
    window: QColor
    base: QColor
    panel: QColor
    text: QColor
    muted: QColor
    canvas: QColor
    grid: QColor
    card: QColor
    card_header: QColor
    card_border: QColor
    group_fill: QColor
    group_border: QColor
    accent: QColor
    link: QColor
    control: QColor
    private: QColor
    data: QColor
    new: QColor
    closing: QColor
    eos: QColor
    service: QColor
    warn: QColor
    error: QColor
    categories: dict[str, QColor] = field(default_factory=dict)
    states: dict[str, QColor] = field(default_factory=dict)

    def category_color(self, category: str | None) -> QColor:
        """Return the colour of a palette category ("Other" for unknown ones)."""
        return self.categories.get(category or "Other", self.categories["Other"])

    def state_color(self, state: str) -> QColor:
        """Return the status-dot colour of a run state ("idle" for unknown ones)."""
        return self.states.get(state, self.states["idle"])

    def token_color(self, kind: str) -> QColor:
        """Return the colour of a token kind: "new", "closing", "eos" or "data"."""
        return {"new": self.new, "closing": self.closing, "eos": self.eos}.get(kind, self.data)

    @property
    def is_dark(self) -> bool:
        """True for the dark theme."""
        return self.name == "dark"


DARK = Theme(
    name="dark",
    window=_c("#1b1d22"),
    base=_c("#15171b"),
    panel=_c("#202329"),
    text=_c("#e3e6eb"),
    muted=_c("#8b93a1"),
    canvas=_c("#17191e"),
    grid=_c("#2a2e36"),
    card=_c("#252830"),
    card_header=_c("#2b2f38"),
    card_border=_c("#3b404b"),
    group_fill=QColor(255, 255, 255, 10),
    group_border=_c("#3a3f4a"),
    accent=_c("#4d8dff"),
    link=_c("#8a94a6"),
    control=_c("#f0a742"),
    private=_c("#8a909b"),
    data=_c("#5b9dff"),
    new=_c("#3fb950"),
    closing=_c("#f0883e"),
    eos=_c("#a98bfa"),
    service=_c("#a98bfa"),
    warn=_c("#f0883e"),
    error=_c("#f85149"),
    categories={
        "Chassis": _c("#a3acb9"),
        "Internet": _c("#2fc0b0"),
        "Util": _c("#e5689a"),
        "Other": _c("#c7a2ff"),
    },
    states={
        "idle": _c("#4a505c"),
        "running": _c("#3fb950"),
        "waiting": _c("#e3a63b"),
        "finished": _c("#8b93a1"),
        "crashed": _c("#f85149"),
        "closing": _c("#8b93a1"),
    },
)

LIGHT = Theme(
    name="light",
    window=_c("#f3f4f6"),
    base=_c("#ffffff"),
    panel=_c("#f7f8fa"),
    text=_c("#1f2328"),
    muted=_c("#6b7280"),
    canvas=_c("#eef0f3"),
    grid=_c("#cfd4db"),
    card=_c("#ffffff"),
    card_header=_c("#f6f7f9"),
    card_border=_c("#c3c9d2"),
    group_fill=QColor(30, 40, 60, 12),
    group_border=_c("#c3c9d2"),
    accent=_c("#2f6feb"),
    link=_c("#7d8796"),
    control=_c("#c77410"),
    private=_c("#7f8691"),
    data=_c("#2f6feb"),
    new=_c("#1f9d44"),
    closing=_c("#d9631e"),
    eos=_c("#7c4ddb"),
    service=_c("#7c4ddb"),
    warn=_c("#d9631e"),
    error=_c("#d1242f"),
    categories={
        "Chassis": _c("#8792a2"),
        "Internet": _c("#14a596"),
        "Util": _c("#d94c84"),
        "Other": _c("#9b6fe0"),
    },
    states={
        "idle": _c("#c3c9d2"),
        "running": _c("#1f9d44"),
        "waiting": _c("#cf8a12"),
        "finished": _c("#8b93a1"),
        "crashed": _c("#d1242f"),
        "closing": _c("#8b93a1"),
    },
)

THEMES = {"dark": DARK, "light": LIGHT}


def theme_named(name: str) -> Theme:
    """Return the theme called ``name`` (dark when unknown)."""
    return THEMES.get(name, DARK)


def ui_font(point_size: float = 10.0, bold: bool = False) -> QFont:
    """Return the proportional UI font at ``point_size``."""
    font = QFont(QGuiApplication.font()) if QGuiApplication.instance() else QFont()
    font.setPointSizeF(point_size)
    font.setBold(bold)
    return font


def mono_font(point_size: float = 8.5) -> QFont:
    """Return the fixed-pitch font used for counters, values and log lines."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSizeF(point_size)
    return font


def make_palette(theme: Theme) -> QPalette:
    """Build the QPalette for ``theme``."""
    pal = QPalette()
    role = QPalette.ColorRole
    pal.setColor(role.Window, theme.window)
    pal.setColor(role.WindowText, theme.text)
    pal.setColor(role.Base, theme.base)
    pal.setColor(role.AlternateBase, theme.panel)
    pal.setColor(role.Text, theme.text)
    pal.setColor(role.Button, theme.panel)
    pal.setColor(role.ButtonText, theme.text)
    pal.setColor(role.ToolTipBase, theme.card)
    pal.setColor(role.ToolTipText, theme.text)
    pal.setColor(role.Highlight, theme.accent)
    pal.setColor(role.HighlightedText, QColor("#ffffff"))
    pal.setColor(role.PlaceholderText, theme.muted)
    pal.setColor(role.Link, theme.accent)
    pal.setColor(role.Mid, theme.card_border)
    pal.setColor(role.Midlight, theme.card_border)
    pal.setColor(role.Dark, theme.base)
    pal.setColor(role.Light, theme.card_header)
    disabled = QPalette.ColorGroup.Disabled
    for r in (role.WindowText, role.Text, role.ButtonText):
        pal.setColor(disabled, r, theme.muted)
    return pal


def style_sheet(theme: Theme) -> str:
    """Return the application QSS: the shipped ``styles/workbench.qss`` with the theme's colours."""
    template = asset("styles", "workbench.qss").read_text(encoding="utf-8")
    values = {
        "window": theme.window.name(),
        "base": theme.base.name(),
        "panel": theme.panel.name(),
        "text": theme.text.name(),
        "muted": theme.muted.name(),
        "border": theme.card_border.name(),
        "card": theme.card.name(),
        "header": theme.card_header.name(),
        "accent": theme.accent.name(),
        "error": theme.error.name(),
    }
    for key, value in values.items():
        template = template.replace("@" + key, value)
    return template


def apply_theme(app: QApplication, theme: Theme) -> None:
    """Apply ``theme`` to the whole application (palette and style sheet)."""
    app.setStyle("Fusion")
    app.setPalette(make_palette(theme))
    app.setStyleSheet(style_sheet(theme))


class SvgIconEngine(QIconEngine):
    """Paints an SVG tinted with one colour at whatever size and device pixel ratio is asked.

    The icons in ``assets/icons`` draw with ``currentColor``; this engine substitutes the theme's
    text colour, so one file serves both themes and nothing is ever scaled from a bitmap.
    """

    def __init__(self, svg: bytes, color: QColor) -> None:
        """Keep the SVG source and the tint."""
        super().__init__()
        self._svg = svg
        self._color = QColor(color)
        tinted = svg.replace(b"currentColor", color.name().encode("ascii"))
        self._renderer = QSvgRenderer(QByteArray(tinted))

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        """Render the SVG into ``rect``, faded when disabled."""
        painter.save()
        if mode == QIcon.Mode.Disabled:
            painter.setOpacity(0.35)
        self._renderer.render(painter, rect)
        painter.restore()

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        """Return a transparent pixmap of ``size`` with the icon painted in it."""
        if size.isEmpty():  # a button squeezed to nothing asks too: there is nothing to paint
            return QPixmap()
        pix = QPixmap(size)
        pix.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pix)
        self.paint(painter, QRect(0, 0, size.width(), size.height()), mode, state)
        painter.end()
        return pix

    def clone(self) -> QIconEngine:
        """Return a copy (Qt copies icons freely)."""
        return SvgIconEngine(self._svg, self._color)


def icon(name: str, color: QColor | None = None) -> QIcon:
    """Return the shipped SVG icon ``icons/<name>.svg`` tinted with ``color``.

    Args:
        name: file stem in ``assets/icons``.
        color: tint for ``currentColor``; the application's text colour when None.
    """
    svg = asset("icons", f"{name}.svg").read_bytes()
    if color is None:
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            color = app.palette().color(QPalette.ColorRole.WindowText)
        else:
            color = QColor("#888888")
    return QIcon(SvgIconEngine(svg, color))


def saved_theme_name(settings: QSettings) -> str:
    """Return the theme name stored in ``settings`` ("dark" by default)."""
    value = settings.value("ui/theme", "dark")
    return value if value in THEMES else "dark"
