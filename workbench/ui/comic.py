"""Renders a comic strip of a recording: the canvas at chosen moments, captioned, in a grid.

Sits beside the window, never in it: ``render_comic`` opens the recording as a ``Replay`` of its
own, draws it on a scene of its own with the same LiveController the window uses (so a panel
looks like the live view: live cards, links, counter pills, tokens on their way), moves the
replay to each moment the plan (``comic_plan``) picked, and records each panel; ``comic_page``
lays them out in ``columns``, captioned with their time and the event that just happened, into
one PNG and, if asked, one SVG. Works headless (offscreen) and leaves any run the window
watches alone. ``kamaelia-workbench --comic`` calls it; ``draw_strip`` gives the laid-out strip
itself (tests, scripts that want the layout).
"""

from __future__ import annotations

import bisect
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter, QPicture
from PySide6.QtWidgets import QApplication

from kamaelia_core.instrument import Event
from workbench.model import Catalog, Graph
from workbench.model.io import GraphFileError, data_to_graph
from workbench.runtime.builder import templates_of
from workbench.runtime.events import FRAME_EVENTS
from workbench.runtime.program_graph import ProgramGraph
from workbench.runtime.recorder import RecordingError
from workbench.runtime.replay import Replay
from workbench.ui import export
from workbench.ui.canvas.scene import GraphScene
from workbench.ui.comic_page import PANEL_W, Sheet, paint_page
from workbench.ui.comic_plan import (
    Bound,
    ComicError,
    Moment,
    Planner,
    check_layout,
    parse_bound,
)
from workbench.ui.live import kinds, readouts, routing
from workbench.ui.live.controller import TOKENS_PER_BATCH, LiveController
from workbench.ui.live.pump import FramePump
from workbench.ui.theme import THEMES, Theme

log = logging.getLogger(__name__)

__all__ = ["ComicError", "Strip", "draw_strip", "render_comic"]

DEFAULT_COLUMNS = 3
SWEEP_S = 0.25
"""Recorded seconds between two looks at ended cards while the replay moves on (the live
view looks at every frame; this is often enough for rows to be freed as they were live)."""

DESCRIPTION = "A comic strip drawn by Kamaelia Workbench"
Progress = Callable[[int, int], bool]
"""``progress(done, total)`` after each panel; returning False cancels the strip."""


class PanelController(LiveController):
    """A LiveController drawing a replay at chosen moments rather than as it plays.

    The replay is moved by the strip (never by a frame timer); ended cards fade and go by the
    recorded clock, and the tokens of a panel are those that would be on their way at its
    moment, at the point of their journey they would have reached.
    """

    def catch_up(self, t: float) -> None:
        """Retire the cards that ended long enough before ``t`` (an event time)."""
        now = time.monotonic()
        for ent in self.entities.values():
            live = ent.live
            if ent.ended_at is not None and live is not None and live.ended_t is not None:
                ent.ended_at = now - max(0.0, t - live.ended_t)
        self._sweep(now)

    def show_tokens(self, recent: list[Event], t: float, highlight: Event | None) -> None:
        """Put the deliveries of ``recent`` on their links as they were at ``t`` (an event
        time: the recording's clock), ``highlight``'s link in the accent colour."""
        tokens = self.tokens
        tokens.clear()
        tokens.enabled = True
        now = time.monotonic()
        travel = tokens.travel
        for ev in recent[-TOKENS_PER_BATCH:]:
            key = (ev.cid, ev.box, ev.sink_cid, ev.sink_box)
            hops = self.links.route(key, self.model.route(key))
            if ev is highlight:
                for disp in hops[:1]:
                    disp.item.set_highlighted(True)
            before = len(tokens.tokens)
            routing.emit_token(self, ev, hops, kinds.token_kind(ev.msg_type))
            for hop, token in enumerate(tokens.tokens[before:]):
                token.start = now - (t - ev.t) + hop * travel
        tokens.tick()
        tokens.timer.stop()  # a panel is a still: nothing moves on afterwards
        tokens.enabled = False

    def unhighlight(self) -> None:
        """Back to plain links after a panel."""
        for disp in self.links.display.values():
            if disp.item.highlighted:
                disp.item.set_highlighted(False)


