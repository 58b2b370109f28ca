"""The page of a comic strip: one frame and scale for all panels, rows as tall as they need."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRectF

from workbench.ui.comic_page import CAPTION_H, GAP, MAX_TALL, PAGE_MARGIN, TITLE_H, Sheet


def test_panels_share_the_frame_and_rows_are_as_tall_as_their_tallest_panel():
    rects = [QRectF(0, 0, 1000, 300), QRectF(0, 0, 1200, 500), QRectF(-100, 0, 500, 200)]
    sheet = Sheet.of(rects, columns=2, panel_width=650)
    assert sheet.frame == QRectF(-100, 0, 1300, 500)
    assert sheet.scale == pytest.approx(0.5) and sheet.cell_width == 650
    assert sheet.row_heights() == [250, 100]
    first, second, third = (sheet.cell(i) for i in range(3))
    assert first.topLeft().toTuple() == (PAGE_MARGIN, PAGE_MARGIN + TITLE_H)
    assert second.left() == PAGE_MARGIN + 650 + GAP and second.top() == first.top()
    assert third.top() == first.top() + 250 + CAPTION_H + GAP
    width = 2 * PAGE_MARGIN + 2 * 650 + GAP
    height = 2 * PAGE_MARGIN + TITLE_H + 350 + 2 * CAPTION_H + GAP
    assert sheet.size.toTuple() == (round(width), round(height))


def test_a_moment_far_taller_than_wide_is_drawn_smaller_in_its_own_cell():
    rects = [QRectF(0, 0, 1000, 400), QRectF(0, 0, 1000, 4000)]
    sheet = Sheet.of(rects, columns=2, panel_width=500)
    assert sheet.panel_scale(0) == pytest.approx(0.5)
    assert sheet.panel_scale(1) == pytest.approx(0.5 * MAX_TALL * 1000 / 4000)
    assert sheet.row_heights() == [round(MAX_TALL * 1000 * 0.5)]


def test_a_small_drawing_is_drawn_at_100_percent():
    sheet = Sheet.of([QRectF(0, 0, 300, 200), QRectF(0, 0, 300, 220)], columns=3)
    assert sheet.scale == 1.0 and sheet.columns == 2 and sheet.cell_width == 300
