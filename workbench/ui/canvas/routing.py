"""Routes a link between two ports around the cards in its way (pure geometry, no items made).

Used by LinkItem. A forward link whose plain curve crosses no card stays a smooth cubic curve. One
that would cross cards runs through the gutter and along a lane: below the cards for a forward link
(the TCPServer -> Selector link runs along the bottom), over them for a backward one (Echo back into
its CSA, a CSA's feedback to its TCPServer). Candidate routes are orthogonal polylines with rounded
corners, scored by length, crossings (heavy) and by running through narrow gaps between rows that
other cards' own loops use.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QPainterPath

OUT = 16.0
"""Length of the horizontal stub leaving an outbox / entering an inbox."""
LANE = 13.0
TIGHT = 8.0
"""Stub length when the usual one would run into a neighbouring card."""
"""Distance of a lane from the card edge it runs along."""
CLEAR = 5.0
"""Room a segment keeps from a card."""
CORNER = 10.0
SPREAD = 5.0
UNSPREAD = 300.0
"""Cost of giving up the nesting offset (lanes on top of each other read as one)."""
"""Distance between the nested lanes of links entering the same card."""
CROSS = 10_000.0
NARROW = 60.0
"""A lane with cards this close both above and below runs through a gap between rows."""
NARROW_COST = 600.0
"""Cost of such a lane per card it runs past (long links keep out of the row gaps)."""
WRONG_SIDE = 2500.0
"""Cost of a lane under the cards for a backward link, or over them for a forward one."""
Segment = tuple[QPointF, QPointF]
Box = tuple[float, float, float, float, bool, bool]
"""A card for the router: left, top, right, bottom (grown by CLEAR), is source end, is sink end."""


def _boxes(cards: Iterable[QRectF], ends: Sequence[QRectF]) -> list[Box]:
    """The cards as plain floats grown by CLEAR, each marked when it is the source's or the
    sink's own card (the two segments at that port are not checked against it)."""
    src, dst = (ends[0], ends[-1]) if ends else (None, None)
    out = []
    for rect in cards:
        r = rect.adjusted(-CLEAR, -CLEAR, CLEAR, CLEAR)
        out.append((r.left(), r.top(), r.right(), r.bottom(), rect == src, rect == dst))
    return out


def _count(points: Sequence[tuple[float, float]], boxes: list[Box], stop: float) -> int:
    """Crossings of the polyline ``points`` with ``boxes``, counting no further than ``stop``
    (the router's hot loop: an axis-parallel segment against each grown card, inlined)."""
    n = 0
    last = len(points) - 2
    for i in range(len(points) - 1):
        (ax, ay), (bx, by) = points[i], points[i + 1]
        own_src, own_dst = i <= 1, i >= last - 1
        if abs(ay - by) < 0.01:
            lo, hi = (ax, bx) if ax <= bx else (bx, ax)
            for left, top, right, bottom, src, dst in boxes:
                if top < ay < bottom and lo < right and hi > left:
                    if (own_src and src) or (own_dst and dst):
                        continue
                    n += 1
                    if n >= stop:
                        return n
        else:
            lo, hi = (ay, by) if ay <= by else (by, ay)
            for left, top, right, bottom, src, dst in boxes:
                if left < ax < right and lo < bottom and hi > top:
                    if (own_src and src) or (own_dst and dst):
                        continue
                    n += 1
                    if n >= stop:
                        return n
    return n


def crossings(points: Sequence[QPointF], cards: Iterable[QRectF], ends: Sequence[QRectF]) -> int:
    """How many (segment, card) pairs of the polyline ``points`` cross; the two segments at
    each port (its stub and the turn after it) are not checked against its own card in ``ends``
    (a group's socket sits inside the group's header)."""
    pts = [(p.x(), p.y()) for p in points]
    return _count(pts, _boxes(cards, ends), math.inf)


def curve_crossings(path: QPainterPath, cards: Iterable[QRectF], ends: Sequence[QRectF]) -> int:
    """Cards (other than ``ends``) that the curve ``path`` passes through, sampled."""
    samples = [path.pointAtPercent(i / 24) for i in range(1, 24)]
    hit = 0
    for rect in cards:
        if any(rect == e for e in ends):
            continue
        r = rect.adjusted(-2, -2, 2, 2)
        if any(r.contains(p) for p in samples):
            hit += 1
    return hit


