"""Lists the component catalog by category for the user to drag onto the canvas or quick-add.

The palette reads ``Catalog`` specs only: name, category colour, summary, boxes. A drag carries the
catalog id as ``application/x-kamaelia-component``; the quick-add popup (Tab or a double-click on
empty canvas) searches the same catalog from the keyboard.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import (
    QEvent,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRectF,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFontMetricsF, QIcon, QKeyEvent, QPainter, QPixmap
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.model import Catalog, ComponentSpec
from workbench.ui.canvas.style import paint_chip
from workbench.ui.canvas.view import MIME_COMPONENT
from workbench.ui.theme import DARK, Theme, icon

ID_ROLE = Qt.ItemDataRole.UserRole
TAG_ROLE = Qt.ItemDataRole.UserRole + 1
"""A small tag drawn as a pill at the right of an entry ("service")."""
COUNT_ROLE = Qt.ItemDataRole.UserRole + 2
"""A category's entry count, drawn right-aligned in its header row."""


def swatch(color: QColor, size: int = 14) -> QIcon:
    """A small rounded square of ``color`` (the category marker), drawn at 2x for crispness."""
    pix = QPixmap(size * 2, size * 2)
    pix.setDevicePixelRatio(2.0)
    pix.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    fill = QColor(color)
    fill.setAlpha(60)
    painter.setBrush(fill)
    painter.setPen(color)
    painter.drawRoundedRect(1, 1, size - 3, size - 3, 3, 3)
    painter.end()
    return QIcon(pix)


def spec_tooltip(spec: ComponentSpec) -> str:
    """Rich tooltip: name, summary, inboxes and outboxes with their descriptions."""

    def rows(boxes: dict[str, str]) -> str:
        return "".join(
            f"<tr><td><code>{html.escape(n)}</code></td><td>{html.escape(d)}</td></tr>"
            for n, d in boxes.items()
        )

    tags = " · service" if spec.is_service else ""
    return (
        f"<b>{html.escape(spec.name)}</b> <small>{html.escape(spec.category)}{tags}</small>"
        f"<p>{html.escape(spec.summary.replace('``', ''))}</p>"
        f"<p><b>Inboxes</b></p><table>{rows(spec.inboxes)}</table>"
        f"<p><b>Outboxes</b></p><table>{rows(spec.outboxes)}</table>"
        f"<p><small>{html.escape(spec.id)}</small></p>"
    )


class TagDelegate(QStyledItemDelegate):
    """Draws an entry as usual, then its tag (``TAG_ROLE``) as a pill right-aligned in the row."""

    def __init__(self, dock: PaletteDock) -> None:
        super().__init__(dock)
        self.dock = dock

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """The entry, then the pill in the service colour over its right end."""
        super().paint(painter, option, index)
        count = index.data(COUNT_ROLE)
        if count is not None:
            painter.save()
            painter.setPen(self.dock.theme.muted)
            painter.drawText(
                QRectF(option.rect).adjusted(0, 0, -10, 0),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                str(count),
            )
            painter.restore()
        tag = index.data(TAG_ROLE)
        if not tag:
            return
        color = QColor(self.dock.theme.service)
        font = painter.font()
        font.setPointSizeF(font.pointSizeF() * 0.8)
        width = QFontMetricsF(font).horizontalAdvance(tag) + 14
        rect = QRectF(option.rect)
        chip = QRectF(rect.right() - width - 6, rect.center().y() - 8, width, 16)
        paint_chip(painter, chip, tag, font, color, 40, color)


class PaletteTree(QTreeWidget):
    """The category tree; dragging an entry carries its catalog id."""

    def mimeData(self, items: Sequence[QTreeWidgetItem]) -> QMimeData:
        data = QMimeData()
        ids = [i.data(0, ID_ROLE) for i in items if i.data(0, ID_ROLE)]
        if ids:
            data.setData(MIME_COMPONENT, ids[0].encode("utf-8"))
            data.setText(ids[0])
        return data

    def mimeTypes(self) -> list[str]:
        return [MIME_COMPONENT]


EDIT_HINT = "Drag onto the canvas · Tab or double-click the canvas to quick-add"
LIVE_HINT = "Drag onto the canvas · Live view is read-only"


