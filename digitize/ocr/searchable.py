"""The searchable PDF: invisible text from the OCR words laid over the untouched original pages.

The original page content is never re-encoded. Each OCRed page gets its words as invisible
text (`invisible.py`) in a Form XObject, placed with a matrix that undoes what was done to
the OCR copy (upscale, turn upright, deskew) and the page's own /Rotate and crop box, so
every line of invisible text sits over the line it transcribes.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pikepdf

from ..records import PageOcr
from . import invisible
from . import pdfa as pdfa_rules
from .preprocess import Geometry, scaling, translation

log = logging.getLogger(__name__)


@dataclass(slots=True)
class TextLayer:
    number: int  # 1-based page number
    ocr: PageOcr  # the words, in px of the OCR copy, whose size and dpi it gives
    geometry: Geometry


def shown_box(page: pikepdf.Page) -> tuple[float, float, float, float]:
    """The part of the page a viewer (and pdftoppm) shows: its crop box, perhaps inherited
    from the page tree, clipped to its media box; x0 < x1, y0 < y1."""
    def normal(box: pikepdf.Array) -> tuple[float, float, float, float]:
        x0, y0, x1, y1 = (float(v) for v in box)
        return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)

    media, crop = normal(page.mediabox), normal(page.cropbox)  # both follow inheritance
    x0, y0 = max(media[0], crop[0]), max(media[1], crop[1])
    x1, y1 = min(media[2], crop[2]), min(media[3], crop[3])
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else media


def shown_rotation(page: pikepdf.Page) -> int:
    """The page's /Rotate (perhaps inherited), as 0, 90, 180 or 270."""
    return int(page.rotation) % 360


def shown_size(page: pikepdf.Page) -> tuple[float, float]:
    """Width and height in points of the page as shown (turned by its /Rotate)."""
    x0, y0, x1, y1 = shown_box(page)
    w, h = x1 - x0, y1 - y0
    return (h, w) if shown_rotation(page) % 180 else (w, h)


def display_to_user(page: pikepdf.Page) -> np.ndarray:
    """From displayed page points (origin top-left, y down) to PDF user space."""
    x0, y0, x1, y1 = shown_box(page)
    rotate = shown_rotation(page)
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
    """Matrix from the text layer's page (the OCR copy, `text_page_size` wide and high, y up)
    to the original page's user space."""
    ow, oh = geometry.ocr_size
    tw, th = text_page_size
    text_to_ocr = translation(0, oh) @ scaling(ow / tw, -oh / th)  # points y-up -> px y-down
    px_to_points = scaling(72.0 / geometry.rendered_dpi, 72.0 / geometry.rendered_dpi)
    return display_to_user(page) @ px_to_points @ geometry.to_rendered() @ text_to_ocr


def graft_text_layers(
    work_pdf: Path, layers: Iterable[TextLayer], out_pdf: Path, *, docinfo: dict[str, str] | None = None,
    pdfa: str = "off",
) -> list[str]:
    """Write `out_pdf`: `work_pdf` with each page's words laid invisibly over it, as PDF/A
    `pdfa` (2b, 1b, 3b) where the original allows it, or plain PDF ("off"); the warnings
    to give (why it could not be PDF/A)."""
    level = pdfa_rules.check_level(pdfa)
    notes: list[str] = []
    with pikepdf.open(work_pdf) as pdf:
        encoding = invisible.Encoding()
        font: pikepdf.Object | None = None  # one for the whole file, made with the first layer
        for layer in layers:
            page = pdf.pages[layer.number - 1]
            text = invisible.page_text(layer.ocr, encoding)
            if text is not None:
                font = font if font is not None else invisible.add_font(pdf, cid_set=level == "1b")
                form = pdf.make_stream(
                    text.content, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form,
                    BBox=[0, 0, *text.size],
                    Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary({invisible.FONT_NAME: font})),
                )
                _draw_form(pdf, page, form, placement_matrix(page, layer.geometry, text.size))
            if layer.geometry.rotate:
                # show the page upright too (metadata only: the image is not touched)
                page.obj.Rotate = (shown_rotation(page) + layer.geometry.rotate) % 360
        if font is not None:
            invisible.set_to_unicode(font, encoding)
        claimed: str | None = None
        if level != "off":
            problems = pdfa_rules.prepare(pdf, level)
            if problems:
                notes.append(pdfa_rules.not_claimed_warning(level, problems))
            else:
                claimed = level
        set_docinfo(pdf, docinfo or {}, pdfa=claimed, fresh=level != "off")
        options = pdfa_rules.save_options(claimed) | pdfa_rules.fit_version(pdf, claimed)
        pdf.save(out_pdf, **options)
    return notes


def _draw_form(pdf: pikepdf.Pdf, page: pikepdf.Page, form: pikepdf.Object, matrix: np.ndarray) -> None:
    name = page.add_resource(form, pikepdf.Name.XObject, prefix="OCR")
    a, c, e = matrix[0]
    b, d, f = matrix[1]
    page.contents_add(pdf.make_stream(b"q\n"), prepend=True)
    cm = " ".join(f"{v:.6f}" for v in (a, b, c, d, e, f))
    page.contents_add(pdf.make_stream(f"\nQ\nq {cm} cm {name} Do Q\n".encode()))


def set_docinfo(
    pdf: pikepdf.Pdf, info: dict[str, str], *, pdfa: str | None = None, fresh: bool = False,
) -> None:
    """The document's fields in the XMP, and the same in DocInfo (pikepdf keeps the two
    in step); with `pdfa`, the PDF/A level claimed. `fresh`: the original's XMP is not
    carried over (it may claim a level of its own, or hold properties PDF/A would want
    declared); what its DocInfo says is, where the fields here do not replace it."""
    now = datetime.now(UTC).replace(microsecond=0)
    if fresh and "/Metadata" in pdf.Root:
        del pdf.Root["/Metadata"]
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=True) as meta:
        if fresh:
            with warnings.catch_warnings():  # DocInfo keys with no XMP twin stay in DocInfo
                warnings.simplefilter("ignore")
                meta.load_from_docinfo(pdf.docinfo, raise_failure=False)
        if "xmp:CreateDate" not in meta:
            meta["xmp:CreateDate"] = now.isoformat()
        meta["xmp:ModifyDate"] = meta["xmp:MetadataDate"] = now.isoformat()
        meta["pdf:Producer"] = "digitize"
        meta["xmp:CreatorTool"] = "digitize"
        for key, prop in _XMP_TEXT.items():
            if info.get(key):
                meta[prop] = info[key]
        for key, prop in _XMP_LISTS.items():
            if info.get(key):
                meta[prop] = [info[key]]
        if pdfa:
            pdfa_rules.claim(meta, pdfa)


# the fields of `info`, and the XMP properties they go to (DocInfo: Title, Subject, Author, Keywords)
_XMP_TEXT = {"title": "dc:title", "subject": "dc:description", "identifier": "dc:identifier",
             "source": "dc:source", "keywords": "pdf:Keywords"}
_XMP_LISTS = {"creator": "dc:creator", "language": "dc:language", "date": "dc:date", "type": "dc:type"}