class ComicRun:
    """A recording replayed on a scene of its own, moved from moment to moment.

    Args:
        path: The recording.
        catalog: Where the cards' specs come from.
        theme: The colours to draw with.

    Raises:
        ComicError: The file is missing or not a recording, or holds no events.
    """

    def __init__(self, path: str | os.PathLike[str], catalog: Catalog, theme: Theme) -> None:
        try:
            self.replay = Replay(path)
        except FileNotFoundError:
            raise ComicError(f"no such recording: {path}") from None
        except (RecordingError, OSError, UnicodeDecodeError) as exc:
            raise ComicError(f"cannot read the recording: {exc}") from exc
        self.planner = Planner(self.replay.recorded)
        self.graph = Graph()
        self._program: ProgramGraph | None = None
        self._draw_graph(catalog)
        self.scene = GraphScene(self.graph, catalog)
        self.scene.set_theme(theme)
        self._pump = FramePump(self.replay)  # never started: the strip moves the replay
        self.controller = PanelController(self.scene, self.replay, pump=self._pump)
        self.controller.set_tokens_enabled(False)  # tokens are put on per panel
        self.controller.start()
        self._previous: float | None = None
        """Seconds into the recording of the panel before (None before the first)."""

    def _draw_graph(self, catalog: Catalog) -> None:
        """The graph that was recorded; else one grown from the events (a program)."""
        data = self.replay.graph_data
        if data is not None:
            try:
                graph = data_to_graph(data, catalog)
            except GraphFileError as exc:
                log.info("recorded graph not drawable (%s): drawn from its events", exc)
            else:
                self.graph.replace_with(graph)
                self.replay.model.templates.update(templates_of(graph))
                return
        self._program = ProgramGraph(self.graph, catalog)
        self.replay.model.placer.undeclared = self._program.undeclared
        self.replay.model.subscribe(self._program.on_changes)

    @property
    def title(self) -> str:
        """What was recorded."""
        return self.replay.title

    def move_to(self, moment: Moment) -> None:
        """Apply the events up to ``moment`` in frame-sized batches, as the live view would."""
        source = self.replay.source
        times, t0 = source.times, source.start_t
        while source.index < moment.index:
            first = source.index
            until = bisect.bisect_right(times, times[first] + SWEEP_S, first, moment.index)
            count = max(1, min(until - first, FRAME_EVENTS))
            source.move_to(times[first + count - 1])
            self.replay.pump(count)
            self.controller.catch_up(times[source.index - 1])
        self.controller.catch_up(t0 + moment.t)

    def panel(self, moment: Moment) -> tuple[QPicture, QRectF]:
        """The canvas at ``moment`` (the replay must have been moved there), recorded in scene
        units, and the scene area it covers."""
        ctl = self.controller
        previous, self._previous = self._previous, moment.t
        elapsed = moment.t - (previous or 0.0)  # the rates on the pills: since the panel before
        ctl.links.refresh_counters(max(elapsed, 0.0), high_rate=False)
        readouts.refresh_depths(ctl)
        self.scene.reroute_links()  # the links' final paths, before tokens are put on them
        at = self.replay.source.start_t + moment.t
        ctl.show_tokens(self._recent(moment, previous), at, moment.event)
        picture = QPicture()
        rect = export.content_rect(self.scene)
        painter = QPainter(picture)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        export.render_scene(self.scene, painter, rect, rect)
        painter.end()
        ctl.unhighlight()
        return picture, rect

    def _recent(self, moment: Moment, previous: float | None) -> list[Event]:
        """Deliveries that would still be on their way at ``moment`` (newest last), made after
        the panel before (at ``previous`` seconds): each is drawn in one panel at most."""
        events = self.replay.recorded
        t0 = self.replay.source.start_t
        since = t0 + moment.t - self.controller.tokens.travel
        if previous is not None:
            since = max(since, t0 + previous + 1e-9)
        recent: list[Event] = []
        for i in range(moment.index - 1, -1, -1):
            ev = events[i]
            if ev.t < since or len(recent) >= TOKENS_PER_BATCH:
                break
            if ev.kind == "delivered":
                recent.append(ev)
        recent.reverse()
        return recent

    def close(self) -> None:
        """Tear the scene and the controller down."""
        self.controller.close()
        self.controller.deleteLater()
        self.scene.close()
        self.scene.deleteLater()
        self._pump.deleteLater()


@dataclass
class Strip:
    """A comic strip drawn and laid out, ready to be written.

    Attributes:
        moments: The panels' moments, in time order.
        pictures: Each panel's drawing (scene units).
        sheet: The page layout.
        theme: The colours.
        heading, subheading: The page's title lines.
    """

    moments: list[Moment]
    pictures: list[QPicture]
    sheet: Sheet
    theme: Theme
    heading: str
    subheading: str

    def paint(self, painter: QPainter) -> None:
        """Paint the page with ``painter`` (a QImage's or an SVG's, of ``sheet.size``)."""
        paint_page(painter, self.sheet, self.pictures, self.moments, self.theme, self.heading,
                   self.subheading)  # fmt: skip

    def write(self, path: str | os.PathLike[str]) -> Path:
        """Write the page as a .png or an .svg.

        Raises:
            ComicError: Another suffix, or a file that cannot be written.
        """
        try:
            if export.export_format(path) == "png":
                image = export.paint_image(self.sheet.size, self.theme.window, self.paint)
                return export.write_file(path, export.png_bytes(image))
            data = export.paint_svg(self.sheet.size, self.heading, DESCRIPTION, self.paint)
            return export.write_file(path, data)
        except export.ExportError as exc:
            raise ComicError(str(exc)) from exc


