"""The workbench's design model: graphs, the component catalog, files, validation, undo, export.

Pure Python with no Qt and no live components; ``workbench.runtime`` and ``workbench.ui`` build on
it. Import the public names from here.
"""

from workbench.model.catalog import (
    Catalog,
    ComponentSpec,
    ParamSpec,
    UnknownComponentError,
    build_spec,
    class_id,
)
from workbench.model.graph import (
    CONTAINER_KINDS,
    EVENTS,
    Annotation,
    Graph,
    GraphError,
    ImplicitLink,
    Link,
    Node,
)

__all__ = [
    "CONTAINER_KINDS",
    "EVENTS",
    "Annotation",
    "Catalog",
    "ComponentSpec",
    "Graph",
    "GraphError",
    "ImplicitLink",
    "Link",
    "Node",
    "ParamSpec",
    "UnknownComponentError",
    "build_spec",
    "class_id",
]
