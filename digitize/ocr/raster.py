"""Render ONE page at a time (pdf2image / pdftoppm): a document never sits in memory whole."""

from __future__ import annotations

import logging
from pathlib import Path

import pdf2image
from pdf2image.exceptions import PDFPageCountError, PDFSyntaxError
from PIL import Image

log = logging.getLogger(__name__)


class RenderError(Exception):
    """pdftoppm could not render the page."""


def choose_dpi(native_dpi: float | None, *, ocr_dpi: int, max_ocr_dpi: int) -> float:
    """Render at the scan's own resolution, within [ocr_dpi's lower bound for pdftoppm, max].

    A low-resolution scan is rendered at its native dpi and upscaled afterwards (LANCZOS),
    which reads better than letting the rasteriser interpolate.
    """
    if native_dpi is None:
        return float(ocr_dpi)
    return float(min(max(native_dpi, 72.0), max_ocr_dpi))


def render_page(
    pdf: Path, number: int, dpi: float, *, max_megapixels: float, width_pt: float, height_pt: float,
    timeout: float = 120.0,
) -> Image.Image:
    """Page `number` (1-based) as a grayscale image at `dpi`."""
    megapixels = (width_pt / 72 * dpi) * (height_pt / 72 * dpi) / 1e6
    if megapixels > max_megapixels:
        raise RenderError(
            f"page {number} would be {megapixels:.0f} MP at {dpi:g} dpi (limit {max_megapixels:g} MP)"
        )
    try:
        images = pdf2image.convert_from_path(
            str(pdf), dpi=dpi, first_page=number, last_page=number, grayscale=True,
            timeout=timeout,
        )
    except (PDFPageCountError, PDFSyntaxError, OSError, RuntimeError) as exc:
        raise RenderError(f"page {number} cannot be rendered: {exc}") from exc
    if not images:
        raise RenderError(f"page {number} rendered to nothing")
    return images[0]


def upscale(image: Image.Image, factor: float) -> Image.Image:
    w, h = image.size
    return image.resize((round(w * factor), round(h * factor)), Image.Resampling.LANCZOS)
