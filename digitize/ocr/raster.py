"""ONE page at a time as an image: a document never sits in memory whole.

An image-only page (a scan) is its embedded image itself, decoded at its true resolution
with pikepdf: no rasteriser, no resampling. Any other page is rendered by pdftoppm
(pdf2image). Either way the result is the page in display orientation, in grey.
"""

from __future__ import annotations

import io
import logging
import math
from pathlib import Path
from typing import Any, cast

import numpy as np
import pdf2image
import pikepdf
from pdf2image.exceptions import PDFPageCountError, PDFSyntaxError
from PIL import Image

from .searchable import display_to_user, shown_size

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
    timeout: float = 120.0, colour: bool = False,
) -> Image.Image:
    """Page `number` (1-based) as a grayscale image (RGB with `colour`, if the page has
    colour) in display orientation, at `dpi` or finer.

    A scanned page (one image covering it) is its embedded image, at the image's own
    resolution (reduced by a whole factor when that is over `dpi`); any other page is
    rendered at `dpi` by pdftoppm. The resolution of the result is in `image.info["dpi"]`.
    """
    megapixels = (width_pt / 72 * dpi) * (height_pt / 72 * dpi) / 1e6
    if megapixels > max_megapixels:
        raise RenderError(
            f"page {number} would be {megapixels:.0f} MP at {dpi:g} dpi (limit {max_megapixels:g} MP)"
        )
    embedded = page_image(pdf, number, max_dpi=dpi * 1.01, max_megapixels=max_megapixels, colour=colour)
    if embedded is not None:
        return embedded[0]
    try:
        images = pdf2image.convert_from_path(  # pdftoppm takes a fractional dpi and timeout
            str(pdf), dpi=cast(Any, dpi), first_page=number, last_page=number, grayscale=not colour,
            timeout=cast(Any, timeout), use_cropbox=True,  # the page as shown, as pages are measured
        )
    except (PDFPageCountError, PDFSyntaxError, OSError, RuntimeError) as exc:
        raise RenderError(f"page {number} cannot be rendered: {exc}") from exc
    if not images:
        raise RenderError(f"page {number} rendered to nothing")
    images[0].info["dpi"] = (dpi, dpi)
    return images[0]


def upscale(image: Image.Image, factor: float) -> Image.Image:
    w, h = image.size
    return image.resize((round(w * factor), round(h * factor)), Image.Resampling.LANCZOS)


# --------------------------------------------------------------------------- the embedded image

# Operators that cannot change what an image-only page shows (graphics-state parameters,
# colours, marked content, text state). Text-showing operators are allowed only in render
# mode 3 (invisible: an old OCR layer). Anything else (paths, clips, shadings, inline
# images, forms, a second image) sends the page to pdftoppm.
_STATE_OPS = frozenset([
    "w", "J", "j", "M", "d", "ri", "i", "g", "G", "rg", "RG", "k", "K", "cs", "CS", "sc", "SC", "scn", "SCN",
    "BMC", "BDC", "EMC", "MP", "DP", "BX", "EX", "BT", "ET", "Tc", "Tw", "Tz", "TL", "Tf", "Tr", "Ts", "Td",
    "TD", "Tm", "T*",
])
_SHOW_OPS = frozenset(["Tj", "TJ", "'", '"'])
_COLOURSPACES = frozenset(["/DeviceGray", "/DeviceRGB", "/CalGray", "/CalRGB"])
_FILTERS = frozenset(["/DCTDecode", "/CCITTFaxDecode", "/FlateDecode", "/LZWDecode", "/RunLengthDecode"])
_GS_NEUTRAL = frozenset(["/Type", "/SA", "/OP", "/op", "/OPM", "/SM", "/FL", "/RI", "/TK", "/LW", "/LC",
                         "/LJ", "/ML", "/D", "/AIS"])
_AXIS_TOL = 1e-3  # off-axis share of a matrix entry: more is a turned or sheared image
_COVER_TOL_PT = 1.5  # the image must cover the displayed page to this many points
_ANISO_TOL = 0.003  # horizontal and vertical resolution must agree to 0.3%


def _matrix(a: float, b: float, c: float, d: float, e: float, f: float) -> np.ndarray:
    return np.array([[a, c, e], [b, d, f], [0.0, 0.0, 1.0]])


