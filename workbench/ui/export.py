"""Turns what a canvas scene draws into files: a PNG at a chosen scale, or an SVG.

Sits below the window's File > Export Canvas actions, ``kamaelia-workbench --export`` and the
comic strip renderer: each gives a GraphScene (design cards, live cards, links, counter pills,
tokens: everything the scene holds) and the scene area to draw, and gets a file painted on the
theme's canvas colour. Files are written whole or not at all (a temporary file beside the target,
then renamed), and a path that cannot be written is refused with the system's reason.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

from workbench.ui.live.token_layer import TokenLayerItem

log = logging.getLogger(__name__)

FORMATS = (".png", ".svg")
MARGIN = 40.0
"""Scene units around the drawing when the whole canvas is exported."""
MAX_SIDE = 16_384
MAX_PIXELS = 120_000_000
"""Largest PNG made (pixels): about 480 MB of memory while it is painted."""
DPI = 96
"""Resolution text is laid out at in both formats (so an SVG matches the PNG)."""

Painting = Callable[[QPainter], None]


class ExportError(Exception):
    """A picture cannot be exported; the message says why (an unwritable path, too big...)."""


def export_format(path: str | os.PathLike[str]) -> str:
    """ "png" or "svg", from the file name's suffix.

    Raises:
        ExportError: Another suffix.
    """
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ExportError(f"{path}: export to a .png or an .svg file (not {suffix or 'none'})")
    return suffix[1:]


def content_rect(scene: QGraphicsScene, margin: float = MARGIN) -> QRectF:
    """The part of ``scene`` with something on it: shown cards, groups, notes, links and
    tokens (cards folded into a stack do not count), grown by ``margin``.

    The view's ``shown_rect`` answers the same for a view; this one needs no view (a comic
    strip's scene has none).
    """
    rect = QRectF()
    for item in scene.items():
        if not item.isVisible():
            continue
        card = getattr(item, "is_card", False) or getattr(item, "is_note", False)
        drawn = hasattr(item, "frame_rect") or hasattr(item, "link_id")
        if card or drawn or isinstance(item, TokenLayerItem):
            rect = rect.united(item.sceneBoundingRect())
    if rect.isEmpty():
        return rect
    return rect.adjusted(-margin, -margin, margin, margin)


def _background(scene: QGraphicsScene) -> QColor:
    theme = getattr(scene, "theme", None)
    return QColor(theme.canvas) if theme is not None else scene.backgroundBrush().color()


def _checked_source(scene: QGraphicsScene, source: QRectF | None) -> QRectF:
    rect = content_rect(scene) if source is None else QRectF(source)
    if rect.isEmpty():
        raise ExportError("the canvas is empty: there is nothing to export")
    return rect


def pixel_size(width: float, height: float, scale: float) -> QSize:
    """The PNG size of a ``width`` x ``height`` area at ``scale``.

    Raises:
        ExportError: A scale outside 0.1..8, or a picture too big to make.
    """
    if not 0.1 <= scale <= 8:
        raise ExportError(f"the scale is 0.1 to 8 (1 = 100 %), not {scale:g}")
    w, h = max(1, round(width * scale)), max(1, round(height * scale))
    if w > MAX_SIDE or h > MAX_SIDE or w * h > MAX_PIXELS:
        raise ExportError(
            f"the picture would be {w:,} x {h:,} pixels, more than this workbench makes "
            f"(at most {MAX_SIDE:,} a side): export the visible area or at a smaller scale"
        )
    return QSize(w, h)


def paint_image(size: QSize, background: QColor, paint: Painting) -> QImage:
    """A ``size`` image filled with ``background`` and painted by ``paint(painter)``."""
    image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
    dots = round(DPI / 0.0254)
    image.setDotsPerMeterX(dots)
    image.setDotsPerMeterY(dots)
    image.fill(background)
    painter = QPainter(image)
    try:
        _hints(painter)
        paint(painter)
    finally:
        painter.end()
    return image


def paint_svg(size: QSize, title: str, description: str, paint: Painting) -> bytes:
    """An SVG document of ``size`` (user units = pixels) painted by ``paint(painter)``."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setResolution(DPI)
    generator.setSize(size)
    generator.setViewBox(QRectF(0, 0, size.width(), size.height()))
    generator.setTitle(title)
    generator.setDescription(description)
    painter = QPainter(generator)
    try:
        _hints(painter)
        paint(painter)
    finally:
        painter.end()
    buffer.close()
    return bytes(buffer.data().data())


