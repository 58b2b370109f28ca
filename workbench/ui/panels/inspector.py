"""The live part of the Inspector dock: what the selected component is doing while the graph runs.

Shown under the (read-only) parameters in Live mode. Reads the LiveController: for a server (a
TCPServer or the ServerCore around it) the live counters (live connections, accepted, closed,
accept rate, uptime) and a 60 s sparkline of live connections; for every component, each box with
its queue depth (inboxes) or how many messages it sent (outboxes, counted from the event stream).
Samples once a second and refreshes twice a second only while attached.
"""

from __future__ import annotations

import html
import time
from collections import Counter, deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QLinearGradient, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QFormLayout, QGridLayout, QLabel, QVBoxLayout, QWidget

from workbench.ui.theme import DARK, Theme, mono_font, named

HISTORY = 60
"""Seconds of history in the sparkline."""
PAUSED_NOTE = (
    "Paused: no component runs. The operating system keeps buffering socket data for the "
    "connections (up to their socket buffers); it is read when the run goes on."
)
QUEUED_SHOWN = 6
"""Messages listed per inbox while paused."""
CHILDREN_SHOWN = 12
RATE_WINDOW = 10
"""Seconds over which the accept rate is measured."""
SERVER_CLASSES = ("TCPServer", "ServerCore", "SimpleServer", "SingleServer")


def fmt_uptime(seconds: float) -> str:
    """ "00:02:17"."""
    s = int(max(0.0, seconds))
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


ENDED = frozenset({"finished", "stopped", "crashed"})
"""Event kinds after which a component's counters are let go."""


class Sparkline(QWidget):
    """A small filled line chart of the last ``HISTORY`` samples."""

    def __init__(self, parent: QWidget | None = None) -> None:
        """Start empty."""
        super().__init__(parent)
        self.values: list[float] = []
        self.title = "connections · last 60 s"
        self.theme: Theme = DARK
        self.setMinimumHeight(64)
        self.setObjectName("sparkline")

    def set_values(self, values: list[float]) -> None:
        """Show ``values`` (oldest first)."""
        self.values = list(values)[-HISTORY:]
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        """Frame, caption, line, fill and a dot on the newest value."""
        theme = self.theme
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        box = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setPen(QPen(theme.card_border, 1))
        painter.setBrush(theme.card)
        painter.drawRoundedRect(box, 6, 6)
        painter.setPen(theme.muted)
        painter.setFont(mono_font(7.5))
        painter.drawText(box.adjusted(8, 4, -8, 0), Qt.AlignmentFlag.AlignLeft, self.title)
        plot = box.adjusted(8, 22, -8, -8)
        if len(self.values) < 2:
            return
        top = max(max(self.values), 1.0)
        step = plot.width() / (HISTORY - 1)
        x0 = plot.right() - step * (len(self.values) - 1)
        points = [
            QPointF(x0 + i * step, plot.bottom() - plot.height() * v / top)
            for i, v in enumerate(self.values)
        ]
        line = QPainterPath(points[0])
        for p in points[1:]:
            line.lineTo(p)
        fill = QPainterPath(line)
        fill.lineTo(points[-1].x(), plot.bottom())
        fill.lineTo(points[0].x(), plot.bottom())
        fill.closeSubpath()
        grad = QLinearGradient(0, plot.top(), 0, plot.bottom())
        color = QColor(theme.new)
        color.setAlpha(90)
        grad.setColorAt(0, color)
        color.setAlpha(0)
        grad.setColorAt(1, color)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(grad)
        painter.drawPath(fill)
        painter.setPen(QPen(theme.new, 1.6))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(line)
        painter.setBrush(theme.new)
        painter.drawEllipse(points[-1], 3, 3)


