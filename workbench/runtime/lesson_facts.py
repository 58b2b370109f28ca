"""The lesson engine's eyes: one Facts record kept true to the document, the run and its model.

Sits between what a window holds and the lessons. It observes the design Graph (nodes and links
added, parameters changed), the run it is told about (the run's LiveModel changes, the
Session's state, the Debugger's breakpoints and hits) and what the window pushes to it (the
document's path, the run controller's state, the log filter's text, loads of the user's
components), updates :class:`~workbench.model.lesson_steps.Facts` and announces it. Nothing is
polled and nothing reads a live component: the run's facts come from the model's ``Changes``
and the session's and debugger's own observers. No Qt.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from workbench.model.catalog import Catalog, UnknownComponentError
from workbench.model.graph import Graph
from workbench.model.lesson_steps import Facts, who_key
from workbench.model.observers import Observers
from workbench.runtime.live_model import Changes, LiveEntity

log = logging.getLogger(__name__)

RUN_STATES = ("idle", "running", "paused", "stopped", "finished")


class FactCollector:
    """Keeps :attr:`facts` up to date and tells subscribers after each change.

    Args:
        graph: The window's design document (observed for the whole life of the collector).
        catalog: Resolves component ids to class names and palette categories.
    """

    def __init__(self, graph: Graph, catalog: Catalog) -> None:
        self.graph = graph
        self.catalog = catalog
        self.facts = Facts()
        self.session: Any = None
        self._controller_state = "idle"
        self._session_paused = False
        self._unhooks: list[Callable[[], None]] = []
        self._observers: Observers[[Facts]] = Observers("lesson facts observer")
        self._unsubscribe_graph: Callable[[], None] | None = graph.subscribe(self._on_graph)

    def __repr__(self) -> str:
        f = self.facts
        return f"<FactCollector run={f.run_state} runs={f.runs_started} doc={f.document}>"

    def subscribe(self, callback: Callable[[Facts], None]) -> Callable[[], None]:
        """Call ``callback(facts)`` after each change; returns an unsubscribe function."""
        return self._observers.subscribe(callback)

    def close(self) -> None:
        """Stop observing the graph and the run (idempotent)."""
        self._unfollow()
        if self._unsubscribe_graph is not None:
            self._unsubscribe_graph()
            self._unsubscribe_graph = None

    def _changed(self) -> None:
        self._observers.notify(self.facts)

    # -- what the window pushes ---------------------------------------------------------------
    def set_document(self, path: str | Path | None) -> None:
        """The open document's file (None: untitled)."""
        self.facts.document = str(Path(path).resolve()) if path is not None else None
        self._changed()

    def set_log_filter(self, text: str) -> None:
        """The message log's filter text."""
        self.facts.log_filter = text
        self._changed()

    def set_components(self, classes: int, error: str = "") -> None:
        """A load of the user's components brought in ``classes`` classes, or failed."""
        self.facts.components_loads += 1
        self.facts.components_loaded = 0 if error else classes
        self.facts.components_error = error
        self._changed()

    def set_run_state(self, state: str, session: Any = None) -> None:
        """The run controller's state, with its current run (a new one is followed).

        Raises:
            ValueError: ``state`` is not one of :data:`RUN_STATES`.
        """
        if state not in RUN_STATES:
            raise ValueError(f"run state {state!r} is not one of {', '.join(RUN_STATES)}")
        if session is not None and session is not self.session:
            self._follow(session)
        self._controller_state = state
        if state == "finished":
            self.facts.finished = True
        if state in ("idle", "stopped"):
            self._unfollow()
        self._update_run_state()
        self._changed()

    def _update_run_state(self) -> None:
        paused = self._session_paused and self.session is not None
        self.facts.run_state = "paused" if paused else self._controller_state

    # -- following one run ----------------------------------------------------------------------
    def _follow(self, session: Any) -> None:
        self._unfollow()
        self.session = session
        self.facts.new_run()
        self._session_paused = getattr(session, "state", "") == "paused"
        self._unhooks.append(session.model.subscribe(self._on_model))
        subscribe_state = getattr(session, "subscribe_state", None)
        if subscribe_state is not None:
            subscribe_state(lambda state, s=session: self._on_session_state(s, state))
        debugger = getattr(session, "debugger", None)  # runs of other kinds may have none
        if debugger is not None and hasattr(debugger, "subscribe_breakpoints"):
            self._unhooks.append(debugger.subscribe_hits(self._on_hit))
            self._unhooks.append(debugger.subscribe_breakpoints(self._on_breakpoints))
            self._on_breakpoints(debugger.specs, notify=False)
        self._count(session.model)

    def _unfollow(self) -> None:
        for unhook in self._unhooks:
            unhook()
        self._unhooks = []
        self.session = None
        self._session_paused = False

    def _on_session_state(self, session: Any, state: str) -> None:
        if session is not self.session:  # a run we no longer follow (Session keeps listeners)
            return
        self._session_paused = state == "paused"
        self._update_run_state()
        self._changed()

    def _on_hit(self, hit: Any) -> None:
        event = getattr(hit, "event", None)
        msg_type = event.msg_type if event is not None else hit.breakpoint.msg_type or ""
        self.facts.hits[msg_type] += 1
        self._changed()

    def _on_breakpoints(self, specs: Iterable[Any], notify: bool = True) -> None:
        self.facts.breakpoints = [spec.msg_type or "" for spec in specs]
        if notify:
            self._changed()

    def _on_model(self, changes: Changes) -> None:
        session = self.session
        if session is None:
            return
        model = session.model
        facts = self.facts
        for ev, _hops in changes.delivered:
            n = (ev.extra or {}).get("n", 1) if ev.kind == "counted" else 1
            facts.delivered[ev.msg_type] += n
            facts.last_delivery = ev.msg_type
            if ev.sink_box == "inbox":
                sink = model.entities.get(ev.sink_cid)
                if sink is not None:
                    for key in self.keys_of(sink):
                        facts.received[key] += n
        for ent in changes.entity_ended:
            if ent.state == "crashed":
                for key in self.keys_of(ent):
                    facts.crashed[key] += 1
        self._count(model)
        self._changed()

    def _count(self, model: Any) -> None:
        facts = self.facts
        facts.listening = len(model.listening())
        facts.accepted = model.accepted
        facts.closed = model.closed
        facts.live_connections = model.live_connections()

    # -- the design -----------------------------------------------------------------------------
    def _on_graph(self, event: str, payload: Any) -> None:
        facts = self.facts
        if event == "node_added":
            for key in self._node_keys(payload.id):
                facts.nodes_added[key] += 1
        elif event == "link_added":
            keys = set(self._node_keys(payload.source[0])) | set(self._node_keys(payload.sink[0]))
            for key in keys:
                facts.links_added[key] += 1
        elif event == "param_changed":
            node, name = payload
            facts.params_set.add(f"{node.name}.{name}".lower())
        else:
            return
        self._changed()

    def _node_keys(self, node_id: str) -> list[str]:
        """ "*", the node's name, its class name and its palette category."""
        if not self.graph.has_node(node_id):
            return ["*"]
        node = self.graph.node(node_id)
        keys = ["*", who_key(node.name)]
        try:
            spec = self.catalog.get(node.component)
        except UnknownComponentError:
            keys.append(who_key(node.component.rsplit(".", 1)[-1]))
        else:
            keys += [who_key(spec.name), who_key(spec.category)]
        return list(dict.fromkeys(keys))

    def keys_of(self, ent: LiveEntity) -> list[str]:
        """ "*", a live component's class name, its design node's name and palette category."""
        keys = ["*", who_key(ent.class_name)]
        if ent.design_id is not None and self.graph.has_node(ent.design_id):
            keys.append(who_key(self.graph.node(ent.design_id).name))
        if ent.cls in self.catalog:
            keys.append(who_key(self.catalog.get(ent.cls).category))
        return list(dict.fromkeys(keys))
