"""Lays a comic strip's panels out on one page and paints them, each with its caption.

Used by ``workbench.ui.comic`` once every panel is recorded (a QPicture in scene units): the
panels share one horizontal frame and scale, so a card stays in the same place from panel to
panel; a row is as tall as its tallest panel needs, and a moment far taller than the others (a
server's rows unfolded while connections close) is drawn smaller in its own cell rather than
shrinking every panel. Under each panel: its number, time, the event that just happened (type,
source → sink, its number) and how many more lifecycle steps happened since the panel before.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPicture

from workbench.ui.comic_plan import Moment
from workbench.ui.theme import Theme, ui_font

PANEL_W = 960.0
"""Widest a panel is drawn (pixels); a smaller drawing is drawn at 100 %."""
MAX_TALL = 0.8
"""A panel is at most this many times as tall as it is wide; a taller moment is drawn smaller."""
GAP, PAGE_MARGIN, CAPTION_H, TITLE_H = 18.0, 28.0, 50.0, 58.0
MIN_NOTE_ROOM = 90.0
"""Pixels the caption's type keeps before its "event @N" note gives way."""


@dataclass
class Sheet:
    """Where things go on the page of a strip.

    Attributes:
        frame: The scene area every panel is drawn from (its left, top and width are shared).
        scale: Pixels per scene unit.
        columns: Panels per row.
        bottoms: Each panel's lowest drawn point (scene y).
    """

    frame: QRectF
    scale: float
    columns: int
    bottoms: list[float]

    @classmethod
    def of(cls, rects: list[QRectF], columns: int, panel_width: float = PANEL_W) -> Sheet:
        """The sheet of panels that drew ``rects`` (their scene areas), ``columns`` a row."""
        frame = QRectF()
        for rect in rects:
            frame = frame.united(rect)
        scale = min(1.0, panel_width / frame.width())
        return cls(frame, scale, min(columns, len(rects)), [r.bottom() for r in rects])

    @property
    def cap(self) -> float:
        """The most scene height a cell shows at the common scale."""
        return MAX_TALL * self.frame.width()

    def needs(self, index: int) -> float:
        """Scene height panel ``index`` needs, from the frame's top."""
        return max(1.0, self.bottoms[index] - self.frame.top())

    def panel_scale(self, index: int) -> float:
        """Pixels per scene unit of panel ``index`` (smaller for a moment taller than the cap)."""
        return self.scale * min(1.0, self.cap / self.needs(index))

    @property
    def cell_width(self) -> int:
        """Every panel's width in pixels."""
        return round(self.frame.width() * self.scale)

    def row_heights(self) -> list[int]:
        """Pixel height of each row's drawings."""
        heights = []
        for start in range(0, len(self.bottoms), self.columns):
            need = max(self.needs(i) for i in range(start, min(start + self.columns,
                                                                len(self.bottoms))))  # fmt: skip
            heights.append(round(min(need, self.cap) * self.scale))
        return heights

    @property
    def size(self) -> QSize:
        """The whole page, in pixels."""
        rows = self.row_heights()
        width = 2 * PAGE_MARGIN + self.columns * self.cell_width + (self.columns - 1) * GAP
        height = 2 * PAGE_MARGIN + TITLE_H + sum(rows) + len(rows) * CAPTION_H
        return QSize(round(width), round(height + (len(rows) - 1) * GAP))

    def cell(self, index: int) -> QRectF:
        """Panel ``index``'s drawing area on the page (its caption goes below)."""
        rows = self.row_heights()
        row, column = divmod(index, self.columns)
        x = PAGE_MARGIN + column * (self.cell_width + GAP)
        y = PAGE_MARGIN + TITLE_H + sum(rows[:row]) + row * (CAPTION_H + GAP)
        return QRectF(x, y, self.cell_width, rows[row])


def _font(size: float, bold: bool = False) -> QFont:
    font = ui_font(size, bold)
    font.setStyleStrategy(QFont.StyleStrategy.PreferAntialias)
    return font


