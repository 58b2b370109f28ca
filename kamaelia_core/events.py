"""What an engine event says: the ``Event`` record, and the details events carry as data.

The tap (``kamaelia_core.instrument``) records raw heads and values; draining decodes each into
an ``Event``, whose ``extra`` holds, as plain JSON data, what a viewer in another process needs:
for a ``spawned`` event the description of the component (``describe``), for a delivery of an
ipc message the components that message names (``message_refs``). Nothing here runs while the
engine works: only when events are drained.
"""

from __future__ import annotations

import inspect
from typing import Any, NamedTuple

VALUE_LIMIT = 80
"""Longest value text kept for a message (characters)."""
Boxes = tuple[tuple[str, ...], tuple[str, ...]]
"""A component's inbox and outbox names, in declaration order."""


class Event(NamedTuple):
    """One engine event.

    Attributes:
        seq: Sequence number, gap-free per tap (a gap in drained events means drops).
        t: ``time.monotonic()`` when it happened.
        kind: Past-tense name: spawned, linked, unlinked, delivered, discarded, paused, woke,
            finished, crashed, stopped, box_added, box_removed, sampled, and counted (made by
            ``kamaelia_core.condense``, not the tap) (see docs/EVENTS.md).
        cid: Id of the component the event is about (the sender for deliveries).
        name: That component's name.
        box: The box involved on that side, or ``""``.
        sink_cid: For links and deliveries, the id of the receiving component, else 0.
        sink_name: Its name, or ``""``.
        sink_box: The receiving box, or ``""``.
        msg_type: The message's class name for deliveries, else ``""``.
        value: A truncated, safe repr of the message (a traceback for crashes).
        extra: Kind-specific details as plain JSON data (str keys; str, int, float, bool,
            None, lists and dicts), or None: what a viewer in another process needs, so that
            nobody has to look at live objects or parse ``value``.
    """

    seq: int
    t: float
    kind: str
    cid: int
    name: str
    box: str
    sink_cid: int
    sink_name: str
    sink_box: str
    msg_type: str
    value: str
    extra: dict[str, Any] | None


def safe_repr(value: Any, limit: int = VALUE_LIMIT) -> str:
    """Return a repr of ``value`` no longer than ``limit`` that never raises."""
    if isinstance(value, (bytes, str)) and len(value) > limit:
        text = repr(value[:limit])
    else:
        try:
            text = repr(value)
        except Exception as exc:
            return f"<{type(value).__name__}: repr failed: {type(exc).__name__}>"
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def _ref(value: Any) -> int | list[int] | None:
    """The component id(s) a message field refers to: a component, ``(component, ...)`` (the
    seed's ``(CSA, sock)``), ``((component, box), sock)`` (selector requests) or a tuple of
    components (``shutdownMicroprocess``)."""
    cid = getattr(value, "cid", None)
    if isinstance(cid, int):
        return cid
    if isinstance(value, tuple) and value:
        first = value[0]
        if isinstance(first, tuple) and first:
            first = first[0]
        cid = getattr(first, "cid", None)
        if isinstance(cid, int):
            if len(value) > 1 and all(isinstance(getattr(v, "cid", None), int) for v in value):
                return [v.cid for v in value]
            return cid
    return None


def message_refs(message: Any) -> dict[str, Any] | None:
    """The components an ipc message names, by field: ``{"caller": 3, "object": 7}``.

    ``newCSA``/``shutdownCSA`` name their CSA under ``object`` (whether the message carries the
    CSA or the seed's ``(CSA, sock)``), ``socketShutdown`` its CSA under ``caller``, selector
    requests the component to notify under ``object``. None when it names none.
    """
    refs: dict[str, Any] | None = None
    for field in message._field_names:
        ref = _ref(getattr(message, field, None))
        if ref is not None:
            if refs is None:
                refs = {}
            refs[field] = ref
    return refs


_class_facts: dict[type, dict[str, Any]] = {}


