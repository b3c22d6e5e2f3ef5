"""Reading the archive back: records for show/export, files for get, search hits."""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from .. import fields
from ..db import repository
from ..db.models import Document
from ..errors import ArchiveError, NotFound
from ..metadata.text import fold
from ..records import METADATA_FIELDS
from ..storage import StorageError
from .archive import Archive, filter_key


def _load(session: Any, doc_id: int, *, with_pages: bool = False) -> Document:
    doc = repository.get_document(session, doc_id, with_pages=with_pages)
    if doc is None:
        raise NotFound(f"no document with id {doc_id}", advice="`digitize search` lists ids")
    return doc


def record_of(doc: Document, *, review_threshold: float, with_text: bool = False) -> dict[str, Any]:
    """One document as a flat record: field values at top level plus confidence/source."""
    meta = doc.field_meta or {}
    record: dict[str, Any] = {
        "id": doc.id,
        "source_name": doc.source_name,
        "sha256": doc.sha256,
        "page_count": doc.page_count,
    }
    for name in METADATA_FIELDS:
        record[name] = getattr(doc, name)
    record["confidence"] = {n: (meta.get(n) or {}).get("confidence", 0.0) for n in METADATA_FIELDS}
    record["source"] = {n: (meta.get(n) or {}).get("source") for n in METADATA_FIELDS}
    record["needs_review"] = repository.fields_needing_review(doc, review_threshold)
    if with_text:
        record["text"] = [p.text for p in doc.pages]
    return record


def document_record(archive: Archive, doc_id: int, *, with_url: bool = False) -> dict[str, Any]:
    with archive.session() as session:
        doc = _load(session, doc_id, with_pages=True)
        record = record_of(doc, review_threshold=archive.settings.review_threshold)
        record.update({
            "kind": doc.kind,
            "size_bytes": doc.size_bytes,
            "source_path": doc.source_path,
            "created_at": doc.created_at.isoformat() if doc.created_at else None,
            "pipeline_version": doc.pipeline_version,
            "ocr_lang": doc.ocr_lang,
            "keys": {"original": doc.original_key, "pdf": doc.pdf_key, "ocr": doc.ocr_key},
            "pages": [
                {"number": p.number, "source": p.source, "mean_conf": p.mean_conf, "rotation": p.rotation,
                 "skew": p.skew, "dpi": p.dpi, "blank": p.blank, "chars": len(p.text)}
                for p in doc.pages
            ],
            "events": [
                {"action": e.action, "actor": e.actor, "at": e.at.isoformat() if e.at else None,
                 "field": e.field, "old_value": e.old_value, "new_value": e.new_value}
                for e in repository.events_for(session, doc.id)
            ],
        })
        pdf_key = doc.pdf_key
    if with_url:
        try:
            record["url"] = archive.store.url_for(pdf_key, expires=archive.settings.url_expiry)
        except StorageError as exc:
            record["url"] = None
            record["url_error"] = str(exc)
    return record


def fetch_file(archive: Archive, doc_id: int, output: Path, *, original: bool) -> Path:
    with archive.session() as session:
        doc = _load(session, doc_id)
        key = doc.original_key if original else doc.pdf_key
        name = doc.source_name if original else f"{Path(doc.source_name).stem}.searchable.pdf"
    dest = output / Path(name).name if output.is_dir() else output
    try:
        return archive.store.get(key, dest)
    except StorageError as exc:
        raise ArchiveError(f"document {doc_id}: {exc}", advice="run `digitize verify --repair`") from exc


def iter_records(archive: Archive, *, with_text: bool = False) -> Iterator[dict[str, Any]]:
    with archive.session() as session:
        for doc in repository.iter_documents(session, with_pages=with_text):
            yield record_of(doc, review_threshold=archive.settings.review_threshold, with_text=with_text)


# Nghị định 30/2020/NĐ-CP, Phụ lục VI: the names clerks and other archive software expect
# (declared with each field in fields.py).
CSV_COLUMNS: list[tuple[str, str]] = list(fields.CSV_COLUMNS)