def _hints(painter: QPainter) -> None:
    hint = QPainter.RenderHint
    painter.setRenderHints(hint.Antialiasing | hint.TextAntialiasing | hint.SmoothPixmapTransform)


def png_bytes(image: QImage) -> bytes:
    """``image`` encoded as PNG.

    Raises:
        ExportError: Qt could not encode it.
    """
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # The stubs say bytes, but PySide6 6.x only accepts str for the format at run time.
    ok = image.save(buffer, "PNG")  # type: ignore[call-overload]
    buffer.close()
    if not ok:
        raise ExportError("the picture could not be encoded as PNG")
    return bytes(data.data())


def check_writable(path: str | os.PathLike[str]) -> Path:
    """Refuse early a ``path`` that cannot be a file: its folder is missing, or it is a folder.

    Raises:
        ExportError: Saying which.
    """
    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise ExportError(f"cannot write {target}: {folder} {what}")
    if target.is_dir():
        raise ExportError(f"cannot write {target}: it is a folder")
    return target


def write_file(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` whole or not at all (a temporary file, then a rename).

    Raises:
        ExportError: The folder does not exist or the file cannot be written (with the reason).
    """
    target = check_writable(path)
    folder = target.parent
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, _mode_for(target))  # mkstemp makes it private; a picture is not
        os.replace(tmp, target)
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from exc
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


def _mode_for(target: Path) -> int:
    """The permissions a new file gets here (those of the file it replaces, if any)."""
    try:
        return target.stat().st_mode & 0o777
    except FileNotFoundError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def render_scene(scene: QGraphicsScene, painter: QPainter, target: QRectF, source: QRectF) -> None:
    """Draw ``source`` of ``scene`` into ``target`` of ``painter``.

    Items are painted afresh, not from their pixmap caches (a cached card would reach an SVG as
    a bitmap, without its text), and without the selection's highlight (an exported picture
    shows the drawing, not what happens to be selected); both are put back afterwards.
    """
    no_cache = QGraphicsItem.CacheMode.NoCache
    cached = [(item, item.cacheMode()) for item in scene.items() if item.cacheMode() != no_cache]
    selected = scene.selectedItems()
    blocked = scene.blockSignals(True)  # nobody hears the selection come and go
    try:
        for item, _mode in cached:
            item.setCacheMode(no_cache)
        for item in selected:
            item.setSelected(False)
        scene.render(painter, target, source)
    finally:
        for item in selected:
            item.setSelected(True)
        for item, mode in cached:
            item.setCacheMode(mode)
        scene.blockSignals(blocked)


def export_scene(
    scene: QGraphicsScene,
    path: str | os.PathLike[str],
    source: QRectF | None = None,
    scale: float = 1.0,
    title: str = "",
) -> Path:
    """Write ``source`` of ``scene`` (its drawing when None) to a .png or .svg ``path``.

    Args:
        scene: The canvas scene (a GraphScene: its theme gives the background).
        path: The file to write; its suffix picks the format.
        source: The scene area to export (``content_rect(scene)`` when None).
        scale: PNG pixels per scene unit (1 or 2 from the menu); an SVG is always 1.
        title: The SVG's title.

    Returns:
        The path written.

    Raises:
        ExportError: A bad suffix or scale, an empty canvas, too big a picture, or a file that
            cannot be written.
    """
    fmt = export_format(path)
    rect = _checked_source(scene, source)
    background = _background(scene)
    if fmt == "png":
        size = pixel_size(rect.width(), rect.height(), scale)
        target = QRectF(0, 0, size.width(), size.height())
        image = paint_image(size, background, lambda p: render_scene(scene, p, target, rect))
        data = png_bytes(image)
    else:
        size = pixel_size(rect.width(), rect.height(), 1.0)
        target = QRectF(0, 0, size.width(), size.height())

        def paint(painter: QPainter) -> None:
            painter.fillRect(target, background)
            render_scene(scene, painter, target, rect)

        data = paint_svg(size, title or "Kamaelia Workbench canvas", "Kamaelia Workbench", paint)
    written = write_file(path, data)
    log.info("exported %s (%d x %d)", written, size.width(), size.height())
    return written
