"""Records a session's events to JSON lines and exports them as a Chrome/Perfetto trace.

A Recorder subscribes to an EventStream and appends every event to a JSONL file as it arrives
(nothing is sampled: a recording keeps every event the tap delivered, and notes drops). The first
line is a header (``{"format": "kamaelia-recording", "version": 1, "title": ..., "graph": ...}``)
holding the graph document that was run, if any, so a replay draws it as it was. The trace
export turns a recording into the Chrome Trace Event format that Perfetto and chrome://tracing
open: one track per component, its life as a span, every delivery as a flow arrow from sender to
receiver, and each ConnectedSocketAdapter as an object with a lifetime.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from kamaelia_core.instrument import Event
from workbench.runtime.events import EventStream

log = logging.getLogger(__name__)

FIELDS = Event._fields
FORMAT = "kamaelia-recording"
VERSION = 1


class RecordingError(ValueError):
    """A recording file cannot be read; the message names the file and line."""


def event_to_json(event: Event) -> dict[str, Any]:
    """One event as a JSON-ready dict (keys are the Event field names)."""
    data = event._asdict()
    if data["extra"] is None:
        del data["extra"]
    return data


def event_from_json(data: dict[str, Any]) -> Event:
    """Rebuild an Event from :func:`event_to_json` output.

    Raises:
        ValueError: A required field is missing.
    """
    missing = [f for f in FIELDS if f not in data and f != "extra"]
    if missing:
        raise ValueError(f"event record lacks {', '.join(missing)}: {data!r}")
    fields: dict[str, Any] = {f: data.get(f) for f in FIELDS}
    return Event(**fields)


class Recorder:
    """Writes every event of a stream to a JSONL file.

    Args:
        stream: The event stream to record.
        path: The JSONL file to write (replaced).
        title: What was run, for people ("echo_server.kgraph.json").
        graph: The graph document that was run, as ``workbench.model.io.graph_to_data`` gives
            it (None for a program: a replay draws it from the events).
        preamble: Events written first: for a recording started mid-run, a snapshot of what
            is live (``LiveModel.snapshot_events``), so a replay starts from there.
    """

    def __init__(
        self,
        stream: EventStream,
        path: str | os.PathLike[str],
        title: str = "",
        graph: dict[str, Any] | None = None,
        preamble: Iterable[Event] = (),
    ) -> None:
        self.path = Path(path)
        self.count = 0
        self._file: IO[str] | None = self.path.open("w", encoding="utf-8")
        header = {"format": FORMAT, "version": VERSION, "title": title, "graph": graph}
        self._file.write(json.dumps(header, separators=(",", ":")) + "\n")
        self._write(list(preamble))
        self._stream = stream
        self._unsubscribe = stream.subscribe(self._write)

    def _write(self, batch: list[Event]) -> None:
        if self._file is None or not batch:
            return
        lines = [json.dumps(event_to_json(ev), separators=(",", ":")) for ev in batch]
        self._file.write("\n".join(lines) + "\n")
        self.count += len(batch)

    def close(self) -> None:
        """Stop recording and close the file (a note of dropped events is appended)."""
        if self._file is None:
            return
        self._unsubscribe()
        if self._stream.dropped:
            note = {"note": "dropped", "count": self._stream.dropped}
            self._file.write(json.dumps(note) + "\n")
        self._file.close()
        self._file = None

    def __enter__(self) -> Recorder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_header(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The header of a recording (``{}`` for a recording made before headers existed).

    Raises:
        RecordingError: The file cannot be read, is not JSON lines, or is of a newer version.
        FileNotFoundError: No such file.
    """
    with open(path, encoding="utf-8") as fh:
        first = fh.readline()
    if not first.strip():
        return {}
    try:
        data = json.loads(first)
    except json.JSONDecodeError as exc:
        raise RecordingError(f"{path}:1: not a recording (not JSON: {exc.msg})") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        if isinstance(data, dict) and "seq" in data:
            return {}
        raise RecordingError(f"{path}:1: not a kamaelia recording (no {FORMAT!r} header)")
    version = data.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise RecordingError(
            f"{path}: recording version {version!r} is newer than this workbench reads "
            f"({VERSION}); update kamaelia-workbench"
        )
    return data


