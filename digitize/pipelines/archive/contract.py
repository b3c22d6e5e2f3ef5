"""The archive contract: what one document is in the archive, for every command that writes,
reads or checks one (ingest, inbox, reindex, review, verify, and the queue workers to come).

A document is three objects under content-addressed keys and one database record naming them:
- `OBJECTS` declares the objects once: `object_keys` writes their keys, `ARCHIVE_KEY`
  recognises them (verify's orphans, `reindex --import` skipping digitize's own outputs),
  `expected` lists a record's objects with the checksum and size to check them against.
- `ocr.json` keeps the pages' OCR and the second looks at weak regions, enough to read the
  fields again without OCR: `write_ocr_json`, `read_ocr_json`, `load_ocr` (from the store).
- `PIPELINE_VERSION` says what a record was made with (`reindex --if-needed`).
- The search index rows: `index_for_search`, from a record's current fields (`metadata_of`).
- The two commits, in the order DESIGN.md gives (every object stored and verified, then one
  transaction): `commit_new` for a scan not archived yet, `commit_replacement` for a scan
  read again (re-OCR, repair), which keeps the clerk's corrections.

Where things go. A new output file: one more `ObjectKind` in `OBJECTS` (with the record's
columns for its key and checksum, and a migration), made in the work folder by ingest.py
and stored by `_store`. A new storage backend: `digitize/storage/` behind `ObjectStore`;
nothing here changes. A queue worker: take the original from the store
(`object_keys(sha256, kind)["original"]`, or the record's `original_key`) into its own work
folder and run ingest.py on it, which ends with `commit_new` or `commit_replacement` given a
`Made`; the keys come from the content, so a task delivered twice writes the same keys
again, and the unique sha256 turns a second record into a `duplicate` result.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError

from ... import __version__, fields
from ...db import repository
from ...errors import ArchiveError, DatabaseError, DigitizeError, InputError
from ...metadata import Region
from ...metadata.derived import follow_manual
from ...metadata.text import fold
from ...ocr import sources
from ...records import METADATA_FIELDS, FieldValue, IngestResult, Metadata, PageOcr, Word
from ...storage import StorageError
from . import Archive, current_actor, filter_keys
from .errors import store_problem

# What a record was made with. Raise it when the extraction (or what OCR keeps for it)
# changes what a document's fields would be: `reindex --if-needed` then re-reads the older
# records. 2: the extractor's fixes for noisy reads, urgency and header second looks.
# A new field raises it by itself: its `since` in fields.py.
PIPELINE_VERSION = str(max(2, fields.NEWEST_SINCE))
_EXT = {"pdf": "pdf", "tiff": "tif", "jpeg": "jpg", "png": "png"}


@dataclass(frozen=True, slots=True)
class ObjectKind:
    """One object a document owns: its key (`{sha256}` the original's, `{prefix}` its first
    two digits, `{ext}` the original's extension) and the record's columns for its key,
    checksum and size (None: the size is not recorded)."""

    name: str
    key: str
    key_column: str
    sha_column: str
    size_column: str | None = None


# The layout, declared once. Never derived from a user-supplied name.
OBJECTS = (
    ObjectKind("original", "originals/{prefix}/{sha256}.{ext}", "original_key", "sha256", "size_bytes"),
    ObjectKind("pdf", "pdf/{sha256}.pdf", "pdf_key", "pdf_sha256"),
    ObjectKind("ocr", "ocr/{sha256}.json", "ocr_key", "ocr_sha256"),
)
_PLACEHOLDERS = {"{prefix}": "[0-9a-f]{2}", "{sha256}": "[0-9a-f]{64}", "{ext}": r"\w+"}


def _key_pattern(kind: ObjectKind) -> str:
    parts = re.split(r"(\{\w+\})", kind.key)
    out = [_PLACEHOLDERS[p] if p in _PLACEHOLDERS else re.escape(p) for p in parts]
    if kind.name == "original":  # group 2 of ARCHIVE_KEY: the original's sha256
        out = [f"({x})" if p == "{sha256}" else x for p, x in zip(parts, out, strict=True)]
    return "".join(out)


# Any key object_keys() writes: an original (group 2: its sha256), or an output made from one.
ARCHIVE_KEY = re.compile(r"(^|/)(?:" + "|".join(_key_pattern(k) for k in OBJECTS) + r")$")


def object_keys(sha256: str, kind: str) -> dict[str, str]:
    """Content-addressed keys: never derived from a user-supplied name."""
    return {k.name: k.key.format(prefix=sha256[:2], sha256=sha256, ext=_EXT[kind]) for k in OBJECTS}


def expected(doc: Any) -> Iterator[tuple[str, str | None, int | None]]:
    """A record's objects, as verify checks them: key, sha256, size (None: not recorded)."""
    for k in OBJECTS:
        yield (getattr(doc, k.key_column), getattr(doc, k.sha_column),
               getattr(doc, k.size_column) if k.size_column else None)


def content_type(kind: str) -> str:
    return {"pdf": "application/pdf", "tiff": "image/tiff", "jpeg": "image/jpeg", "png": "image/png"}[kind]


# A second look at a region: the region, and the words read there.
SecondLook = tuple[Region, list[Word]]


def looks_to_json(looks: list[SecondLook]) -> list[dict[str, Any]]:
    return [{"page": r.page, "left": r.left, "top": r.top, "right": r.right, "bottom": r.bottom,
             "reason": r.reason, "words": PageOcr(0, 0, 0, 0, "", words).to_json()["words"]}
            for r, words in looks]


def looks_from_json(rows: list[dict[str, Any]]) -> list[SecondLook]:
    return [(Region(row["page"], row["left"], row["top"], row["right"], row["bottom"], row["reason"]),
             [Word(*w) for w in row["words"]]) for row in rows]


def write_ocr_json(path: Path, sha256: str, source_name: str, pages: list[PageOcr],
                   looks: list[SecondLook]) -> Path:
    """The OCR JSON object: the pages and the second looks (key "rereads", as stored)."""
    path.write_text(json.dumps({
        "digitize": __version__,
        "pipeline_version": PIPELINE_VERSION,
        "sha256": sha256,
        "source_name": source_name,
        "pages": [p.to_json() for p in pages],
        "rereads": looks_to_json(looks),
    }, ensure_ascii=False), "utf-8")
    return path


def read_ocr_json(path: Path) -> tuple[list[PageOcr], list[SecondLook]]:
    data = json.loads(path.read_text("utf-8"))
    return [PageOcr.from_json(page) for page in data["pages"]], looks_from_json(data.get("rereads", []))


def load_ocr(archive: Archive, ocr_key: str, tmp: Path) -> tuple[list[PageOcr], list[SecondLook]]:
    """The stored OCR of a document: its pages, and any second looks at regions."""
    dest = archive.store.get(ocr_key, tmp / "ocr.json")
    try:
        return read_ocr_json(dest)
    finally:
        dest.unlink(missing_ok=True)


def object_metadata(source_name: str, metadata: Metadata) -> dict[str, str]:
    """A few fields stored with the objects, so other S3 tools can tell what a file is."""
    described = {"source-name": source_name}
    for name in fields.OBJECT_FIELDS:
        if value := metadata.value(name):
            described[name.replace("_", "-")] = value[:200]
    return described


def metadata_of(doc: Any) -> Metadata:
    """The metadata a document holds now (manual corrections included), for the search index."""
    meta = doc.field_meta or {}
    return Metadata({
        name: FieldValue(getattr(doc, name), float((meta.get(name) or {}).get("confidence") or 0.0),
                         (meta.get(name) or {}).get("source") or "ocr")
        for name in METADATA_FIELDS
    })


def index_for_search(session: Any, doc_id: int, metadata: Metadata, pages: list[PageOcr]) -> None:
    """The full-text index holds folded text: the metadata apart (it ranks higher), and
    everything (metadata and every page's text) together; the filter keys (type, number)
    folded the same way."""
    meta = fold(" ".join(metadata.value(k) or "" for k in fields.SEARCH_META))
    body = meta + "\n" + fold("\n".join(p.text for p in pages))
    issuer = fold(" ".join(metadata.value(k) or "" for k in fields.SEARCH_ISSUER))
    repository.index_document(session, doc_id, issuer=issuer, meta=meta, body=body,
                              folded=filter_keys(metadata))


def find_document(archive: Archive, sha256: str) -> tuple[int, int] | None:
    """(id, page count) of the document recorded for this sha256, or None."""
    with archive.session() as session:
        doc = repository.find_by_sha256(session, sha256)
        return (doc.id, doc.page_count) if doc else None


@dataclass(slots=True)
class Made:
    """What one run of the pipeline made of one original, ready to be committed. `name` and
    `origin` are what the record says the scan was called and where it was read from (a
    queue worker gives the submitter's, not its own copy's)."""

    source: sources.Source  # the original: its file, sha256, kind and size
    name: str
    origin: str
    pages: list[PageOcr]
    metadata: Metadata
    pdf: Path  # the searchable PDF, in the work folder
    ocr_json: Path


def commit_new(archive: Archive, made: Made, result: IngestResult, *, overwrite: bool = False) -> None:
    """Archive a scan not recorded yet: its objects stored and verified, then its record in
    one transaction. `result` gets the id and `ingested`, or `duplicate` when another run
    recorded the same scan meanwhile. `overwrite`: store this run's outputs over any stored
    ones (re-OCR) instead of keeping what another run stored first."""
    source, settings = made.source, archive.settings
    keys, pdf_sha, ocr_sha = _store(archive, made, result, replace=overwrite)
    t = time.perf_counter()
    new = repository.NewDocument(
        sha256=source.sha256, source_name=made.name, source_path=made.origin,
        kind=source.kind, size_bytes=source.size, original_key=keys["original"], pdf_key=keys["pdf"],
        ocr_key=keys["ocr"], pdf_sha256=pdf_sha, ocr_sha256=ocr_sha, ocr_lang=settings.lang,
        pipeline_version=PIPELINE_VERSION, pages=made.pages, metadata=made.metadata,
    )
    try:
        with archive.session() as session:
            doc = repository.add_document(session, new, actor=current_actor(),
                                          review_threshold=settings.review_threshold)
            index_for_search(session, doc.id, made.metadata, made.pages)
            doc_id = doc.id  # assigned at the flush: not the document's until the commit succeeds
            needs_review = repository.fields_needing_review(doc, settings.review_threshold)
    except DatabaseError as exc:
        # another run archived the same scan meanwhile: the unique sha256 stopped a double
        dup = find_document(archive, source.sha256) if isinstance(exc.__cause__, IntegrityError) else None
        if dup:
            result.status, result.id = "duplicate", dup[0]
            return
        raise
    result.id, result.needs_review = doc_id, needs_review
    result.timings["db"] = time.perf_counter() - t
    result.status = "ingested"


def commit_replacement(archive: Archive, made: Made, result: IngestResult) -> None:
    """Archive a recorded scan read again (`result.id`): its new outputs stored over the old
    ones, then the record's pages and fields replaced, the clerk's corrections kept; status
    `reindexed`."""
    settings = archive.settings
    _, pdf_sha, ocr_sha = _store(archive, made, result, replace=True)
    t = time.perf_counter()
    with archive.session() as session:
        doc = repository.get_document(session, result.id, with_pages=True) if result.id is not None else None
        if doc is None:
            raise DigitizeError(f"{made.source.path}: document {result.id} vanished while it was re-read")
        metadata = follow_manual(made.metadata, repository.manual_values(doc))
        repository.replace_ocr(session, doc, made.pages, metadata, pdf_sha256=pdf_sha, ocr_sha256=ocr_sha,
                               ocr_lang=settings.lang,
                               pipeline_version=PIPELINE_VERSION, actor=current_actor(),
                               review_threshold=settings.review_threshold)
        index_for_search(session, doc.id, metadata_of(doc), made.pages)
        result.needs_review = repository.fields_needing_review(doc, settings.review_threshold)
    result.timings["db"] = time.perf_counter() - t
    result.status = "reindexed"


def _store(archive: Archive, made: Made, result: IngestResult, *, replace: bool
           ) -> tuple[dict[str, str], str, str]:
    """Put the original and the outputs under their keys: (keys, PDF sha256, OCR JSON sha256),
    the checksums of what the store holds. A failure is the archive's (ArchiveError), unless
    the original changed meanwhile (InputError: the file's doing)."""
    source = made.source
    keys = object_keys(source.sha256, source.kind)
    t = time.perf_counter()
    pdf_sha, ocr_sha = sources.sha256_of(made.pdf), sources.sha256_of(made.ocr_json)
    described = object_metadata(made.name, made.metadata)
    try:
        archive.store.put(keys["original"], source.path, sha256=source.sha256,
                          content_type=content_type(source.kind), metadata=described)
        # A new scan's outputs are written create-only: another run ingesting the same scan at
        # the same time may have stored its own rendition (other bytes) first, and then that
        # one is kept and recorded, whichever run's record commits (re-OCR replaces them).
        pdf_sha = archive.store.put(keys["pdf"], made.pdf, sha256=pdf_sha, content_type="application/pdf",
                                    metadata=described, keep_existing=not replace).sha256 or pdf_sha
        ocr_sha = archive.store.put(keys["ocr"], made.ocr_json, sha256=ocr_sha,
                                    content_type="application/json", keep_existing=not replace
                                    ).sha256 or ocr_sha
    except (StorageError, OSError) as exc:
        if not _unchanged_source(source):  # the file's doing, not the store's
            raise InputError(f"{source.path}: changed or removed while it was being archived",
                             advice="put the finished scan back and run the same command again") from exc
        raise ArchiveError(f"{source.path}: could not archive ({store_problem(exc)}); the original is "
                           "untouched, run the same command again later") from exc
    result.timings["store"] = time.perf_counter() - t
    return keys, pdf_sha, ocr_sha


def _unchanged_source(source: sources.Source) -> bool:
    try:
        return source.path.stat().st_size == source.size
    except OSError:
        return False
