"""The clerk in the loop: list what the machine was unsure of, take corrections."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from .. import fields
from ..db import repository
from ..db.models import Document
from ..errors import NotFound, UsageError
from ..metadata.derived import derive
from ..metadata.text import nfc
from ..metadata.typed import TypedValueError, typed_value
from ..records import PageOcr
from ..storage import StorageError
from .archive import Archive, current_actor
from .archive.contract import index_for_search, load_ocr, metadata_of


@dataclass(slots=True)
class ReviewItem:
    doc_id: int
    source_name: str
    fields: list[tuple[str, str | None, float]]  # name, value, confidence


def pending(archive: Archive, *, limit: int = 50, threshold: float | None = None) -> Iterator[ReviewItem]:
    """Documents with fields under the threshold (or missing), oldest first."""
    threshold = archive.settings.review_threshold if threshold is None else threshold
    with archive.session() as session:
        stmt = select(Document)
        if threshold == archive.settings.review_threshold:
            stmt = stmt.where(Document.needs_review.is_(True))
        n = 0
        # streamed: on a large archive most documents may be flagged, and only `limit` are wanted
        for doc in session.scalars(stmt.order_by(Document.id).execution_options(yield_per=100)):
            names = repository.fields_needing_review(doc, threshold)
            if not names:
                continue
            meta = doc.field_meta or {}
            yield ReviewItem(doc.id, doc.source_name, [
                (name, getattr(doc, name), float((meta.get(name) or {}).get("confidence") or 0.0))
                for name in names
            ])
            n += 1
            if n >= limit:
                return


def region_text(archive: Archive, doc_id: int, field: str) -> str:
    """The OCR text of the part of the page where `field` is printed, to show the clerk."""
    with archive.session() as session:
        doc = repository.get_document(session, doc_id)
        if doc is None:
            raise NotFound(f"no document with id {doc_id}")
        ocr_key = doc.ocr_key
    with tempfile.TemporaryDirectory(prefix="digitize-review-") as tmp:
        try:
            pages, _ = load_ocr(archive, ocr_key, Path(tmp))
        except StorageError:
            return "(the OCR text is not in the store: run `digitize verify`)"
    if not pages:
        return ""
    if fields.field(field).region == "signature":
        return _lines_between(pages[-1], 0.55, 1.0) or _lines_between(pages[0], 0.55, 1.0)
    return _lines_between(pages[0], 0.0, 0.42)


def _lines_between(page: PageOcr, top: float, bottom: float) -> str:
    lines: dict[tuple[int, int, int], list[Any]] = {}
    for word in page.words:
        middle = (word.top + word.height / 2) / max(page.height, 1)
        if top <= middle <= bottom:
            lines.setdefault((word.block, word.par, word.line), []).append(word)
    ordered = sorted(lines.values(), key=lambda ws: (min(w.top for w in ws), min(w.left for w in ws)))
    return "\n".join(" ".join(w.text for w in sorted(ws, key=lambda w: w.left)) for ws in ordered)


def set_field(archive: Archive, doc_id: int, field: str, value: str | None, *,
              actor: str | None = None) -> tuple[str | None, str | None]:
    """A clerk's value: wins over every later re-extraction; recorded with who (`actor`, the
    signed-in user of `digitize serve`; the OS user by default) and when.

    A date is stored as an ISO date whatever way it was typed (an impossible one is a
    UsageError); the fields derived from this one (number and symbol from number_symbol)
    follow it.
    """
    if field not in fields.BY_NAME:
        raise UsageError(f"unknown field {field!r}", advice=f"one of: {', '.join(fields.NAMES)}")
    value = (nfc(value).strip() or None) if value is not None else None
    if value is not None:
        try:
            value = typed_value(field, value)
        except TypedValueError as exc:
            raise UsageError(f"{field}: {exc}") from None
    with archive.session() as session:
        doc = repository.get_document(session, doc_id, with_pages=True)
        if doc is None:
            raise NotFound(f"no document with id {doc_id}", advice="`digitize review` lists ids")
        old = getattr(doc, field)
        repository.set_field(session, doc, field, value, actor=actor or current_actor(),
                             review_threshold=archive.settings.review_threshold,
                             derived=derive(field, value))
        pages = [PageOcr(p.number, 0, 0, p.dpi or 0, p.text) for p in doc.pages]
        index_for_search(session, doc.id, metadata_of(doc), pages)
    return old, value