def _neutral_gs(resources: pikepdf.Object, name: pikepdf.Object) -> bool:
    gs = resources.get("/ExtGState", pikepdf.Dictionary()).get(str(name))
    if gs is None:
        return False
    for key, value in gs.items():
        if key in ("/CA", "/ca"):
            if float(value) != 1.0:
                return False
        elif key == "/BM":
            if str(value) not in ("/Normal", "/Compatible"):
                return False
        elif key == "/SMask":
            if str(value) != "/None":
                return False
        elif key not in _GS_NEUTRAL:
            return False
    return True


def _single_image(page: pikepdf.Page) -> tuple[pikepdf.Object, np.ndarray] | None:
    """The one image the page's content draws, with the matrix it is drawn with."""
    resources = page.obj.get("/Resources") or page.resources
    xobjects: Any = resources.get("/XObject", pikepdf.Dictionary())
    ctm = np.eye(3)
    render_mode = 0
    stack: list[tuple[np.ndarray, int]] = []
    found: tuple[pikepdf.Object, np.ndarray] | None = None
    for instruction in pikepdf.parse_content_stream(page):
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            return None
        operands, op = instruction.operands, str(instruction.operator)
        if op == "q":
            stack.append((ctm, render_mode))
        elif op == "Q":
            if not stack:
                return None
            ctm, render_mode = stack.pop()
        elif op == "cm":
            ctm = ctm @ _matrix(*(float(v) for v in operands))
        elif op == "Tr":
            render_mode = int(operands[0])
        elif op in _SHOW_OPS:
            if render_mode != 3:
                return None
        elif op == "gs":
            if not _neutral_gs(resources, operands[0]):
                return None
        elif op == "Do":
            xobj = xobjects.get(str(operands[0]))
            if found is not None or xobj is None or xobj.get("/Subtype") != pikepdf.Name.Image:
                return None
            found = (xobj, ctm)
        elif op not in _STATE_OPS:
            return None
    return found


def _plain_image(xobj: pikepdf.Object) -> bool:
    """An opaque grey, RGB or palette image in a filter we decode: no masks, no CMYK."""
    if xobj.get("/ImageMask") or "/SMask" in xobj or "/Mask" in xobj or "/OC" in xobj:
        return False
    if int(xobj.get("/BitsPerComponent", 0)) not in (1, 2, 4, 8):
        return False
    names = _filters(xobj)
    if len(names) > 1 or any(f not in _FILTERS for f in names):
        return False
    return _plain_colourspace(xobj.get("/ColorSpace"))


def _filters(xobj: pikepdf.Object) -> list[str]:
    filters = xobj.get("/Filter")
    if isinstance(filters, pikepdf.Array):
        return [str(f) for f in filters]
    return [str(filters)] if filters is not None else []


def _plain_colourspace(cs: pikepdf.Object | None) -> bool:
    if cs is None:
        return False
    if isinstance(cs, pikepdf.Name):
        return str(cs) in _COLOURSPACES
    if isinstance(cs, pikepdf.Array) and len(cs) >= 2:
        kind = str(cs[0])
        if kind == "/ICCBased":
            return int(cs[1].get("/N", 0)) in (1, 3)
        if kind in ("/CalGray", "/CalRGB"):
            return True
        if kind == "/Indexed":
            return _plain_colourspace(cs[1])
    return False


