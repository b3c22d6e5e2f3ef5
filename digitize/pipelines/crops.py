"""The piece of the page a field was read from, as an image for the clerk's review.

Handwritten numbers and days are what the machine cannot read, and the clerk can: the
review shows the header block (số, ký hiệu, ngày) or the signer block (người ký) cut from
the stored searchable PDF by the same code the second look uses (`ocr.second_look`), at the OCR
copy's own resolution (about 300 dpi: handwriting reads). Crops are cached under the data
home (`cache/crops/`), named by the OCR's checksum, so a re-OCR makes new ones.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

from ..db import repository
from ..errors import NotFound
from ..metadata.regions import field_region
from ..ocr import preprocess, raster
from ..ocr.second_look import SecondLookTask, region_image
from ..records import PageOcr
from ..storage import StorageError
from .archive import Archive
from .reindex import load_ocr

log = logging.getLogger(__name__)

MAX_WIDTH = 1600  # px: wider crops are halved until they fit a screen beside the fields


def cache_dir(archive: Archive) -> Path:
    """`cache/crops` in the data home, or a private temporary folder if the home is read-only."""
    folder = archive.settings.home / "cache" / "crops"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if os.access(folder, os.W_OK):
            return folder
    except OSError:
        pass
    fallback = Path(tempfile.gettempdir()) / f"digitize-crops-{os.getuid()}"
    fallback.mkdir(mode=0o700, exist_ok=True)
    return fallback


def field_image(archive: Archive, doc_id: int, field: str) -> Path | None:
    """A PNG of where `field` is printed on document `doc_id`; None when the document has no
    page with OCR to place it (a born-digital text layer still gets the top of its page)."""
    with archive.session() as session:
        doc = repository.get_document(session, doc_id)
        if doc is None:
            raise NotFound(f"no document with id {doc_id}")
        stamp, pdf_key, ocr_key = doc.ocr_sha256 or doc.sha256, doc.pdf_key, doc.ocr_key
    out = cache_dir(archive) / f"{stamp}-{field}.png"
    if out.is_file():
        return out
    with tempfile.TemporaryDirectory(prefix="digitize-crop-") as tmp:
        try:
            pages, _ = load_ocr(archive, ocr_key, Path(tmp))
            region = field_region(pages, field)
            if region is None:
                return None
            page = next(p for p in pages if p.number == region.page)
            pdf = archive.store.get(pdf_key, Path(tmp) / "doc.pdf")
            image = region_image(_task(pdf, page, (region.left, region.top, region.right, region.bottom)))
        except (StorageError, raster.RenderError) as exc:
            log.warning("document %d: no image of %s: %s", doc_id, field, exc)
            return None
    while image.width > MAX_WIDTH:
        image = image.reduce(2)
    part = out.with_suffix(f".{os.getpid()}.part")
    image.save(part, format="PNG", optimize=True)
    part.replace(out)
    return out


def _task(pdf: Path, page: PageOcr, box: tuple[int, int, int, int]) -> SecondLookTask:
    """The second look's task for a box of `page`, its geometry rebuilt from the stored OCR
    (size, resolution, turn and deskew of the OCR copy)."""
    turned = page.rotation in (90, 270)
    size = (page.height, page.width) if turned else (page.width, page.height)
    geometry = preprocess.Geometry(rendered_size=size, rendered_dpi=page.dpi or 300.0,
                                   rotate=page.rotation, skew=page.skew)
    return SecondLookTask(pdf=pdf, number=page.number, geometry=geometry, box=box)
