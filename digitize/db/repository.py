"""The queries: add, find, edit, search, count. Callers own the session and transaction."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Float, Integer, column, func, select, text
from sqlalchemy.orm import Session, selectinload

from .. import fields
from ..records import METADATA_FIELDS, Metadata, PageOcr
from .models import Document, Event, Page

MANUAL = "manual"


@dataclass(slots=True)
class NewDocument:
    sha256: str
    source_name: str
    source_path: str | None
    kind: str
    size_bytes: int
    original_key: str
    pdf_key: str
    ocr_key: str
    pdf_sha256: str | None
    ocr_sha256: str | None
    ocr_lang: str
    pipeline_version: str
    pages: list[PageOcr]
    metadata: Metadata = field(default_factory=Metadata)


def find_by_sha256(session: Session, sha256: str) -> Document | None:
    return session.scalar(select(Document).where(Document.sha256 == sha256))


def get_document(session: Session, doc_id: int, *, with_pages: bool = False) -> Document | None:
    stmt = select(Document).where(Document.id == doc_id)
    if with_pages:
        stmt = stmt.options(selectinload(Document.pages))
    return session.scalar(stmt)


def add_document(session: Session, new: NewDocument, *, actor: str, review_threshold: float) -> Document:
    doc = Document(
        sha256=new.sha256,
        source_name=new.source_name,
        source_path=new.source_path,
        kind=new.kind,
        size_bytes=new.size_bytes,
        page_count=len(new.pages),
        original_key=new.original_key,
        pdf_key=new.pdf_key,
        ocr_key=new.ocr_key,
        pdf_sha256=new.pdf_sha256,
        ocr_sha256=new.ocr_sha256,
        ocr_lang=new.ocr_lang,
        pipeline_version=new.pipeline_version,
        field_meta={},
    )
    doc.pages = _page_rows(new.pages)
    apply_metadata(doc, new.metadata, review_threshold=review_threshold)
    session.add(doc)
    session.flush()
    session.add(Event(document_id=doc.id, actor=actor, action="ingest",
                      detail={"source_path": new.source_path, "pages": len(new.pages)}))
    return doc


def _page_rows(pages: Sequence[PageOcr]) -> list[Page]:
    return [
        Page(number=p.number, source=p.source, text=p.text, mean_conf=p.mean_conf,
             rotation=p.rotation, skew=p.skew, dpi=p.dpi, blank=p.blank)
        for p in pages
    ]


def replace_ocr(session: Session, doc: Document, pages: Sequence[PageOcr], metadata: Metadata, *,
                pdf_sha256: str, ocr_sha256: str, ocr_lang: str, pipeline_version: str, actor: str,
                review_threshold: float) -> list[str]:
    """New OCR for an archived document (reindex --reocr); manual field values are kept."""
    doc.pages.clear()
    session.flush()
    doc.pages.extend(_page_rows(pages))
    doc.page_count = len(pages)
    doc.pdf_sha256, doc.ocr_sha256 = pdf_sha256, ocr_sha256
    doc.ocr_lang, doc.pipeline_version = ocr_lang, pipeline_version
    changed = apply_metadata(doc, metadata, review_threshold=review_threshold)
    session.add(Event(document_id=doc.id, actor=actor, action="reocr",
                      detail={"changed": changed, "pipeline_version": pipeline_version}))
    return changed


def apply_metadata(doc: Document, metadata: Metadata, *, review_threshold: float) -> list[str]:
    """Set extracted fields, keeping every manual value; return the fields that changed."""
    meta = dict(doc.field_meta or {})
    changed = []
    for name in METADATA_FIELDS:
        if meta.get(name, {}).get("source") == MANUAL:
            continue
        fv = metadata.fields.get(name)
        value = fv.value if fv else None
        if getattr(doc, name) != value:
            changed.append(name)
        setattr(doc, name, value)
        meta[name] = {"confidence": round(fv.confidence, 3) if fv else 0.0,
                      "source": fv.source if fv else None}
    doc.field_meta = meta
    doc.needs_review = bool(fields_needing_review(doc, review_threshold))
    return changed


def fields_needing_review(doc: Document, threshold: float) -> list[str]:
    """Fields under the threshold, or missing where this kind of document should have them."""
    out = []
    meta = doc.field_meta or {}
    for name in expected_fields(doc):
        info = meta.get(name) or {}
        if info.get("source") == MANUAL:
            continue
        if getattr(doc, name) is None or float(info.get("confidence") or 0.0) < threshold:
            out.append(name)
    return out


def expected_fields(doc: Document) -> list[str]:
    """The fields a document of its type must have (fields.py says which)."""
    return fields.expected_fields(doc.doc_type)


def set_field(session: Session, doc: Document, name: str, value: str | None, *, actor: str,
              review_threshold: float, derived: Mapping[str, str | None] | None = None) -> bool:
    """A clerk's correction: wins over later re-extraction; recorded in the events table.

    `derived` holds the fields that follow from this one (number and symbol from
    number_symbol): they take the clerk's side too, and the one event lists them.
    """
    if name not in METADATA_FIELDS:
        raise KeyError(name)
    old = getattr(doc, name)
    meta = dict(doc.field_meta or {})
    followed = {}
    for field_name, field_value in {name: value, **(derived or {})}.items():
        if field_name not in METADATA_FIELDS:
            raise KeyError(field_name)
        if field_name != name and getattr(doc, field_name) != field_value:
            followed[field_name] = [getattr(doc, field_name), field_value]
        meta[field_name] = {"confidence": 1.0, "source": MANUAL}
        setattr(doc, field_name, field_value)
    doc.field_meta = meta
    doc.needs_review = bool(fields_needing_review(doc, review_threshold))
    session.add(Event(document_id=doc.id, actor=actor, action="edit", field=name,
                      old_value=old, new_value=value, detail={"derived": followed} if followed else None))
    return old != value or bool(followed)


def manual_values(doc: Document) -> dict[str, str | None]:
    """The fields a clerk set on this document, with their values."""
    meta = doc.field_meta or {}
    return {name: getattr(doc, name) for name in METADATA_FIELDS
            if (meta.get(name) or {}).get("source") == MANUAL}


def iter_documents(session: Session, *, with_pages: bool = False, batch: int = 500) -> Iterator[Document]:
    last = 0
    while True:
        stmt = select(Document).where(Document.id > last).order_by(Document.id).limit(batch)
        if with_pages:
            stmt = stmt.options(selectinload(Document.pages))
        rows = list(session.scalars(stmt))
        if not rows:
            return
        yield from rows
        last = rows[-1].id


def events_for(session: Session, doc_id: int) -> Sequence[Event]:
    return list(session.scalars(select(Event).where(Event.document_id == doc_id).order_by(Event.id)))


# --- full-text search -------------------------------------------------------------------

# The fields whose filters compare folded keys (documents.<name>_folded), as the
# full-text index compares folded words.
FOLDED_FIELDS: tuple[str, ...] = fields.FOLDED_FIELDS


def index_document(session: Session, doc_id: int, *, issuer: str, meta: str, body: str,
                   folded: Mapping[str, str | None] | None = None) -> None:
    """(Re)write the document's row in the full-text index; all strings already folded.

    `meta` (number, type, abstract, agency, signer, place) weighs more in the ranking;
    `body` holds everything, page text included. `folded` gives the filter keys of
    FOLDED_FIELDS, kept on the document row where the filters compare them.
    """
    row = {"id": doc_id, "issuer": issuer, "meta": meta, "body": body}
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("DELETE FROM search_index WHERE rowid = :id"), {"id": doc_id})
        session.execute(text("INSERT INTO search_index (rowid, issuer, meta, body) "
                             "VALUES (:id, :issuer, :meta, :body)"), row)
    else:
        session.execute(
            text("INSERT INTO search_index (document_id, issuer, meta, body) "
                 "VALUES (:id, :issuer, :meta, :body) ON CONFLICT (document_id) DO UPDATE "
                 "SET issuer = EXCLUDED.issuer, meta = EXCLUDED.meta, body = EXCLUDED.body"), row)
    doc = session.get(Document, doc_id)
    if doc is not None:
        for name in FOLDED_FIELDS:
            setattr(doc, f"{name}_folded", (folded or {}).get(name))


@dataclass(slots=True)
class SearchFilters:
    """What the filters ask for; every text filter is already folded by the caller."""

    doc_type_folded: str | None = None
    issuer_folded: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    number_folded: str | None = None
    limit: int = 20


_HIT_ID = column("id", Integer)
_HIT_RANK = column("rank", Float)
_TOKEN = re.compile(r'"([^"]+)"|(\S+)')


def parse_query(folded_query: str) -> list[list[str]]:
    """Folded query -> terms; a quoted phrase is one term of several words."""
    terms = []
    for phrase, word in _TOKEN.findall(folded_query):
        words = re.findall(r"\w+", phrase or word)
        if words:
            terms.append(words)
    return terms


# Ranking every match is what costs at scale (a common word matches most of the archive);
# past this many matches the most recently archived documents come first, read straight
# off the index in document-id order, which is what a clerk typing a common word wants.
RANK_AT_MOST = 1000


def search(session: Session, folded_query: str, filters: SearchFilters) -> list[tuple[Document, float]]:
    """Documents matching every term (and the filters), best first, with a rank (lower is better)."""
    terms = parse_query(folded_query)
    issuer_words = re.findall(r"\w+", filters.issuer_folded or "")
    stmt: Any = select(Document).options(selectinload(Document.pages))  # for the snippets
    newest_first = (Document.issued_date.desc().nulls_last(), Document.id.desc())
    if not terms and not issuer_words:
        stmt = _filtered(stmt, filters).order_by(*newest_first).limit(filters.limit)
        return [(doc, 0.0) for doc in session.scalars(stmt)]
    sqlite = session.get_bind().dialect.name == "sqlite"
    match_ids, ranked = (_sqlite_match(terms, issuer_words) if sqlite
                         else _postgres_match(terms, issuer_words))
    if _count_at_most(session, match_ids, RANK_AT_MOST + 1) > RANK_AT_MOST:
        hits = match_ids.subquery("hits")
        stmt = _filtered(stmt.join(hits, hits.c.id == Document.id), filters)
        stmt = stmt.order_by(hits.c.id.desc()).limit(filters.limit)
        return [(doc, 0.0) for doc in session.scalars(stmt)]
    sub = ranked.subquery("hits")
    stmt = stmt.join(sub, sub.c.id == Document.id).add_columns(sub.c.rank)
    stmt = _filtered(stmt, filters).order_by(sub.c.rank, *newest_first).limit(filters.limit)
    return [(doc, float(r)) for doc, r in session.execute(stmt)]


def _count_at_most(session: Session, ids: Any, cap: int) -> int:
    matches = ids.subquery()
    capped = select(matches.c.id).limit(cap).subquery()
    return int(session.scalar(select(func.count()).select_from(capped)) or 0)


def _sqlite_match(terms: list[list[str]], issuer_words: list[str]) -> tuple[Any, Any]:
    parts = ['body : "' + " ".join(words) + '"' for words in terms]
    if issuer_words:
        parts.append('issuer : "' + " ".join(issuer_words) + '"')
    query = " AND ".join(parts)
    ids = text("SELECT rowid AS id FROM search_index WHERE search_index MATCH :q").bindparams(
        q=query).columns(_HIT_ID)
    ranked = text("SELECT rowid AS id, bm25(search_index, 0.0, 4.0, 1.0) AS rank FROM search_index "
                  "WHERE search_index MATCH :q").bindparams(q=query).columns(_HIT_ID, _HIT_RANK)
    return ids, ranked


def _postgres_match(terms: list[list[str]], issuer_words: list[str]) -> tuple[Any, Any]:
    where, params = [], {}
    rank = "0.0"
    if terms:
        params["q"] = " & ".join("(" + " <-> ".join(words) + ")" for words in terms)
        where.append("tsv @@ to_tsquery('simple', :q)")
        # ranked on the small metadata vector: cheap, and where a clerk's words matter most
        rank = "-ts_rank(meta_tsv, to_tsquery('simple', :q)) - 0.01 * ts_rank(tsv, to_tsquery('simple', :q))"
    if issuer_words:
        params["issuer"] = "%" + " ".join(issuer_words) + "%"
        where.append("issuer LIKE :issuer")
    condition = " AND ".join(where)
    ids = text(f"SELECT document_id AS id FROM search_index WHERE {condition}").bindparams(
        **params).columns(_HIT_ID)
    ranked = text(f"SELECT document_id AS id, {rank} AS rank FROM search_index WHERE {condition}"
                  ).bindparams(**params).columns(_HIT_ID, _HIT_RANK)
    return ids, ranked


def _filtered(stmt: Any, f: SearchFilters) -> Any:
    if f.doc_type_folded:
        stmt = stmt.where(Document.doc_type_folded == f.doc_type_folded)
    if f.number_folded:
        stmt = stmt.where((Document.number_folded == f.number_folded)
                          | (Document.number_symbol_folded == f.number_folded))
    if f.date_from:
        stmt = stmt.where(Document.issued_date >= f.date_from)
    if f.date_to:
        stmt = stmt.where(Document.issued_date <= f.date_to)
    return stmt


def count_documents(session: Session) -> int:
    return int(session.scalar(select(func.count(Document.id))) or 0)


def stats(session: Session, *, top: int = 20) -> dict[str, Any]:
    """Counts for `digitize stats`: totals, by type, issuer, year and month."""

    def grouped(expr: Any, limit: int | None = None) -> list[tuple[str, int]]:
        stmt = select(expr, func.count(Document.id)).group_by(expr).order_by(func.count(Document.id).desc())
        if limit:
            stmt = stmt.limit(limit)
        return [(str(k) if k is not None else "(unknown)", int(n)) for k, n in session.execute(stmt)]

    year = func.substr(Document.issued_date, 1, 4)
    month = func.substr(Document.issued_date, 1, 7)
    return {
        "documents": count_documents(session),
        "pages": int(session.scalar(select(func.coalesce(func.sum(Document.page_count), 0))) or 0),
        "needs_review": int(session.scalar(
            select(func.count(Document.id)).where(Document.needs_review.is_(True))) or 0),
        "by_type": grouped(Document.doc_type),
        "by_issuer": grouped(Document.issuer, top),
        "by_year": sorted(grouped(year)),
        "by_month": sorted(grouped(month)),
    }
