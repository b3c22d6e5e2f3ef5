"""A second look at one region of a page: the signer block under its red seal.

The region is given in the OCR copy's pixels (after upscale, turn and deskew), so the page
is rendered again in colour and put through the same transform; the crop's red channel
(where a red seal turns white) is read with `--psm 6` (one uniform block of text).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import pdf2image
from PIL import Image

from ..records import Word
from . import preprocess, raster, tesseract

log = logging.getLogger(__name__)


@dataclass(slots=True)
class RereadTask:
    pdf: Path
    number: int
    geometry: preprocess.Geometry
    box: tuple[int, int, int, int]  # left, top, right, bottom in the OCR copy's pixels
    lang: str = "vie+eng"
    timeout: float = 60.0


def reread_region(task: RereadTask) -> list[Word]:
    """Words in the box, in the box's own pixel space (left/top relative to the box)."""
    g = task.geometry
    pages = pdf2image.convert_from_path(str(task.pdf), dpi=round(g.rendered_dpi), first_page=task.number,
                                        last_page=task.number, timeout=120)
    page = pages[0]
    if page.size != g.rendered_size:
        page = page.resize(g.rendered_size, Image.Resampling.BILINEAR)
    red = page.split()[0] if page.mode == "RGB" else page.convert("L")
    del page, pages
    if g.scale > 1.0:
        red = raster.upscale(red, g.scale)
    if g.rotate:
        red = preprocess.rotate_upright(red, g.rotate)
    if g.skew:
        red = preprocess.deskew(red, g.skew)
    crop = red.crop(task.box)
    try:
        return tesseract.ocr_words(crop, lang=task.lang, psm=6, timeout=task.timeout)
    except (tesseract.OcrTimeout, tesseract.OcrFailed) as exc:
        log.warning("page %d: re-reading %s failed: %s", task.number, task.box, exc)
        return []
