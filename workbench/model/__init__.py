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
from workbench.model.codegen import ExportError, export_python
from workbench.model.commands import (
    AddAnnotation,
    AddLink,
    AddNode,
    Command,
    CommandError,
    EditAnnotation,
    Macro,
    MoveNode,
    MoveNodes,
    RemoveAnnotation,
    RemoveLink,
    RemoveNode,
    RenameNode,
    SetParam,
    remove_selection,
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
from workbench.model.grouping import Group, Ungroup
from workbench.model.io import GraphFileError, dumps, load, loads, save
from workbench.model.stack import CommandStack
from workbench.model.validate import Problem, check_link, validate
from workbench.model.values import BadValueError, UntrustedCodeError

__all__ = [
    "CONTAINER_KINDS",
    "EVENTS",
    "AddAnnotation",
    "AddLink",
    "AddNode",
    "Annotation",
    "BadValueError",
    "Catalog",
    "Command",
    "CommandError",
    "CommandStack",
    "ComponentSpec",
    "EditAnnotation",
    "ExportError",
    "Graph",
    "GraphError",
    "GraphFileError",
    "Group",
    "ImplicitLink",
    "Link",
    "Macro",
    "MoveNode",
    "MoveNodes",
    "Node",
    "ParamSpec",
    "Problem",
    "RemoveAnnotation",
    "RemoveLink",
    "RemoveNode",
    "RenameNode",
    "SetParam",
    "Ungroup",
    "UnknownComponentError",
    "UntrustedCodeError",
    "build_spec",
    "check_link",
    "class_id",
    "dumps",
    "export_python",
    "load",
    "loads",
    "remove_selection",
    "save",
    "validate",
]