class PaletteDock(QDockWidget):
    """Searchable catalog dock."""

    component_activated = Signal(str)  #: catalog id double-clicked or Enter pressed

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        """Build the search box and the category tree."""
        super().__init__("Palette", parent)
        self.setObjectName("PaletteDock")
        self.catalog = catalog
        self.theme: Theme = DARK
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(8, 8, 8, 8)
        self.search = QLineEdit(placeholderText="Search components…")
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.textChanged.connect(self.refresh)
        self.search.returnPressed.connect(self._activate_first)
        self.tree = PaletteTree()
        self.tree.setHeaderHidden(True)
        self.tree.setIndentation(8)
        self.tree.setDragEnabled(True)
        self.tree.setDragDropMode(QTreeWidget.DragDropMode.DragOnly)
        self.tree.itemDoubleClicked.connect(self._on_double_click)
        self.tree.setItemDelegate(TagDelegate(self))
        self.read_only = False
        self.hint = QLabel(EDIT_HINT)
        self.hint.setObjectName("mutedLabel")
        self.hint.setWordWrap(True)
        layout.addWidget(self.search)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.hint)
        self.setWidget(body)
        self.refresh()

    def set_read_only(self, read_only: bool) -> None:
        """Live mode: the catalog stays readable (colours, search, tooltips) but nothing can be
        dragged or added."""
        self.read_only = read_only
        self.tree.setDragEnabled(not read_only)
        self.hint.setText(LIVE_HINT if read_only else EDIT_HINT)

    def set_theme(self, theme: Theme) -> None:
        """Recolour the category swatches."""
        self.theme = theme
        self.search.actions()[0].setIcon(icon("search", theme.muted))
        self.refresh()

    def refresh(self) -> None:
        """Rebuild the tree for the current search text."""
        text = self.search.text()
        matches = self.catalog.search(text) if text.strip() else list(self.catalog)
        self.tree.clear()
        order = ["My components", "Chassis", "Internet", "Util"]  # the user's own first
        cats = sorted(
            {s.category for s in matches},
            key=lambda c: (c not in order, order.index(c) if c in order else 0, c),
        )
        for category in cats:
            specs = [s for s in matches if s.category == category]
            head = QTreeWidgetItem([category.upper()])
            head.setData(0, COUNT_ROLE, len(specs))
            head.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = head.font(0)
            font.setBold(True)
            font.setPointSizeF(font.pointSizeF() * 0.85)
            head.setFont(0, font)
            head.setForeground(0, self.theme.muted)
            self.tree.addTopLevelItem(head)
            color = self.theme.category_color(category)
            for spec in sorted(specs, key=lambda s: s.name) if not text.strip() else specs:
                item = QTreeWidgetItem([spec.name])
                if spec.is_service:
                    item.setData(0, TAG_ROLE, "service")
                item.setIcon(0, swatch(color))
                item.setData(0, ID_ROLE, spec.id)
                item.setToolTip(0, spec_tooltip(spec))
                item.setFlags(
                    Qt.ItemFlag.ItemIsEnabled
                    | Qt.ItemFlag.ItemIsSelectable
                    | Qt.ItemFlag.ItemIsDragEnabled
                )
                head.addChild(item)
            head.setExpanded(True)

    def entries(self) -> list[str]:
        """Catalog ids currently listed (in order)."""
        out = []
        for i in range(self.tree.topLevelItemCount()):
            head = self.tree.topLevelItem(i)
            if head is None:
                continue
            children = (head.child(j) for j in range(head.childCount()))
            out += [child.data(0, ID_ROLE) for child in children if child is not None]
        return out

    def _on_double_click(self, item: QTreeWidgetItem, _column: int) -> None:
        component = item.data(0, ID_ROLE)
        if component and not self.read_only:
            self.component_activated.emit(component)

    def _activate_first(self) -> None:
        entries = self.entries()
        if entries and not self.read_only:
            self.component_activated.emit(entries[0])


class QuickAddPopup(QFrame):
    """A keyboard popup: type to filter the catalog, Enter to place the first match."""

    chosen = Signal(str)  #: catalog id

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        """Build the line edit and the result list."""
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("quickAdd")
        self.catalog = catalog
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.edit = QLineEdit(placeholderText="Add component…")
        self.list = QListWidget()
        self.list.setMinimumHeight(220)
        layout.addWidget(self.edit)
        layout.addWidget(self.list)
        self.resize(300, 280)
        self.edit.textChanged.connect(self._filter)
        self.edit.returnPressed.connect(self._choose_current)
        self.list.itemActivated.connect(lambda _item: self._choose_current())
        self.edit.installEventFilter(self)
        self._filter("")

    def popup_at(self, global_pos: QPoint) -> None:
        """Show at ``global_pos`` with an empty search."""
        self.edit.clear()
        self.move(global_pos)
        self.show()
        self.edit.setFocus()

    def _filter(self, text: str) -> None:
        self.list.clear()
        for spec in self.catalog.search(text):
            item = QListWidgetItem(f"{spec.name}  —  {spec.category}")
            item.setData(ID_ROLE, spec.id)
            item.setToolTip(spec_tooltip(spec))
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)

    def _choose_current(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.chosen.emit(item.data(ID_ROLE))
            self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Let Up/Down in the search box move through the results."""
        keys = (Qt.Key.Key_Down, Qt.Key.Key_Up)
        if watched is self.edit and isinstance(event, QKeyEvent) and event.key() in keys:
            if event.type() == QKeyEvent.Type.KeyPress:
                step = 1 if event.key() == Qt.Key.Key_Down else -1
                row = max(0, min(self.list.count() - 1, self.list.currentRow() + step))
                self.list.setCurrentRow(row)
            return True
        return super().eventFilter(watched, event)