def read_events(path: str | os.PathLike[str]) -> Iterator[Event]:
    """Events from a JSONL recording (the header and notes are skipped).

    Raises:
        RecordingError: A line is not valid JSON or not an event; the message names the line.
    """
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise RecordingError(f"{path}:{number}: not JSON ({exc.msg})") from exc
            if not isinstance(data, dict):
                raise RecordingError(f"{path}:{number}: not an event record: {line[:60]!r}")
            if "note" in data or data.get("format") == FORMAT:
                continue
            try:
                yield event_from_json(data)
            except (TypeError, ValueError) as exc:
                raise RecordingError(f"{path}:{number}: {exc}") from exc


def _us(t: float, t0: float) -> float:
    return round((t - t0) * 1e6, 3)


def to_chrome_trace(events: Iterable[Event]) -> dict[str, Any]:
    """Convert events to a Chrome Trace Event document (``{"traceEvents": [...]}``)."""
    events = list(events)
    out: list[dict[str, Any]] = []
    if not events:
        return {"traceEvents": out, "displayTimeUnit": "ms"}
    t0 = events[0].t
    named: set[int] = set()
    started: dict[int, float] = {}
    csas: set[int] = set()

    def track(cid: int, name: str) -> None:
        if cid and cid not in named:
            named.add(cid)
            out.append(
                {"ph": "M", "name": "thread_name", "pid": 1, "tid": cid, "args": {"name": name}}
            )

    flow = 0
    for ev in events:
        ts = _us(ev.t, t0)
        track(ev.cid, ev.name)
        if ev.kind == "spawned":
            started[ev.cid] = ts
            cls = (ev.extra or {}).get("cls", "")
            if cls.endswith("ConnectedSocketAdapter"):
                csas.add(ev.cid)
                out.append(
                    {"ph": "N", "name": "CSA", "id": ev.cid, "pid": 1, "tid": ev.cid, "ts": ts}
                )
        elif ev.kind in ("finished", "stopped", "crashed"):
            begin = started.pop(ev.cid, 0.0)
            span = {
                "ph": "X",
                "name": ev.name,
                "cat": ev.kind,
                "pid": 1,
                "tid": ev.cid,
                "ts": begin,
                "dur": max(ts - begin, 0.001),
            }
            if ev.kind == "crashed":
                span["args"] = {"traceback": (ev.extra or {}).get("traceback", ev.value)}
            out.append(span)
            if ev.cid in csas:
                out.append(
                    {"ph": "D", "name": "CSA", "id": ev.cid, "pid": 1, "tid": ev.cid, "ts": ts}
                )
        elif ev.kind == "delivered":
            track(ev.sink_cid, ev.sink_name)
            flow += 1
            label = f"{ev.box}->{ev.sink_box} {ev.msg_type}"
            args = {"value": ev.value, "sink": f"{ev.sink_name}.{ev.sink_box}"}
            out.append(
                {"ph": "i", "s": "t", "name": label, "pid": 1, "tid": ev.cid, "ts": ts,
                 "args": args}
            )  # fmt: skip
            out.append({"ph": "s", "id": flow, "name": ev.msg_type, "cat": "msg", "pid": 1,
                        "tid": ev.cid, "ts": ts})  # fmt: skip
            out.append({"ph": "f", "bp": "e", "id": flow, "name": ev.msg_type, "cat": "msg",
                        "pid": 1, "tid": ev.sink_cid, "ts": ts + 0.001})  # fmt: skip
        else:
            out.append(
                {"ph": "i", "s": "t", "name": ev.kind, "pid": 1, "tid": ev.cid, "ts": ts,
                 "args": {"box": ev.box, "sink": ev.sink_name, "sink_box": ev.sink_box}}
            )  # fmt: skip
    end = _us(events[-1].t, t0)
    for cid, begin in started.items():
        out.append({"ph": "X", "name": "running", "pid": 1, "tid": cid, "ts": begin,
                    "dur": max(end - begin, 0.001)})  # fmt: skip
    return {"traceEvents": out, "displayTimeUnit": "ms"}


def write_chrome_trace(events: Iterable[Event], path: str | os.PathLike[str]) -> int:
    """Write the Chrome trace of ``events`` to ``path`` atomically; returns trace entries."""
    doc = to_chrome_trace(events)
    target = Path(path)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump(doc, fh, separators=(",", ":"))
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    return len(doc["traceEvents"])