def draw_strip(
    recording_path: str | os.PathLike[str],
    start: float | str | Bound | None = None,
    end: float | str | Bound | None = None,
    panels: int = 6,
    columns: int | None = None,
    theme: str = "dark",
    catalog: Catalog | None = None,
    panel_width: float = PANEL_W,
    progress: Progress | None = None,
) -> Strip:
    """Plan and draw the panels of a strip (``render_comic`` says what the arguments mean).

    Raises:
        ComicError: See ``render_comic``.
    """
    if columns is None:
        columns = min(DEFAULT_COLUMNS, panels) if isinstance(panels, int) else DEFAULT_COLUMNS
    check_layout(panels, columns)
    if theme not in THEMES:
        raise ComicError(f"the theme is {' or '.join(THEMES)}, not {theme!r}")
    if not isinstance(QApplication.instance(), QApplication):
        raise ComicError("a comic strip is drawn with Qt: create a QApplication first")
    colours = THEMES[theme]
    run = ComicRun(recording_path, catalog if catalog is not None else Catalog.discover(), colours)
    try:
        moments = run.planner.plan(parse_bound(start), parse_bound(end), panels)
        pictures, rects = [], []
        for done, moment in enumerate(moments, 1):
            run.move_to(moment)
            picture, rect = run.panel(moment)
            pictures.append(picture)
            rects.append(rect)
            if progress is not None and progress(done, len(moments)) is False:
                raise ComicError("the comic strip was cancelled")
        title = run.title
    finally:
        run.close()
    if all(rect.isEmpty() for rect in rects):
        raise ComicError("the recording draws nothing at those moments")
    first, last = moments[0], moments[-1]
    heading = f"{title}: {first.t:.2f} s to {last.t:.2f} s"
    subheading = (
        f"{len(moments)} panels · {Path(recording_path).name} · "
        f"{last.index - first.index:,} events between the first panel and the last"
    )
    sheet = Sheet.of(rects, columns, panel_width)
    return Strip(moments, pictures, sheet, colours, heading, subheading)


def render_comic(
    recording_path: str | os.PathLike[str],
    out_path: str | os.PathLike[str],
    start: float | str | Bound | None = None,
    end: float | str | Bound | None = None,
    panels: int = 6,
    columns: int | None = None,
    theme: str = "dark",
    svg_path: str | os.PathLike[str] | None = None,
    catalog: Catalog | None = None,
    panel_width: float = PANEL_W,
    progress: Progress | None = None,
) -> Path:
    """Draw a comic strip of ``recording_path`` from ``start`` to ``end`` into ``out_path``.

    Needs a QApplication (offscreen works). Nothing the window shows is touched: the recording
    is replayed on a scene of its own.

    Args:
        recording_path: A ``.jsonl`` recording (File > Record…, ``kamaelia-run --record``).
        out_path: The picture to write: ``.png`` or ``.svg``.
        start, end: Seconds into the recording (``2.5``, ``"2.5"``) or an event's sequence
            number (``"@120"``); None for the recording's start and end.
        panels: How many panels (2..12); fewer when the range holds fewer lifecycle steps
            (then one at each).
        columns: Panels per row (1..panels; None: up to 3).
        theme: "dark" or "light".
        svg_path: Also write the strip as this SVG.
        catalog: Specs of the recorded components (``Catalog.discover()`` when None).
        panel_width: Widest a panel is drawn, in pixels.
        progress: Called after each panel with (done, total); False cancels.

    Returns:
        ``out_path``.

    Raises:
        ComicError: Bad input (not a recording, a range outside it, a panel count outside
            2..12, an unknown theme), a cancelled strip, or a file that cannot be written.
    """
    paths = [Path(out_path)] + ([Path(svg_path)] if svg_path is not None else [])
    try:
        for path in paths:  # before the work: a typo in the path costs nothing
            export.export_format(path)
            export.check_writable(path)
    except export.ExportError as exc:
        raise ComicError(str(exc)) from None
    strip = draw_strip(recording_path, start, end, panels, columns, theme, catalog, panel_width,
                       progress)  # fmt: skip
    for path in paths:
        strip.write(path)
    log.info("comic strip of %s: %d panels to %s", recording_path, len(strip.moments), out_path)
    return Path(out_path)
