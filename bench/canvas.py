"""Benchmark: repaint time of a 2,000-card graph (1,000 CSA -> Echo pairs) on the canvas.

Offscreen. Prints the median repaint time fitted (far out: labels hidden, full-viewport updates,
cards cached) and at 100 % zoom. Budget from DESIGN.md: a cached big graph paints in a few ms.

Usage::

    QT_QPA_PLATFORM=offscreen python bench/canvas.py [--pairs 1000] [--repeat 9]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from kamaelia_core.net.csa import ConnectedSocketAdapter
from kamaelia_core.util.echo import Echo
from workbench.model import Catalog, Graph
from workbench.model.catalog import class_id
from workbench.ui.canvas.scene import GraphScene
from workbench.ui.canvas.view import GraphView


def main() -> None:
    """Build the graph, paint it fitted and at 100 %, print medians."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    catalog = Catalog([ConnectedSocketAdapter, Echo])
    graph = Graph()
    for i in range(args.pairs):
        x, y = (i % 40) * 520, (i // 40) * 160
        a = graph.add_node(class_id(ConnectedSocketAdapter), position=(x, y))
        b = graph.add_node(class_id(Echo), position=(x + 260, y))
        graph.add_link((a.id, "outbox"), (b.id, "inbox"))
    scene = GraphScene(graph, catalog)
    view = GraphView(scene)
    view.resize(1600, 1000)
    view.show()
    app.processEvents()
    print(f"{2 * args.pairs} cards, {args.pairs} links, viewport 1600x1000")
    for label, zoom in (("fitted", None), ("100 %", 1.0)):
        view.fit_all() if zoom is None else view.set_zoom(zoom)
        view.viewport().repaint()  # warm the caches
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            view.viewport().repaint()
            times.append(time.perf_counter() - start)
        print(f"  repaint {label:7s} median {statistics.median(times) * 1000:6.1f} ms")
    view.close()
    scene.close()


if __name__ == "__main__":
    main()