def _facts_of(cls: type) -> dict[str, Any]:
    """What a component's class says about it (computed once per class)."""
    facts = _class_facts.get(cls)
    if facts is None:
        facts = {"cls": f"{cls.__module__}.{cls.__qualname__}"}
        for attr, key in (
            ("IsService", "service"),
            ("Daemon", "daemon"),
            ("SpawnsChildren", "spawns"),
        ):
            if getattr(cls, attr, False):
                facts[key] = True
        for attr, key in (("Category", "category"), ("ContainerKind", "container")):
            text = getattr(cls, attr, None)
            if isinstance(text, str):
                facts[key] = text
        if getattr(cls, "Threaded", False):
            facts["threaded"] = True
        _class_facts[cls] = facts
        _param_names[cls] = _init_params(cls)
    return facts


_param_names: dict[type, tuple[str, ...]] = {}
PARAMS_LIMIT = 12
"""Most constructor parameters a ``spawned`` event reports."""


def _init_params(cls: type[Any]) -> tuple[str, ...]:
    """The keyword parameters of ``cls.__init__`` (what a user would have passed)."""
    try:
        signature = inspect.signature(cls.__init__)
    except (TypeError, ValueError):
        return ()
    kinds = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    return tuple(
        name for name, p in signature.parameters.items() if name != "self" and p.kind in kinds
    )[:PARAMS_LIMIT]


def _plain(value: Any) -> Any:
    """``value`` as JSON data when it is simple (numbers, text, short tuples of those), else a
    short text for people; None when it is nothing worth showing."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value if not isinstance(value, str) else value[:VALUE_LIMIT]
    if isinstance(value, (bytes, tuple, list)) and len(value) <= 8:
        if isinstance(value, bytes):
            return safe_repr(value)
        items = [_plain(v) for v in value]
        if all(i is None or isinstance(i, (bool, int, float, str)) for i in items):
            return items
    return None


def _params_of(comp: Any) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for name in _param_names.get(comp.__class__, ()):
        try:
            value = _plain(getattr(comp, name))
        except Exception:  # a property of user code: skip it
            continue
        if value is not None:
            params[name] = value
    return params


def describe(comp: Any, parent: Any = None, boxes: Boxes | None = None) -> dict[str, Any]:
    """The ``spawned`` event's details of ``comp``: everything a viewer needs to draw it.

    Keys: ``cls`` (dotted class path), ``parent`` (cid or None), ``inboxes``/``outboxes``
    (box names in declaration order, as ``boxes`` recorded them when it was spawned; boxes added
    later arrive as ``box_added`` events), the class's flags when set (``service``, ``daemon``,
    ``spawns``, ``threaded``, ``category``, ``container``), the workbench's tags when present
    (``design_id``, ``instance_of``), ``connection`` (for a per-connection protocol handler,
    the cid of its CSA), ``params`` (its constructor parameters read back from the component,
    simple values only), ``children`` (cids of the children it has when drained), and what the
    component reports of itself through ``live_details()`` (a CSA's ``peer``, a TCPServer's
    ``listening`` address...).
    """
    extra = dict(_facts_of(comp.__class__))
    extra["parent"] = getattr(parent, "cid", None)
    params = _params_of(comp)
    if params:
        extra["params"] = params
    children = getattr(comp, "children", None)
    if children:
        extra["children"] = [child.cid for child in children]
    if boxes is None:
        boxes = (tuple(getattr(comp, "inboxes", ())), tuple(getattr(comp, "outboxes", ())))
    extra["inboxes"], extra["outboxes"] = list(boxes[0]), list(boxes[1])
    # read as attributes, never through ``comp.__dict__``: touching an instance's __dict__
    # makes CPython (3.11) keep its attributes in a real dict from then on, and every
    # attribute access of that (long-lived, busy) component slower: a tap must not do that
    for key in ("design_id", "instance_of"):
        tag = getattr(comp, key, None)
        if isinstance(tag, str):
            extra[key] = tag
    connection = getattr(comp, "_connection_cid", None)
    if isinstance(connection, int):
        extra["connection"] = connection
    details = getattr(comp, "live_details", None)
    if details is not None:
        try:
            more = details()
        except Exception as exc:  # user code: a broken report must not break the stream
            more = {"details_error": f"{type(exc).__name__}: {exc}"}
        if more:
            extra.update(more)
    return extra