def _decode(xobj: pikepdf.Object, reduce: int, colour: bool) -> Image.Image:
    """The image's pixels in grey (or RGB if `colour` and the image has colour). A plain JPEG
    is decoded straight to its luma channel (and, for a reduction, at 1/2, 1/4 or 1/8 scale
    by the codec itself)."""
    if _filters(xobj) == ["/DCTDecode"]:
        if "/Decode" in xobj and any(float(v) != i % 2 for i, v in enumerate(xobj.Decode)):
            raise NotImplementedError("JPEG with a /Decode array")  # pikepdf leaves it to the codec
        jpeg = Image.open(io.BytesIO(xobj.read_raw_bytes()))
        if jpeg.mode in ("L", "RGB"):
            w, h = jpeg.size
            jpeg.draft("RGB" if colour else "L", (w // reduce, h // reduce))
            return jpeg if colour or jpeg.mode == "L" else jpeg.convert("L")
    image = pikepdf.PdfImage(cast(pikepdf.Stream, xobj)).as_pil_image()
    if image.mode == "L" or (colour and image.mode == "RGB"):
        return image
    return image.convert("RGB" if colour and image.mode in ("P", "RGBA", "LA", "CMYK") else "L")


def _placement(page: pikepdf.Page, ctm: np.ndarray, w: int, h: int, disp_w: float,
               disp_h: float) -> tuple[bool, float, float] | None:
    """How a `w`×`h` image drawn with `ctm` sits on the displayed page: (columns and rows
    swapped, x sign, y sign), or None unless it is axis-aligned and covers the whole page."""
    # pixel (column, row from the top) -> image unit square -> user space -> display points
    px_to_unit = np.array([[1.0 / w, 0.0, 0.0], [0.0, -1.0 / h, 1.0], [0.0, 0.0, 1.0]])
    to_display = np.linalg.inv(display_to_user(page)) @ ctm @ px_to_unit
    lin = to_display[:2, :2]
    scale = np.abs(lin).max()
    if abs(lin[0, 1]) <= _AXIS_TOL * scale and abs(lin[1, 0]) <= _AXIS_TOL * scale:
        swap, sx, sy = False, lin[0, 0], lin[1, 1]  # x from columns, y from rows
    elif abs(lin[0, 0]) <= _AXIS_TOL * scale and abs(lin[1, 1]) <= _AXIS_TOL * scale:
        swap, sx, sy = True, lin[0, 1], lin[1, 0]  # x from rows, y from columns
    else:
        return None
    corners = to_display @ np.array([[0, w, 0, w], [0, 0, h, h], [1, 1, 1, 1]], dtype=float)
    if (abs(corners[0].min()) > _COVER_TOL_PT or abs(corners[1].min()) > _COVER_TOL_PT
            or abs(corners[0].max() - disp_w) > _COVER_TOL_PT
            or abs(corners[1].max() - disp_h) > _COVER_TOL_PT):
        return None
    return swap, float(sx), float(sy)


def _to_display(image: Image.Image, swap: bool, sx: float, sy: float) -> Image.Image:
    """The decoded image turned and flipped as the page shows it."""
    if swap:
        image = image.transpose(Image.Transpose.TRANSPOSE)
    if sx < 0:
        image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    if sy < 0:
        image = image.transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    return image


def page_image(
    pdf: Path, number: int, *, max_dpi: float, max_megapixels: float, colour: bool = False
) -> tuple[Image.Image, float] | None:
    """Page `number` (1-based) of an image-only PDF as its one embedded image, in grey (RGB
    with `colour`, if the scan has colour), turned to display orientation, at its own
    resolution (no resampling; reduced by a whole factor if over `max_dpi`), with that
    resolution (also in `image.info["dpi"]`).

    None when the page is anything else (vector content, several images, masks, a turned or
    sheared or partial placement, CMYK, JBIG2, uneven resolution...): render it instead.
    Annotations (signature stamps, notes) are not part of the scan and are left out.
    """
    try:
        with pikepdf.open(pdf) as doc:
            page = doc.pages[number - 1]
            if "/UserUnit" in page.obj:
                return None
            found = _single_image(page)
            if found is None or not _plain_image(found[0]):
                return None
            xobj, ctm = found
            w, h = int(xobj.Width), int(xobj.Height)
            if w * h <= 0 or w * h > max_megapixels * 1e6:
                return None
            disp_w, disp_h = shown_size(page)
            placed = _placement(page, ctm, w, h, disp_w, disp_h)
            if placed is None:
                return None
            swap, sx, sy = placed
            out_w, out_h = (h, w) if swap else (w, h)
            dpi_x, dpi_y = out_w / (disp_w / 72.0), out_h / (disp_h / 72.0)
            if abs(dpi_x / dpi_y - 1.0) > _ANISO_TOL:
                return None
            reduce = max(1, math.ceil(max(dpi_x, dpi_y) / max_dpi - 1e-6))
            image = _decode(xobj, reduce, colour)
    except (pikepdf.PdfError, OSError, ValueError, TypeError, KeyError, NotImplementedError,
            Image.DecompressionBombError) as exc:
        log.debug("page %d: embedded image not used (%s); rendering instead", number, exc)
        return None
    if image.size != (w, h):
        if reduce == 1:  # the codec disagrees with the PDF about the size: let pdftoppm decide
            return None
        image = image.resize((max(1, w // reduce), max(1, h // reduce)), Image.Resampling.BOX)
    elif reduce > 1:
        image = image.reduce(reduce)
    image = _to_display(image, swap, sx, sy)
    dpi = round((image.width / (disp_w / 72.0) + image.height / (disp_h / 72.0)) / 2, 3)
    image.info["dpi"] = (dpi, dpi)
    return image, dpi