class LiveInspector(QWidget):
    """Live counters, sparkline and boxes of the selected component.

    Attributes:
        controller: the LiveController watched, or None.
        target: (cid, title, class name) of the component shown, or None.
        history: live-connection samples (one per :meth:`sample`).
        sent: messages sent per live cid and outbox since attach (ended components are dropped,
            so connection churn does not grow it).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        """Build the sections (hidden until attached)."""
        super().__init__(parent)
        self.setObjectName("liveInspector")
        self.controller: Any = None
        self.target: tuple[int, str, str] | None = None
        self.item: Any = None
        self.history: deque[float] = deque(maxlen=HISTORY)
        self.accepted_history: deque[int] = deque(maxlen=RATE_WINDOW + 1)
        self.sent: dict[int, Counter[str]] = {}
        self.started = time.monotonic()
        self._unsubscribe = None
        self.values: dict[str, QLabel] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        self.header = named(QLabel(), "inspectorHeader")
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.header)
        self.params_title = named(QLabel("PARAMETERS"), "sectionLabel")
        self.params = QFormLayout()
        self.params_box = QWidget()
        self.params_box.setLayout(self.params)
        self.live_title = named(QLabel("LIVE"), "sectionLabel")
        counters = QFormLayout()
        for key, label in (
            ("live_connections", "live connections"),
            ("accepted", "accepted"),
            ("closed", "closed"),
            ("accept_rate", "accept rate"),
            ("uptime", "uptime"),
            ("state", "state"),
            ("delivered", "messages"),
        ):
            value = named(QLabel("-"), f"live_{key}")
            value.setFont(mono_font(9))
            self.values[key] = value
            counters.addRow(named(QLabel(label), "mutedLabel"), value)
        self.counters_box = QWidget()
        self.counters_box.setLayout(counters)
        self.counter_rows = counters
        self.sparkline = Sparkline()
        self.boxes_title = named(QLabel("BOXES"), "sectionLabel")
        self.boxes = QGridLayout()
        self.boxes.setVerticalSpacing(2)
        self.boxes_box = QWidget()
        self.boxes_box.setLayout(self.boxes)
        self.paused_note = named(QLabel(PAUSED_NOTE, wordWrap=True), "mutedLabel")
        self.queued_title = named(QLabel("QUEUED"), "sectionLabel")
        self.queued = named(QLabel(wordWrap=True), "queuedMessages")
        self.queued.setFont(mono_font(8.5))
        self.queued.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.children_title = named(QLabel("CHILDREN"), "sectionLabel")
        self.children_text = named(QLabel(wordWrap=True), "childrenList")
        self.services_title = named(QLabel("CAT SERVICES"), "sectionLabel")
        self.services_text = named(QLabel(wordWrap=True), "servicesList")
        self.recent: Callable[[int, str, int], list[Any]] = lambda cid, box, n: []
        """``(cid, inbox, n)`` -> the last n deliveries into that inbox (the message log's)."""
        for widget in (
            self.params_title,
            self.params_box,
            self.live_title,
            self.counters_box,
            self.sparkline,
            self.boxes_title,
            self.boxes_box,
            self.paused_note,
            self.queued_title,
            self.queued,
            self.children_title,
            self.children_text,
            self.services_title,
            self.services_text,
        ):
            layout.addWidget(widget)
        self.box_labels: dict[tuple[str, str], QLabel] = {}
        self.sample_timer = QTimer(self)
        self.sample_timer.setInterval(1000)
        self.sample_timer.timeout.connect(self.sample)
        self.refresh_timer = QTimer(self)
        self.refresh_timer.setInterval(500)
        self.refresh_timer.timeout.connect(self.refresh)
        self.hide()

    # -- attach -----------------------------------------------------------------------------
    def attach(self, controller: Any) -> None:
        """Watch ``controller`` (a LiveController) from now on."""
        self.detach()
        self.controller = controller
        self.started = time.monotonic()
        self.history.clear()
        self.accepted_history.clear()
        self.sent.clear()
        self._unsubscribe = controller.run.stream.subscribe(self._on_batch)
        self.sample()
        self.sample_timer.start()
        self.refresh_timer.start()

    def detach(self) -> None:
        """Stop watching (timers stopped, subscription dropped) and hide."""
        self.sample_timer.stop()
        self.refresh_timer.stop()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self.controller = None
        self.target = None
        self.item = None
        self.hide()

    def set_theme(self, theme: Theme) -> None:
        """Colours of the sparkline and the live values."""
        self.sparkline.theme = theme
        self.values["live_connections"].setStyleSheet(f"color: {theme.new.name()};")
        self.sparkline.update()

    def _on_batch(self, batch: list) -> None:
        sent = self.sent
        shown = self.target[0] if self.target else None
        for ev in batch:
            kind = ev.kind
            if kind == "delivered":
                counts = sent.get(ev.cid)
                if counts is None:
                    counts = sent[ev.cid] = Counter()
                counts[ev.box] += 1
            elif kind in ENDED and ev.cid != shown:
                sent.pop(ev.cid, None)

    # -- selection --------------------------------------------------------------------------
    def show_item(self, item: Any) -> None:
        """Inspect the component drawn by ``item`` (a node card or group), None for nothing."""
        ctl = self.controller
        self.item = item
        self.target = None
        if ctl is None or item is None:
            self.hide()
            return
        cid = getattr(item, "cid", None)
        if not cid:
            cid = ctl.by_design.get(getattr(item, "node_id", ""), 0)
        ent = ctl.entities.get(cid) if cid else None
        cls = ent.cls if ent is not None else getattr(item, "subtitle", "")
        self.target = (cid or 0, getattr(item, "title", ""), cls.rsplit(".", 1)[-1])
        state = ent.state if ent is not None else getattr(item, "state", "")
        self._fill_header(item, ent, state)
        self._fill_params(item, cid)
        self._fill_boxes(item)
        self.refresh()
        self.show()

    def is_server(self) -> bool:
        """True when the component shown is a server (its counters are the server's)."""
        return self.target is not None and self.target[2] in SERVER_CLASSES

    def _fill_header(self, item: Any, ent: Any, state: str) -> None:
        """Name, class and state pill (a design node's form shows its own name instead)."""
        if getattr(item, "model", None) is not None:
            self.header.hide()
            return
        theme = self.sparkline.theme
        color = theme.state_color(state).name()
        live = self.controller.model.entities.get(ent.cid) if ent is not None else None
        if live is not None:
            cls = live.cls
        else:
            cls = ent.cls if ent is not None and ent.cls else getattr(item, "subtitle", "")
        self.header.setText(
            f"<span style='font-size:13pt; font-weight:600'>{html.escape(item.title)}</span>"
            f"&nbsp;&nbsp;<span style='color:{color}'>● {html.escape(state)}</span><br>"
            f"<span style='color:{theme.muted.name()}'>{html.escape(cls)}</span>"
        )
        self.header.show()

    def _fill_params(self, item: Any, cid: int) -> None:
        while self.params.rowCount():
            self.params.removeRow(0)
        model = getattr(item, "model", None)
        params = dict(getattr(model, "params", {}) or {})
        live = self.controller.model.entities.get(cid) if cid else None
        if not params and live is not None:
            params = dict(live.details.get("params") or {})
        for name, value in list(params.items())[:10]:
            field = named(QLabel(_short(value)), "readOnlyValue")
            field.setFont(mono_font(8.5))
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            field.setToolTip(repr(value))
            self.params.addRow(named(QLabel(name), "mutedLabel"), field)
        show = bool(params) and model is None  # a design node's form already shows them
        self.params_title.setVisible(show)
        self.params_box.setVisible(show)

    def _fill_boxes(self, item: Any) -> None:
        while self.boxes.count():
            taken = self.boxes.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:
                widget.deleteLater()
        self.box_labels = {}
        ports = list(getattr(item, "ports", {}).values())
        ports.sort(key=lambda p: not p.box.is_inbox)  # inboxes first, each in the card's order
        for row, port in enumerate(ports):
            arrow = "◀" if port.box.is_inbox else "▶"
            name = QLabel(f"{arrow} {port.name}")
            value = named(QLabel(""), "boxValue")
            value.setFont(mono_font(8.5))
            self.boxes.addWidget(name, row, 0)
            self.boxes.addWidget(value, row, 1)
            self.box_labels[("in" if port.box.is_inbox else "out", port.name)] = value
        self.boxes_title.setVisible(bool(ports))

    # -- figures ----------------------------------------------------------------------------
    def sample(self) -> None:
        """Take one sample of the live connections (the sparkline) and of accepted."""
        ctl = self.controller
        if ctl is None:
            return
        figures = ctl.counters()
        self.history.append(float(figures["live_connections"]))
        self.accepted_history.append(int(figures["accepted"]))
        self.sparkline.set_values(list(self.history))

    def accept_rate(self) -> float:
        """Connections accepted per second over the last ``RATE_WINDOW`` samples."""
        h = self.accepted_history
        return (h[-1] - h[0]) / (len(h) - 1) if len(h) >= 2 else 0.0

    def refresh(self) -> None:
        """Update the counters and the box figures of the component shown."""
        ctl = self.controller
        if ctl is None or self.target is None:
            return
        cid = self.target[0]
        figures = ctl.counters()
        server = self.is_server()
        ent = ctl.entities.get(cid)
        self.values["live_connections"].setText(f"{figures['live_connections']:,}")
        self.values["accepted"].setText(f"{figures['accepted']:,}")
        self.values["closed"].setText(f"{figures['closed']:,}")
        self.values["accept_rate"].setText(f"{self.accept_rate():.1f} /s")
        self.values["uptime"].setText(fmt_uptime(time.monotonic() - self.started))
        self.values["state"].setText(ent.state if ent is not None else "-")
        sent = sum(self.sent.get(cid, {}).values())
        self.values["delivered"].setText(f"{sent:,} sent")
        for key in ("live_connections", "accepted", "closed", "accept_rate"):
            self._set_row_visible(key, server)
        self._set_row_visible("state", not server)
        self._set_row_visible("delivered", not server)
        self.sparkline.setVisible(server)
        live = ctl.model.entities.get(cid) if cid else None
        for (direction, name), label in self.box_labels.items():
            if direction != "in":
                label.setText(f"{self.sent.get(cid, Counter())[name]:,} sent")
            elif live is not None and live.ended_t is None and name in live.inboxes:
                label.setText(f"queue {live.depths.get(name, 0)}")
            else:
                label.setText("queue -")
        self._fill_paused(live)

    def _fill_paused(self, live: Any) -> None:
        """While the run is paused: what waits in each inbox, the children, the CAT services."""
        ctl = self.controller
        paused = getattr(ctl.run, "state", "") == "paused" and live is not None
        for widget in (self.paused_note, self.queued_title, self.queued, self.children_title,
                       self.children_text, self.services_title, self.services_text):  # fmt: skip
            widget.setVisible(paused)
        if not paused:
            return
        lines = []
        for box, waiting in sorted(live.depths.items()):
            rows = self.recent(live.cid, box, min(waiting, QUEUED_SHOWN))
            shown = ", ".join(html.escape(_short(r.value)) for r in rows) or "…"
            more = f" (+{waiting - len(rows)} more)" if waiting > len(rows) else ""
            lines.append(f"<b>{html.escape(box)}</b> · {waiting} waiting: {shown}{more}")
        self.queued.setText("<br>".join(lines) or "nothing waiting (as of the last sample)")
        model = ctl.model
        kids = [e.name for e in model.entities.values() if e.parent == live.cid and not e.ended]
        extra = f" (+{len(kids) - CHILDREN_SHOWN} more)" if len(kids) > CHILDREN_SHOWN else ""
        self.children_text.setText(", ".join(kids[:CHILDREN_SHOWN]) + extra if kids else "none")
        services = []
        for name, (owner, box) in sorted(model.services.items()):
            who = model.entities.get(owner)
            mark = " ← this one" if owner == live.cid else ""
            services.append(f"{name} → {who.name if who else owner}.{box}{mark}")
        self.services_text.setText("\n".join(services) or "none registered")

    def _set_row_visible(self, key: str, visible: bool) -> None:
        self.counter_rows.setRowVisible(self.values[key], visible)

    def text(self) -> str:
        """Everything shown, as plain text (tests, copy)."""
        parts = []
        for key, label in self.values.items():
            if self.counter_rows.isRowVisible(label):
                parts.append(f"{key}={label.text()}")
        parts += [f"{n[1]}={lbl.text()}" for n, lbl in self.box_labels.items()]
        return " ".join(parts)


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 40 else text[:39] + "…"
