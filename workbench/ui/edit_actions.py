"""The window's editing: placing, deleting, selecting and laying out nodes, and what follows it.

Sits between the canvas's gestures and menus and the GraphEditor, which turns them into
undoable model commands: here a new component lands on the grid inside the group under it, and
the properties panel, the breadcrumb and the counts follow the selection and the document.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPointF

from workbench.model.layout import auto_layout
from workbench.ui.canvas.group_item import GroupItem
from workbench.ui.canvas.node_item import NodeItem

if TYPE_CHECKING:
    from workbench.ui.main_window import MainWindow


class EditActions:
    """What the Edit menu and the canvas's gestures do to the window's graph.

    Args:
        window: The MainWindow (its ``scene``, ``editor`` and panels).
    """

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.quick_pos = QPointF()
        """Where the quick-add popup was asked for: its component lands there."""

    def add_component(self, component: str, pos: QPointF) -> str | None:
        """Place ``component`` at scene ``pos``, inside the group under it if any."""
        w = self.window
        parent = None
        for item in w.scene.items(pos):
            if isinstance(item, GroupItem) and item.frame_rect().contains(pos):
                parent = item.node_id
                break
        grid = w.scene.grid_size
        xy = (round(pos.x() / grid) * grid, round(pos.y() / grid) * grid)
        try:
            node_id = w.editor.add_node(component, xy, parent=parent)
        except Exception as exc:  # unknown component, model refusal: tell, never crash
            w.report(f"Cannot add {component}: {exc}", "error")
            return None
        w.scene.clearSelection()
        node = w.scene.node_item(node_id)
        if node is not None:
            node.setSelected(True)
        return node_id

    def show_quick_add(self, pos: QPointF) -> None:
        """Pop the quick-add search up at scene ``pos``."""
        view = self.window.view
        self.quick_pos = pos
        self.window.quick_add.popup_at(view.mapToGlobal(view.mapFromScene(pos)))

    def delete_selection(self) -> None:
        """Delete the selected nodes, links and notes (one undo step)."""
        s = self.window.scene
        self.window.editor.remove(
            s.selected_node_ids(), s.selected_link_ids(), s.selected_note_ids()
        )

    def select_all(self) -> None:
        """Select every node and link."""
        for item in self.window.scene.items():
            if item.flags() & item.GraphicsItemFlag.ItemIsSelectable:
                item.setSelected(True)

    def auto_layout(self) -> None:
        """Lay the graph out left to right (one undo step)."""
        w = self.window

        def size_of(node_id: str) -> tuple[float, float]:
            item = w.scene.node_item(node_id)
            return (item.width, item.height) if isinstance(item, NodeItem) else (200.0, 100.0)

        w.editor.move_nodes(auto_layout(w.graph, size_of))
        w.view.fit_all()

    def reveal_node(self, node_id: str) -> None:
        """Select and centre a node."""
        w = self.window
        item = w.scene.node_item(node_id)
        if item is not None:
            w.scene.clearSelection()
            item.setSelected(True)
            w.view.centerOn(item)

    # -- what follows the selection and the document ---------------------------------------
    def on_selection(self) -> None:
        """Show the one selected node in the properties (with its crash, if it crashed)."""
        w = self.window
        w.chrome.update_breadcrumb()
        ids = w.scene.selected_node_ids()
        node = w.graph.node(ids[0]) if len(ids) == 1 and w.graph.has_node(ids[0]) else None
        if node is not w.properties.node:
            w.properties.set_node(node)
        item = w.scene.node_item(node.id) if node is not None else None
        if isinstance(item, NodeItem) and item.crashes:  # its own crash, or a copy's
            w.properties.show_crash(item.crash_text())
        elif item is not None and getattr(item, "state", None) == "crashed":
            w.properties.show_crash(item.detail)

    def on_node_activated(self, node_id: str) -> None:
        """A double-clicked node that crashed shows its traceback in the log."""
        item = self.window.scene.node_item(node_id)
        if isinstance(item, NodeItem) and (item.crash_text() or item.detail):
            text = item.crash_text() or item.detail or ""
            self.window.log.append_crash(node_id, item.title, text)

    def on_graph_event(self, event: str, payload: Any) -> None:
        """Keep the counts and the properties panel true to the document."""
        w = self.window
        if event.startswith(("node_added", "node_removed", "link_", "graph_reset")):
            w.chrome.update_counts()
        if event in ("param_changed", "node_renamed"):
            node = payload[0] if isinstance(payload, tuple) else payload
            w.properties.refresh(node.id)
        elif event in ("node_removed", "graph_reset"):
            shown = w.properties.node
            if shown is not None and not w.graph.has_node(shown.id):
                w.properties.set_node(None)
