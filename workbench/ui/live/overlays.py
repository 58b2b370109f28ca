"""Widgets pinned over the canvas in live mode: the legend (top right) and the high-rate banner.

They are children of the view, not scene items, so they stay put while the user zooms and pans.
Colours come from the scene's theme, the same meanings the tokens and the log chips use.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QGraphicsView, QWidget

from workbench.ui.canvas.style import Fonts, diamond, pill
from workbench.ui.theme import DARK, Theme

TOKENS = (("newCSA", "new", "lifecycle: created"), ("shutdownCSA", "closing", "lifecycle: closing"),
          ("", "data", "data message"), ("producerFinished", "eos", "end of stream"))  # fmt: skip
MARKS = (("data", "data box"), ("control", "control/signal"), ("private", "_private"),
         ("hollow", "not linked"), ("running", "running"), ("waiting", "waiting"),
         ("finished", "finished"), ("crashed", "crashed"))  # fmt: skip
MARGIN = 14


def _theme(view: QGraphicsView) -> Theme:
    return getattr(view.scene(), "theme", DARK)


class _Pinned(QWidget):
    """A transparent-for-layout child of the view, re-placed when the view resizes."""

    def __init__(self, view: QGraphicsView) -> None:
        super().__init__(view)
        self.view = view
        view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view and event.type() == QEvent.Type.Resize:
            self.place()
        return False

    def place(self) -> None:
        """Move to the widget's corner of the view."""


class LegendWidget(_Pinned):
    """What each token colour and port marker means, fixed at the view's top right."""

    def __init__(self, view: QGraphicsView) -> None:
        """Create the legend over ``view``."""
        super().__init__(view)
        self.setFixedSize(214, 200)
        self.setProperty("pinned_right", True)  # GraphView.fit_all keeps the graph clear of it
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.place()
        self.show()
        self.raise_()

    def place(self) -> None:
        """Top right corner."""
        self.move(self.view.width() - self.width() - MARGIN, MARGIN)

    def paintEvent(self, event: QPaintEvent) -> None:
        theme = _theme(self.view)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        back = QColor(theme.card)
        back.setAlpha(235)
        p.setPen(QPen(theme.card_border, 1))
        p.setBrush(back)
        p.drawRoundedRect(QRectF(0.5, 0.5, self.width() - 1, self.height() - 1), 8, 8)
        p.setFont(Fonts.get("sub"))
        p.setPen(theme.muted)
        p.drawText(QRectF(12, 6, 100, 16), Qt.AlignmentFlag.AlignVCenter, "LEGEND")
        metrics = QFontMetricsF(Fonts.get("sub"))
        y = 26.0
        for label, kind, text in TOKENS:
            color = theme.token_color(kind)
            if label:
                width = metrics.horizontalAdvance(label) + 14
                rect = QRectF(12, y, width, 16)
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(color)
                p.drawPath(pill(rect))
                p.setPen(QColor("#0b1f10") if kind == "new" else QColor("#ffffff"))
                p.drawText(rect, Qt.AlignmentFlag.AlignCenter, label)
                x = 12 + width + 8
            else:
                p.setPen(Qt.PenStyle.NoPen)
                halo = QColor(color)
                halo.setAlpha(70)
                p.setBrush(halo)
                p.drawEllipse(QPointF(20, y + 8), 7, 7)
                p.setBrush(color)
                p.drawEllipse(QPointF(20, y + 8), 4, 4)
                x = 34
            p.setPen(theme.text)
            p.drawText(QRectF(x, y, 200 - x, 16), Qt.AlignmentFlag.AlignVCenter, text)
            y += 21
        p.setPen(QPen(theme.card_border, 1))
        p.drawLine(QPointF(12, y + 2), QPointF(self.width() - 12, y + 2))
        y += 8
        for i, (kind, text) in enumerate(MARKS):
            x = 12 + (i % 2) * 100
            yy = y + (i // 2) * 17
            self._mark(p, theme, kind, QPointF(x + 5, yy + 8))
            p.setPen(theme.text)
            p.drawText(QRectF(x + 14, yy, 86, 16), Qt.AlignmentFlag.AlignVCenter, text)

    @staticmethod
    def _mark(p: QPainter, theme: Theme, kind: str, at: QPointF) -> None:
        if kind in theme.states:
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(theme.state_color(kind))
            p.drawEllipse(at, 4, 4)
            return
        color = {"control": theme.control, "private": theme.private}.get(kind, theme.data)
        p.setPen(QPen(color, 1.5))
        p.setBrush(theme.card if kind == "hollow" else color)
        if kind == "control":
            p.drawPolygon(diamond(at, 4.5))
        else:
            p.drawEllipse(at, 4, 4)


class BannerWidget(_Pinned):
    """Says why the view switched mode ("High-rate mode · tokens off above 200 msg/s ...")."""

    def __init__(self, view: QGraphicsView) -> None:
        """Create the (hidden) banner over ``view``."""
        super().__init__(view)
        self.title = ""
        self.text = ""
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.hide()

    def show_message(self, title: str, text: str) -> None:
        """Show ``title`` in bold and ``text`` after it."""
        self.title, self.text = title, text
        bold = QFontMetricsF(Fonts.get("header"))
        sub = QFontMetricsF(Fonts.get("sub"))
        self.setFixedSize(int(bold.horizontalAdvance(title) + sub.horizontalAdvance(text) + 56), 30)
        self.place()
        self.show()
        self.raise_()
        self.update()

    def place(self) -> None:
        """Top left corner."""
        self.move(MARGIN, MARGIN)

    def paintEvent(self, event: QPaintEvent) -> None:
        theme = _theme(self.view)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        back = QColor(theme.card)
        back.setAlpha(240)
        path = QPainterPath()
        path.addRoundedRect(QRectF(0.5, 0.5, self.width() - 1, self.height() - 1), 7, 7)
        p.setPen(QPen(theme.card_border, 1))
        p.fillPath(path, back)
        p.drawPath(path)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(theme.warn)
        p.drawEllipse(QPointF(16, 15), 4.5, 4.5)
        p.setPen(theme.text)
        p.setFont(Fonts.get("header"))
        bold = QFontMetricsF(Fonts.get("header")).horizontalAdvance(self.title)
        p.drawText(QRectF(28, 0, bold + 4, 30), Qt.AlignmentFlag.AlignVCenter, self.title)
        p.setFont(Fonts.get("sub"))
        p.setPen(theme.muted)
        p.drawText(
            QRectF(28 + bold + 12, 0, self.width(), 30), Qt.AlignmentFlag.AlignVCenter, self.text
        )