def cubic(p1: QPointF, end: QPointF) -> QPainterPath:
    """The plain S-curve from ``p1`` to ``end``."""
    path = QPainterPath(p1)
    bend = max(40.0, abs(end.x() - p1.x()) * 0.5)
    path.cubicTo(QPointF(p1.x() + bend, p1.y()), QPointF(end.x() - bend, end.y()), end)
    return path


def rounded(points: Sequence[QPointF], radius: float = CORNER) -> QPainterPath:
    """A path through ``points`` with rounded corners."""
    path = QPainterPath(points[0])
    for i in range(1, len(points) - 1):
        prev, corner, nxt = points[i - 1], points[i], points[i + 1]
        d_in = _dist(prev, corner)
        d_out = _dist(corner, nxt)
        r = min(radius, d_in / 2, d_out / 2)
        if r < 0.5:
            path.lineTo(corner)
            continue
        a = corner + (prev - corner) * (r / d_in)
        b = corner + (nxt - corner) * (r / d_out)
        path.lineTo(a)
        path.quadTo(corner, b)
    path.lineTo(points[-1])
    return path


def _dist(a: QPointF, b: QPointF) -> float:
    return abs(a.x() - b.x()) + abs(a.y() - b.y())


def _length(points: Sequence[tuple[float, float]]) -> float:
    return sum(
        abs(points[i][0] - points[i + 1][0]) + abs(points[i][1] - points[i + 1][1])
        for i in range(len(points) - 1)
    )


Raw = tuple[float, float, float, float]
"""A card's left, top, right, bottom."""


def _narrow_cost(
    y: float, middle: tuple[float, float], cards: list[Raw], span: tuple[float, float]
) -> float:
    """Cost of a lane at ``y`` over the x-range ``span`` that squeezes between rows of cards
    standing between the two ends (``middle``: the x-range from the left end card to the right
    one)."""
    lo, hi = middle
    a, b = sorted(span)
    lefts = set()
    above = below = False
    for left, top, right, bottom in cards:
        if not (left >= lo - 1 and right <= hi + 1 and right > a and left < b):
            continue
        if 0 <= y - bottom < NARROW:
            above = True
            lefts.add(round(left))
        if 0 <= top - y < NARROW:
            below = True
            lefts.add(round(left))
    if not (above and below):
        return 0.0
    return NARROW_COST * len(lefts)


