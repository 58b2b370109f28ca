"""The composing canvas: a QGraphicsScene that observes a workbench.model Graph, and its items."""
