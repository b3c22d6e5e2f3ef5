"""The searchable PDF: tesseract's invisible text laid over the untouched original pages.

The original page content is never re-encoded. Each OCRed page gets tesseract's text-only
page as a Form XObject, placed with a matrix that undoes what was done to the OCR copy
(upscale, turn upright, deskew) and the page's own /Rotate and crop box, so every line of
invisible text sits over the line it transcribes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pikepdf

from .preprocess import Geometry, scaling, translation

log = logging.getLogger(__name__)


@dataclass(slots=True)
class TextLayer:
    number: int  # 1-based page number
    text_pdf: Path
    geometry: Geometry


def _display_to_user(page: pikepdf.Page) -> np.ndarray:
    """From displayed page points (origin top-left, y down) to PDF user space."""
    box = page.cropbox if "/CropBox" in page.obj else page.mediabox
    x0, y0, x1, y1 = (float(v) for v in box)
    x0, x1 = min(x0, x1), max(x0, x1)
    y0, y1 = min(y0, y1), max(y0, y1)
    rotate = int(page.obj.get("/Rotate", 0)) % 360
    if rotate == 90:
        return np.array([[0.0, 1.0, x0], [1.0, 0.0, y0], [0.0, 0.0, 1.0]])
    if rotate == 180:
        return np.array([[-1.0, 0.0, x1], [0.0, 1.0, y0], [0.0, 0.0, 1.0]])
    if rotate == 270:
        return np.array([[0.0, -1.0, x1], [-1.0, 0.0, y1], [0.0, 0.0, 1.0]])
    return np.array([[1.0, 0.0, x0], [0.0, -1.0, y1], [0.0, 0.0, 1.0]])


def placement_matrix(
    page: pikepdf.Page, geometry: Geometry, text_page_size: tuple[float, float]
) -> np.ndarray:
    """Matrix from tesseract's text page (points, y up) to the original page's user space."""
    ow, oh = geometry.ocr_size
    tw, th = text_page_size
    text_to_ocr = translation(0, oh) @ scaling(ow / tw, -oh / th)  # points y-up -> px y-down
    px_to_points = scaling(72.0 / geometry.rendered_dpi, 72.0 / geometry.rendered_dpi)
    return _display_to_user(page) @ px_to_points @ geometry.to_rendered() @ text_to_ocr


def graft_text_layers(
    work_pdf: Path, layers: Iterable[TextLayer], out_pdf: Path, *, docinfo: dict[str, str] | None = None
) -> None:
    """Write `out_pdf`: `work_pdf` with each text layer laid invisibly over its page."""
    with pikepdf.open(work_pdf) as pdf:
        font_cache: dict[str, pikepdf.Object] = {}
        for layer in layers:
            page = pdf.pages[layer.number - 1]
            with pikepdf.open(layer.text_pdf) as text_pdf:
                text_page = text_pdf.pages[0]
                tw, th = (float(text_page.mediabox[2]), float(text_page.mediabox[3]))
                form = pdf.copy_foreign(text_page.as_form_xobject())
            _share_fonts(form, font_cache)
            matrix = placement_matrix(page, layer.geometry, (tw, th))
            _draw_form(pdf, page, form, matrix)
            if layer.geometry.rotate:
                # show the page upright too (metadata only: the image is not touched)
                page.obj.Rotate = (int(page.obj.get("/Rotate", 0)) + layer.geometry.rotate) % 360
        set_docinfo(pdf, docinfo or {})
        pdf.save(out_pdf, linearize=False, object_stream_mode=pikepdf.ObjectStreamMode.generate)


def _share_fonts(form: pikepdf.Object, cache: dict[str, pikepdf.Object]) -> None:
    """Every page's text layer uses the same GlyphLessFont: keep one copy in the file."""
    fonts: Any = form.get("/Resources", pikepdf.Dictionary()).get("/Font", pikepdf.Dictionary())
    for name in list(fonts.keys()):
        font = fonts[name]
        key = str(font.get("/BaseFont", "")) + str(font.get("/Subtype", ""))
        if "GlyphLess" not in key:
            continue
        if key in cache:
            fonts[name] = cache[key]
        else:
            cache[key] = font


def _draw_form(pdf: pikepdf.Pdf, page: pikepdf.Page, form: pikepdf.Object, matrix: np.ndarray) -> None:
    name = page.add_resource(form, pikepdf.Name.XObject, prefix="OCR")
    a, c, e = matrix[0]
    b, d, f = matrix[1]
    page.contents_add(pdf.make_stream(b"q\n"), prepend=True)
    cm = " ".join(f"{v:.6f}" for v in (a, b, c, d, e, f))
    page.contents_add(pdf.make_stream(f"\nQ\nq {cm} cm {name} Do Q\n".encode()))


def set_docinfo(pdf: pikepdf.Pdf, info: dict[str, str]) -> None:
    """Title, subject and identifiers in both DocInfo and XMP."""
    now = datetime.now(UTC)
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["xmp:MetadataDate"] = now.isoformat()
        meta["pdf:Producer"] = "digitize"
        meta["xmp:CreatorTool"] = "digitize"
        if info.get("title"):
            meta["dc:title"] = info["title"]
        if info.get("subject"):
            meta["dc:description"] = info["subject"]
        if info.get("identifier"):
            meta["dc:identifier"] = info["identifier"]
        if info.get("creator"):
            meta["dc:creator"] = [info["creator"]]
        if info.get("language"):
            meta["dc:language"] = [info["language"]]
    if info.get("keywords"):
        pdf.docinfo[pikepdf.Name.Keywords] = info["keywords"]
