"""Where things go on the timeline: its layout constants and what a paint reports.

Shared by the TimelineView (geometry, hit-testing), timeline_paint (a frame) and
timeline_density (crowded bands), so a number is decided in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

HEADER_H = 46
RULER_W = 78
COL_W = 124
TOP_PAD = 18
BAND_PX = 8
"""Height of the pixel bands a dense stretch is counted in."""
MIN_ROW_PX = 4
"""Closest two arrows are drawn apart; denser bands are drawn as counts."""
LABEL_PX = 15
"""Row spacing from which arrows carry their message type."""
TIMES = "\u00d7"
"""The multiplication sign of "x5" counts."""


@dataclass
class PaintStats:
    """What the last paint drew and computed (tests and the benchmark read it).

    Attributes:
        arrows: Messages drawn as arrows, as (seq, y, x from, x to).
        labels: Arrows that carried a type label.
        bands: Dense bands drawn as counts; aggregated: messages they stand for.
        visits: Rows and tally blocks visited to count bands this frame (cache misses only).
        cached: Bands whose counts came from the cache.
        bars: Lifetime bars drawn, as (kind "connection"/"life", cid, y top, y bottom, state).
        lifelines: Lifelines drawn.
    """

    arrows: list[tuple[int, float, float, float]] = field(default_factory=list)
    labels: int = 0
    bands: int = 0
    aggregated: int = 0
    visits: int = 0
    cached: int = 0
    bars: list[tuple[str, int, float, float, str]] = field(default_factory=list)
    lifelines: int = 0