def route(
    p1: QPointF, end: QPointF, cards: list[QRectF], ends: Sequence[QRectF] = ()
) -> QPainterPath:
    """The path from outbox anchor ``p1`` to ``end`` (just before the inbox's arrowhead).

    Candidates are scored by length, side costs and crossings; the crossings (the costly part)
    are counted only for a candidate that could still beat the best so far, and no further than
    needed to tell.

    Args:
        p1: the outbox's anchor (on the right edge of its card).
        end: where the line stops, left of the inbox (the arrowhead fills the rest).
        cards: scene rectangles of the cards to keep clear of (the two end cards included).
        ends: the source and sink cards' rectangles (their stubs may touch them).
    """
    forward = end.x() - p1.x() >= -10
    if forward:
        plain = cubic(p1, end)
        if not cards or curve_crossings(plain, cards, ends) == 0:
            return plain
    raw = [(r.left(), r.top(), r.right(), r.bottom()) for r in cards]
    boxes = _boxes(cards, ends)
    best: tuple[float, list[tuple[float, float]]] | None = None
    px, py, ex, ey = p1.x(), p1.y(), end.x(), end.y()
    x1, x2 = px + OUT, ex - OUT
    middle = _middle(p1, end, ends)
    if forward and x2 > x1:  # Z through a free gutter
        gutters = {x1, x2, (x1 + x2) / 2}
        gutters.update(r[2] + LANE for r in raw if x1 < r[2] + LANE < x2)
        gutters.update(r[0] - LANE for r in raw if x1 < r[0] - LANE < x2)
        for gx in gutters:
            pts = [(px, py), (gx, py), (gx, ey), (ex, ey)]
            length = _length(pts)
            before = _narrow_cost(py, middle, raw, (x1, gx))
            after = _narrow_cost(ey, middle, raw, (gx, x2))
            lower = length + before + after
            if best is not None and lower >= best[0]:
                continue
            stop = math.inf if best is None else (best[0] - lower) / CROSS + 1
            cost = length + CROSS * _count(pts, boxes, stop)
            cost += before
            cost += after
            if best is None or cost < best[0]:
                best = (cost, pts)
    if best is not None and best[0] < NARROW_COST:
        return rounded([QPointF(x, y) for x, y in best[1]])
    lanes = {py, ey}
    lanes.update(r[3] + LANE for r in raw)
    lanes.update(r[1] - LANE for r in raw)
    top_y, bottom_y = min(py, ey), max(py, ey)
    for lane, off, unspread in _lanes_spread(lanes, end, ends, top_y, bottom_y, forward):
        under = lane > bottom_y or (lane >= top_y and forward)
        y = lane + off if under else lane - off
        side = _narrow_cost(lane, middle, raw, (x1, x2)) + (UNSPREAD if unspread else 0.0)
        if (forward and lane < top_y) or (not forward and lane > bottom_y):
            side += WRONG_SIDE
        # the usual stubs, else tight ones (a narrow gutter next to the card)
        for lx1, lx2 in ((x1 + off, x2 - off), (px + TIGHT, x2 - off), (x1 + off, ex - 4)):
            pts = [(px, py), (lx1, py), (lx1, y), (lx2, y), (lx2, ey), (ex, ey)]
            length = _length(pts)
            lower = length + side
            if best is not None and lower >= best[0]:  # cannot win; only "no crossing" matters
                if lower < CROSS and _count(pts, boxes, 1) == 0:
                    break
                continue
            stop = math.inf if best is None else (best[0] - lower) / CROSS + 1
            cost = length + CROSS * _count(pts, boxes, stop) + side
            if best is None or cost < best[0]:
                best = (cost, pts)
            if cost < CROSS:
                break
    if best is None:
        return cubic(p1, end)
    return rounded(_simplify([QPointF(x, y) for x, y in best[1]]))


def _lanes_spread(
    lanes: Iterable[float],
    end: QPointF,
    ends: Sequence[QRectF],
    top_y: float,
    bottom_y: float,
    forward: bool,
) -> list[tuple[float, float, bool]]:
    """Each lane with its nesting offset, and once more without (used when the offset lane is
    blocked, say by a group's header just above the first row): (lane, offset, unspread)."""
    out = []
    for lane in lanes:
        under = lane > bottom_y or (lane >= top_y and forward)
        off = _spread(end, ends, under)
        out.append((lane, off, False))
        if off:
            out.append((lane, 0.0, True))
    return out


def _spread(end: QPointF, ends: Sequence[QRectF], under: bool) -> float:
    """How far a lane route stands off its neighbours: links into the same card nest (the one
    entering higher runs outside when the lane is below the cards, inside when it is above)."""
    if len(ends) != 2:
        return 0.0
    sink = ends[1]
    rows = (sink.bottom() - end.y()) / 18.0 if under else (end.y() - sink.top()) / 18.0 - 2
    return SPREAD * max(0.0, min(4.0, round(rows)))


def _middle(p1: QPointF, end: QPointF, ends: Sequence[QRectF]) -> tuple[float, float]:
    """The x-range between the two end cards (between the two ports when they are unknown)."""
    if len(ends) == 2:
        left, right = sorted(ends, key=lambda r: r.center().x())
        return left.right(), right.left()
    return min(p1.x(), end.x()), max(p1.x(), end.x())


def _simplify(points: list[QPointF]) -> list[QPointF]:
    """Drop repeated and collinear points (a lane at a port's own height)."""
    out: list[QPointF] = []
    for p in points:
        if out and _dist(out[-1], p) < 0.5:
            continue
        if len(out) >= 2:
            a, b = out[-2], out[-1]
            if (abs(a.x() - b.x()) < 0.01 and abs(b.x() - p.x()) < 0.01) or (
                abs(a.y() - b.y()) < 0.01 and abs(b.y() - p.y()) < 0.01
            ):
                out[-1] = p
                continue
        out.append(p)
    return out