def paint_page(
    painter: QPainter,
    sheet: Sheet,
    pictures: list[QPicture],
    moments: list[Moment],
    theme: Theme,
    heading: str,
    subheading: str,
) -> None:
    """Draw the whole strip: the heading, then each panel with its caption."""
    size = sheet.size
    left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    painter.fillRect(QRectF(0, 0, size.width(), size.height()), theme.window)
    painter.setPen(theme.text)
    painter.setFont(_font(13, bold=True))
    top = QRectF(PAGE_MARGIN, PAGE_MARGIN - 6, size.width() - 2 * PAGE_MARGIN, 26)
    painter.drawText(top, left, heading)
    painter.setPen(theme.muted)
    painter.setFont(_font(9))
    painter.drawText(top.translated(0, 24), left, subheading)
    for index, (picture, moment) in enumerate(zip(pictures, moments, strict=True)):
        _paint_panel(painter, sheet, index, picture, moment, theme)


def _paint_panel(
    painter: QPainter, sheet: Sheet, index: int, picture: QPicture, moment: Moment, theme: Theme
) -> None:
    box = sheet.cell(index)
    outline = QPainterPath()
    outline.addRoundedRect(box.adjusted(0, 0, 0, CAPTION_H), 8, 8)
    band = QRectF(box.left(), box.bottom(), box.width(), CAPTION_H)
    scale = sheet.panel_scale(index)
    painter.save()
    painter.setClipPath(outline)
    painter.fillRect(box, theme.canvas)
    painter.fillRect(band, theme.panel)
    painter.setClipRect(box, Qt.ClipOperation.IntersectClip)
    inset = (box.width() - sheet.frame.width() * scale) / 2  # a smaller moment, centred
    painter.translate(box.topLeft() + QPointF(inset, 0))
    painter.scale(scale, scale)
    painter.translate(-sheet.frame.topLeft())
    painter.drawPicture(0, 0, picture)
    painter.restore()
    painter.setPen(QPen(theme.card_border, 1))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(outline)
    painter.drawLine(band.topLeft(), band.topRight())
    _paint_caption(painter, band, index, moment, theme)


def _paint_caption(
    painter: QPainter, band: QRectF, index: int, moment: Moment, theme: Theme
) -> None:
    """ "(3)  0.47 s  newCSA     event @100 · +7 more steps" over "TCPServer#3.signal → ..."."""
    left, right = Qt.AlignmentFlag.AlignLeft, Qt.AlignmentFlag.AlignRight
    middle = Qt.AlignmentFlag.AlignVCenter
    colour = {"crashed": theme.error, "data": theme.text}.get(
        moment.token_kind, theme.token_color(moment.token_kind)
    )
    badge = QRectF(band.left() + 10, band.top() + 9, 20, 20)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(theme.accent)
    painter.drawEllipse(badge)
    painter.setPen(QColor("#ffffff"))
    painter.setFont(_font(8, bold=True))
    painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, str(index + 1))
    x = badge.right() + 8
    line = QRectF(x, band.top() + 6, band.right() - x - 10, 24)
    bold, small = _font(10, bold=True), _font(8.5)
    clock = f"{moment.t:.2f} s"
    shift = QFontMetricsF(bold).horizontalAdvance(clock) + 12
    note = f"event @{moment.event.seq}" if moment.event is not None else ""
    if moment.steps > 1:
        note += f"  ·  +{moment.steps - 1} more step{'s' if moment.steps > 2 else ''}"
    room = line.width() - shift - QFontMetricsF(small).horizontalAdvance(note) - 12
    if room < MIN_NOTE_ROOM:  # a narrow panel: the type before the note
        note, room = "", line.width() - shift
    painter.setFont(small)
    painter.setPen(theme.muted)
    painter.drawText(line, right | middle, note)
    painter.setFont(bold)
    painter.setPen(theme.text)
    painter.drawText(line, left | middle, clock)
    painter.setPen(colour)
    what = QFontMetricsF(bold).elidedText(moment.what, Qt.TextElideMode.ElideRight, room)
    painter.drawText(line.adjusted(shift, 0, 0, 0), left | middle, what)
    painter.setFont(small)
    painter.setPen(theme.muted)
    where = QRectF(x, band.top() + 27, band.right() - x - 10, 18)
    detail = moment.where or "the recording begins"
    detail = QFontMetricsF(small).elidedText(detail, Qt.TextElideMode.ElideMiddle, where.width())
    painter.drawText(where, left | middle, detail)
