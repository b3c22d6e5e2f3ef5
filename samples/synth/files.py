"""Writing a scanned document: an image-only PDF, a JPEG, a PNG or a multi-page TIFF."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import img2pdf
import pikepdf
from PIL import Image

from .model import DocSpec
from .scanner import scan_pages


def _encode(im: Image.Image, spec: DocSpec) -> bytes:
    """Bytes of one page for embedding: JPEG, or CCITT G4 TIFF for bilevel pages."""
    buf = io.BytesIO()
    if im.mode == "1":
        im.save(buf, format="TIFF", compression="group4", dpi=(spec.dpi, spec.dpi))
    else:
        im.save(
            buf, format="JPEG", quality=spec.params["jpeg_quality"], dpi=(spec.dpi, spec.dpi), optimize=True
        )
    return buf.getvalue()


def write_document(spec: DocSpec, out_dir: Path) -> dict[str, Any]:
    """Scan, write the file and return its truth record."""
    pages = scan_pages(spec)
    path = out_dir / spec.file_name
    dpi = (spec.dpi, spec.dpi)
    if spec.file_kind == "pdf":
        data = img2pdf.convert([_encode(im, spec) for im in pages], nodate=True)
        # img2pdf asks pikepdf for a deterministic /ID only on versions it compares as
        # strings ("10.x" < "6.2"): save again to make the bytes depend on the seed alone
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if "/ID" in pdf.trailer:
                del pdf.trailer["/ID"]  # qpdf would keep its random first half
            pdf.save(path, deterministic_id=True)
    elif spec.file_kind == "jpg":
        pages[0].save(path, format="JPEG", quality=spec.params["jpeg_quality"], dpi=dpi, optimize=True)
    elif spec.file_kind == "png":
        pages[0].save(path, format="PNG", dpi=dpi)
    else:
        comp = "group4" if pages[0].mode == "1" else "jpeg"
        kw = {} if comp == "group4" else {"quality": spec.params["jpeg_quality"]}
        pages[0].save(
            path, format="TIFF", save_all=True, append_images=pages[1:], compression=comp, dpi=dpi, **kw
        )
    return spec.truth()
