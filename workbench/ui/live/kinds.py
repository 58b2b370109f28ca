"""Classifies engine events for the live view: token colour, log category and short display names.

Sits between the runtime's EventStream and every live-view drawing: the token layer, the log dock
and the legend all ask here, so one message type has one colour and one category everywhere.
"""

from __future__ import annotations

import re

from kamaelia_core.instrument import Event

NEW_TYPES = frozenset({"newCSA", "newReader", "newWriter", "newExceptional", "newServer",
                       "newComponent"})  # fmt: skip
CLOSING_TYPES = frozenset({"shutdownCSA", "socketShutdown", "removeReader", "removeWriter",
                           "removeExceptional", "serverShutdown", "shutdownMicroprocess",
                           "shutdown"})  # fmt: skip
EOS_TYPES = frozenset({"producerFinished"})
SPECIAL_TYPES = NEW_TYPES | CLOSING_TYPES | EOS_TYPES
"""Message types that are not plain data (they get a labelled token and are never sampled)."""
CONTROL_BOXES = frozenset({"control", "signal"})
LIFECYCLE_KINDS = frozenset({"spawned", "finished", "stopped", "crashed", "linked", "unlinked"})
LOGGED_KINDS = LIFECYCLE_KINDS | {"delivered", "discarded"}
"""Event kinds the message log shows (paused/woke only feed the state badges)."""

CATEGORIES = ("all", "data", "lifecycle", "control")

_SHORT = {"ConnectedSocketAdapter": "CSA"}
_RADDR = re.compile(r"raddr=\('([^']+)', (\d+)\)")


def token_kind(msg_type: str) -> str:
    """The token colour family of a message type: "new", "closing", "eos" or "data"."""
    if msg_type in NEW_TYPES:
        return "new"
    if msg_type in CLOSING_TYPES:
        return "closing"
    if msg_type in EOS_TYPES:
        return "eos"
    return "data"


def category(ev: Event) -> str:
    """The log chip an event belongs to: "data", "lifecycle" or "control"."""
    if ev.kind not in ("delivered", "discarded"):
        return "lifecycle"
    kind = token_kind(ev.msg_type)
    if kind in ("new", "closing"):
        return "lifecycle"
    if kind == "eos" or ev.sink_box in CONTROL_BOXES or ev.box in CONTROL_BOXES:
        return "control"
    return "data"


def short_name(name: str) -> str:
    """A compact component name: "ConnectedSocketAdapter#12" -> "CSA#12"."""
    cls, sep, rest = name.partition("#")
    return f"{_SHORT.get(cls, cls)}{sep}{rest}"


def class_label(qualified: str) -> str:
    """The bare class name of a dotted class path."""
    return qualified.rsplit(".", 1)[-1]


def peer_from_repr(text: str) -> str | None:
    """Find "host:port" of a socket's remote end in a message repr (None when absent)."""
    match = _RADDR.search(text)
    return f"{match.group(1)}:{match.group(2)}" if match else None


def type_label(ev: Event) -> str:
    """What the log's type column shows: the message type, or the event kind."""
    if ev.kind == "delivered":
        return ev.msg_type or "data"
    return ev.kind


def is_data_message(msg_type: str) -> bool:
    """True for plain payloads (drawn as small blue dots rather than labelled pills)."""
    return token_kind(msg_type) == "data"
