"""Routes a link between two ports around the cards in its way (pure geometry, no items made).

Used by LinkItem. A forward link whose plain curve crosses no card stays a smooth cubic curve. One
that would cross cards runs through the gutter and along a lane: below the cards for a forward link
(the TCPServer -> Selector link runs along the bottom), over them for a backward one (Echo back into
its CSA, a CSA's feedback to its TCPServer). Candidate routes are orthogonal polylines with rounded
corners, scored by length, crossings (heavy) and by running through narrow gaps between rows that
other cards' own loops use.
"""

from __future__ import annotations

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


def _hits(a: QPointF, b: QPointF, rect: QRectF, clear: float = CLEAR) -> bool:
    """True when the axis-parallel segment a-b passes through ``rect`` (grown by ``clear``)."""
    r = rect.adjusted(-clear, -clear, clear, clear)
    if abs(a.y() - b.y()) < 0.01:
        lo, hi = sorted((a.x(), b.x()))
        return r.top() < a.y() < r.bottom() and lo < r.right() and hi > r.left()
    lo, hi = sorted((a.y(), b.y()))
    return r.left() < a.x() < r.right() and lo < r.bottom() and hi > r.top()


def crossings(points: Sequence[QPointF], cards: Iterable[QRectF], ends: Sequence[QRectF]) -> int:
    """How many (segment, card) pairs of the polyline ``points`` cross; the two segments at
    each port (its stub and the turn after it) are not checked against its own card in ``ends``
    (a group's socket sits inside the group's header)."""
    cards = list(cards)
    n = 0
    last = len(points) - 2
    src, dst = (ends[0], ends[-1]) if ends else (None, None)
    if len(ends) == 1:  # one end is not a card: its own stub may touch the other only
        src = dst = ends[0]
    for i in range(len(points) - 1):
        a, b = points[i], points[i + 1]
        for rect in cards:
            if (i <= 1 and rect == src) or (i >= last - 1 and rect == dst):
                continue
            if _hits(a, b, rect):
                n += 1
    return n


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


def _length(points: Sequence[QPointF]) -> float:
    return sum(_dist(points[i], points[i + 1]) for i in range(len(points) - 1))


def _narrow_cost(
    y: float, middle: tuple[float, float], cards: list[QRectF], span: tuple[float, float]
) -> float:
    """Cost of a lane at ``y`` over the x-range ``span`` that squeezes between rows of cards
    standing between the two ends (``middle``: the x-range from the left end card to the right
    one)."""
    lo, hi = middle
    a, b = sorted(span)
    inner = [
        r
        for r in cards
        if r.left() >= lo - 1 and r.right() <= hi + 1 and r.right() > a and r.left() < b
    ]
    above = [r for r in inner if 0 <= y - r.bottom() < NARROW]
    below = [r for r in inner if 0 <= r.top() - y < NARROW]
    if not (above and below):
        return 0.0
    return NARROW_COST * len({round(r.left()) for r in above + below})


def route(
    p1: QPointF, end: QPointF, cards: list[QRectF], ends: Sequence[QRectF] = ()
) -> QPainterPath:
    """The path from outbox anchor ``p1`` to ``end`` (just before the inbox's arrowhead).

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
    best: tuple[float, list[QPointF]] | None = None
    x1, x2 = p1.x() + OUT, end.x() - OUT
    middle = _middle(p1, end, ends)
    if forward and x2 > x1:  # Z through a free gutter
        gutters = {x1, x2, (x1 + x2) / 2}
        gutters.update(r.right() + LANE for r in cards if x1 < r.right() + LANE < x2)
        gutters.update(r.left() - LANE for r in cards if x1 < r.left() - LANE < x2)
        for gx in gutters:
            pts = [p1, QPointF(gx, p1.y()), QPointF(gx, end.y()), end]
            cost = _length(pts) + CROSS * crossings(pts, cards, ends)
            cost += _narrow_cost(p1.y(), middle, cards, (x1, gx))
            cost += _narrow_cost(end.y(), middle, cards, (gx, x2))
            if best is None or cost < best[0]:
                best = (cost, pts)
    if best is not None and best[0] < NARROW_COST:
        return rounded(best[1])
    lanes = {p1.y(), end.y()}
    lanes.update(r.bottom() + LANE for r in cards)
    lanes.update(r.top() - LANE for r in cards)
    top_y, bottom_y = min(p1.y(), end.y()), max(p1.y(), end.y())
    for lane, off, unspread in _lanes_spread(lanes, end, ends, top_y, bottom_y, forward):
        under = lane > bottom_y or (lane >= top_y and forward)
        y = lane + off if under else lane - off
        side = _narrow_cost(lane, middle, cards, (x1, x2)) + (UNSPREAD if unspread else 0.0)
        if (forward and lane < top_y) or (not forward and lane > bottom_y):
            side += WRONG_SIDE
        # the usual stubs, else tight ones (a narrow gutter next to the card)
        for lx1, lx2 in ((x1 + off, x2 - off), (p1.x() + TIGHT, x2 - off), (x1 + off, end.x() - 4)):
            pts = [p1, QPointF(lx1, p1.y()), QPointF(lx1, y), QPointF(lx2, y)]
            pts += [QPointF(lx2, end.y()), end]
            cost = _length(pts) + CROSS * crossings(pts, cards, ends) + side
            if best is None or cost < best[0]:
                best = (cost, pts)
            if cost < CROSS:
                break
    if best is None:
        return cubic(p1, end)
    return rounded(_simplify(best[1]))


def _lanes_spread(lanes, end, ends, top_y, bottom_y, forward) -> list[tuple[float, float, bool]]:
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
