"""A second look at one region of a page: the signer block under its red seal.

The region is given in the OCR copy's pixels (after upscale, turn and deskew). The page is
taken again in colour (its embedded image when it is a scan, else pdftoppm), only the
stretch under the region is cut out and put through the same transform, and the crop's red
channel (where a red seal turns white) is read with `--psm 6` (one uniform block of text).
Cutting before transforming keeps this to a few milliseconds of image work per region.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from ..records import Word
from . import preprocess, raster, second_reader, tesseract

log = logging.getLogger(__name__)

_MARGIN = 3  # px of the rendered page around the region, for the resampling kernels


@dataclass(slots=True)
class SecondLookTask:
    pdf: Path
    number: int
    geometry: preprocess.Geometry
    box: tuple[int, int, int, int]  # left, top, right, bottom in the OCR copy's pixels
    lang: str = "vie"
    timeout: float = 60.0
    max_megapixels: float = 150.0
    reader: str = "tesseract"  # or "trueocr": the second reader, for handwritten numbers and days


def second_look_at(task: SecondLookTask) -> list[Word]:
    """Words in the box, in the box's own pixel space (left/top relative to the box)."""
    try:
        crop = region_image(task)
    except raster.RenderError as exc:
        log.warning("page %d: cannot render the page again for a second look: %s", task.number, exc)
        return []
    if task.reader == "trueocr":
        try:
            return second_reader.read_words(crop)
        except Exception as exc:  # a second look is optional: never fail the page for it
            log.warning("page %d: the second reader failed on %s: %s", task.number, task.box, exc)
            return []
    try:
        return tesseract.ocr_words(crop, lang=task.lang, psm=6, timeout=task.timeout)
    except (tesseract.OcrTimeout, tesseract.OcrFailed) as exc:
        log.warning("page %d: the second look at %s failed: %s", task.number, task.box, exc)
        return []


def region_image(task: SecondLookTask) -> Image.Image:
    """The box as it would be cut from the OCR copy, from the page's red channel."""
    g = task.geometry
    rw, rh = g.rendered_size
    page = raster.render_page(
        task.pdf, task.number, g.rendered_dpi, max_megapixels=task.max_megapixels,
        width_pt=rw * 72 / g.rendered_dpi, height_pt=rh * 72 / g.rendered_dpi, colour=True,
    )
    if page.size != g.rendered_size:
        page = page.resize(g.rendered_size, Image.Resampling.BILINEAR)
    if g.scale > 1.0:
        # a coarse scan: enlarge the whole (small) page as the OCR copy was, so that the cut
        # below samples the OCR copy's own pixel grid
        page = raster.upscale(page, g.scale)
        g = preprocess.Geometry(rendered_size=page.size, rendered_dpi=g.rendered_dpi * g.scale,
                                rotate=g.rotate, skew=g.skew)
        rw, rh = g.rendered_size
    # Straightening moves the box by up to skew x its distance from the centre: the cut must
    # hold both the pixels the box is made of and the place the box lands on
    upright = preprocess.Geometry(rendered_size=g.rendered_size, rendered_dpi=g.rendered_dpi, rotate=g.rotate)
    left, top, right, bottom = task.box
    corners = np.array([[left, right, left, right], [top, top, bottom, bottom], [1, 1, 1, 1]], dtype=float)
    points = np.hstack([g.to_rendered() @ corners, upright.to_rendered() @ corners])
    x0, y0 = math.floor(points[0].min()) - _MARGIN, math.floor(points[1].min()) - _MARGIN
    x1, y1 = math.ceil(points[0].max()) + _MARGIN, math.ceil(points[1].max()) + _MARGIN
    # beyond the page's edge the OCR copy is white (deskew's fill), and so is the cut
    cut = Image.new("L", (x1 - x0, y1 - y0), 255)
    inside = (max(0, x0), max(0, y0), min(rw, x1), min(rh, y1))
    if inside[2] > inside[0] and inside[3] > inside[1]:
        piece_of_page = page.crop(inside)
        red = piece_of_page.getchannel("R") if piece_of_page.mode == "RGB" else piece_of_page.convert("L")
        cut.paste(red, (inside[0] - x0, inside[1] - y0))
    del page
    # turned alike, the cut sits at a fixed whole-pixel offset from the OCR copy's frame;
    # straightened about the OCR copy's own centre, it gives the very pixels the OCR copy has
    piece = preprocess.Geometry(rendered_size=cut.size, rendered_dpi=g.rendered_dpi, rotate=g.rotate)
    shift = np.linalg.inv(piece.to_rendered()) @ preprocess.translation(-x0, -y0) @ upright.to_rendered()
    dx, dy = float(shift[0, 2]), float(shift[1, 2])
    if g.rotate:
        cut = preprocess.rotate_upright(cut, g.rotate)
    if g.skew:
        ow, oh = g.ocr_size
        cut = preprocess.deskew(cut, g.skew, center=(ow / 2 + dx, oh / 2 + dy))
    px, py = round(left + dx), round(top + dy)
    return cut.crop((px, py, px + right - left, py + bottom - top))