def write_csv(archive: Archive, out: IO[str]) -> None:
    """Every record as a row under the Phụ lục VI headers, each cell safe for a spreadsheet."""
    writer = csv.writer(out)
    writer.writerow([csv_cell(header) for _, header in CSV_COLUMNS])
    for record in iter_records(archive):
        row: list[Any] = []
        for key, _ in CSV_COLUMNS:
            value = record.get(key)
            if key == "needs_review":
                value = [_REVIEW_NAMES.get(name, name) for name in value or []]
            # "; " between items: several Phụ lục VI names hold a comma themselves
            row.append(csv_cell("; ".join(value) if isinstance(value, list) else value))
        writer.writerow(row)


#: Each field's Vietnamese name for the "Cần kiểm tra" column: its CSV header without the
#: element name in brackets ("Trích yếu nội dung (Subject)" -> "Trích yếu nội dung").
_REVIEW_NAMES: dict[str, str] = {f.name: f.vi for f in fields.FIELDS}

# What a spreadsheet would not keep as the text it is. OWASP's advice on CSV injection: a
# cell starting with = + - @ tab or CR is read as a formula (a file named "=HYPERLINK(…).pdf"
# would run one), so such a cell gets a leading single quote, OWASP's marker for "read this
# as text" (https://owasp.org/www-community/attacks/CSV_Injection; a spreadsheet may show
# the quote, the rest of the value is intact; jsonl carries values untouched). The same
# quote keeps digits Excel would turn into a number losing something (the leading zero of
# số "05", or the digits past the 15th) as text. The `="05"` form is not used: it is a
# formula itself. Numbers that are numbers (id, page count) are written as numbers.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_EXCEL_WOULD_CHANGE = re.compile(r"0\d+|\d{16,}")


def csv_cell(value: Any) -> Any:
    """One value as a CSV cell: text in NFC (a file name saved in NFD stays readable and
    searchable in Excel), with a leading ' where a spreadsheet would change it."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    text = unicodedata.normalize("NFC", value)
    if text.startswith(_FORMULA_START) or _NUMBER_EXCEL_WOULD_CHANGE.fullmatch(text):
        return "'" + text
    return text


# --- search -----------------------------------------------------------------------------------

def search(
    archive: Archive, query: str, *, doc_type: str | None = None, issuer: str | None = None,
    date_from: str | None = None, date_to: str | None = None, number: str | None = None, limit: int = 20,
) -> list[dict[str, Any]]:
    folded = fold(query)
    filters = repository.SearchFilters(
        doc_type_folded=filter_key(doc_type), issuer_folded=fold(issuer) if issuer else None,
        date_from=date_from, date_to=date_to, number_folded=filter_key(number), limit=limit,
    )
    terms = repository.parse_query(folded)
    hits = []
    with archive.session() as session:
        for doc, rank in repository.search(session, folded, filters):
            hits.append({
                "id": doc.id,
                "rank": round(rank, 4),
                "number_symbol": doc.number_symbol,
                "issued_date": doc.issued_date,
                "doc_type": doc.doc_type,
                "issuer": doc.issuer,
                "abstract": doc.abstract,
                "signer": doc.signer,
                "place": doc.place,
                "needs_review": doc.needs_review,
                "source_name": doc.source_name,
                "snippet": snippet(" ".join(p.text for p in doc.pages), terms),
            })
    return hits


def snippet(text: str, terms: list[list[str]], width: int = 160) -> str:
    """The text around the first match, with matches in [brackets]; found on folded text."""
    flat = re.sub(r"\s+", " ", text).strip()
    folded = fold(flat)  # same length as flat: positions carry over
    patterns = [r"\b" + r"\W+".join(map(re.escape, words)) + r"\b" for words in terms]
    if not patterns:
        return flat[:width]
    regex = re.compile("|".join(patterns))
    first = regex.search(folded)
    if first is None:
        return flat[:width]
    start = max(0, first.start() - width // 3)
    end = min(len(flat), start + width)
    out, pos = [], start
    for m in regex.finditer(folded, start, end):
        out.append(flat[pos:m.start()])
        out.append(f"[{flat[m.start():m.end()]}]")
        pos = m.end()
    out.append(flat[pos:end])
    return ("…" if start else "") + "".join(out) + ("…" if end < len(flat) else "")
