"""Reindex: bring archived documents up to the current extractor (or OCR) and search index.

- re-extract (default): metadata read again from the stored OCR JSON; no OCR, fast.
- re-OCR (`reocr=True`): the stored originals go through OCR again (new language data or
  settings), through the same pipeline as ingest.
- import: take in a folder or bucket of PDFs never processed by digitize.
Manual corrections always survive. A plain run keeps a checkpoint in the data home, so an
interrupted reindex continues where it stopped; `--if-needed` is naturally resumable.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ..db import repository
from ..db.models import Document, Event
from ..errors import ArchiveError, DigitizeError, NotFound, UsageError
from ..metadata.derived import follow_manual
from ..records import IngestResult, Progress
from ..storage import ObjectInfo, ObjectStore, StorageError, open_store
from .archive import Archive, current_actor, filter_key
from .archive.contract import ARCHIVE_KEY, PIPELINE_VERSION, index_for_search, load_ocr, metadata_of
from .executor import make_executor
from .ingest import SUPPORTED_SUFFIXES, IngestOptions, collect_files, ingest
from .leftovers import work_folder, work_prefix
from .second_look import read_metadata

log = logging.getLogger(__name__)

_BATCH = 200


# The --where keys, each with the forms of its value: the keys Where.parse takes and the
# advice it gives on a key or value it refuses (the fields `type` and `year` filter are
# doc_type and issued_date of fields.py).
_WHERE_FORMS_BY_KEY = {"type": ("NAME",), "year": ("YYYY",), "id": ("N", "A-B", "A-", "-B")}
_WHERE_KEYS = tuple(_WHERE_FORMS_BY_KEY)
_FORMS = [f"{key}={form}" for key, forms in _WHERE_FORMS_BY_KEY.items() for form in forms]
_WHERE_FORMS = f"use {', '.join(_FORMS[:-1])} or {_FORMS[-1]}"
_MAX_ID = 2**31 - 1  # document ids are 32-bit integers in the database (PostgreSQL INTEGER)


def _id(item: str, digits: str) -> int:
    """A document id bound of --where; past what the database can hold is a usage error,
    not a database overflow."""
    number = int(digits)
    if number > _MAX_ID:
        raise UsageError(f"--where {item!r}: {digits} is past the largest document id ({_MAX_ID})",
                         advice=_WHERE_FORMS)
    return number


@dataclass(slots=True)
class Where:
    """--where filters: type=Quyết định, year=2025, id=100-200."""

    doc_type: str | None = None
    year: int | None = None
    id_from: int | None = None
    id_to: int | None = None

    @classmethod
    def parse(cls, items: tuple[str, ...]) -> Where:
        """The filters of the command line; one that would select nothing it names (year=0,
        id=-) or more than it says is refused, never read as "every document"."""
        where = cls()
        for item in items:
            key, sep, value = item.partition("=")
            key, value = key.strip().lower(), value.strip()
            if key not in _WHERE_KEYS:
                raise UsageError(f"--where {item!r}: unknown key {key!r}" if sep else
                                 f"--where {item!r}: expected KEY=VALUE", advice=_WHERE_FORMS)
            if key == "type" and value:
                where.doc_type = value
            elif key == "year" and re.fullmatch(r"[1-9]\d{3}", value):
                where.year = int(value)
            elif key == "id" and (bounds := re.fullmatch(r"(\d*)(-?)(\d*)", value)) and value.strip("-"):
                low, dash, high = bounds.groups()
                where.id_from = _id(item, low) if low else None
                where.id_to = _id(item, high) if high else (None if dash else where.id_from)
                if where.id_from is not None and where.id_to is not None and where.id_from > where.id_to:
                    raise UsageError(f"--where {item!r}: the range ends before it starts",
                                     advice=_WHERE_FORMS)
            else:
                raise UsageError(f"--where {item!r}: not a valid {key}", advice=_WHERE_FORMS)
        return where

    def apply(self, stmt: Any) -> Any:
        if self.doc_type:
            stmt = stmt.where(Document.doc_type_folded == filter_key(self.doc_type))
        if self.year:
            stmt = stmt.where(Document.issued_date.like(f"{self.year}-%"))
        if self.id_from is not None:
            stmt = stmt.where(Document.id >= self.id_from)
        if self.id_to is not None:
            stmt = stmt.where(Document.id <= self.id_to)
        return stmt

    def key(self) -> str:
        return json.dumps([self.doc_type, self.year, self.id_from, self.id_to])


@dataclass(slots=True)
class ReindexSummary:
    seen: int = 0
    updated: int = 0  # documents whose fields changed
    unchanged: int = 0
    failed: int = 0
    skipped: int = 0  # up to date (--if-needed) or done before an interruption
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    def merge(self, other: ReindexSummary) -> None:
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.failed += other.failed
        self.errors.extend(other.errors)

    @property
    def rate(self) -> float:
        return self.seen / self.seconds if self.seconds else 0.0

    def to_json(self) -> dict[str, Any]:
        return {"seen": self.seen, "updated": self.updated, "unchanged": self.unchanged,
                "failed": self.failed, "skipped": self.skipped, "seconds": round(self.seconds, 3),
                "docs_per_second": round(self.rate, 1), "errors": self.errors}


def _needs(doc_version: str | None) -> bool:
    try:
        return int(doc_version or 0) < int(PIPELINE_VERSION)
    except ValueError:
        return True


class _Checkpoint:
    """The last document id a plain reindex finished, kept in the data home."""

    def __init__(self, home: Path, key: str) -> None:
        digest = hashlib.sha256(key.encode()).hexdigest()[:12]
        self.path = home / f"reindex-{digest}.checkpoint"

    def load(self) -> int:
        try:
            return int(self.path.read_text().strip())
        except (FileNotFoundError, ValueError):
            return 0

    def save(self, last_id: int) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(str(last_id))
        tmp.replace(self.path)

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)


def _ids(archive: Archive, where: Where, after: int, if_needed: bool) -> Iterator[tuple[int, str]]:
    last = after
    while True:
        with archive.session() as session:
            stmt = where.apply(select(Document.id, Document.pipeline_version)).where(Document.id > last)
            rows = list(session.execute(stmt.order_by(Document.id).limit(_BATCH)))
        if not rows:
            return
        yield from rows
        last = rows[-1][0]


def reextract(archive: Archive, where: Where, *, if_needed: bool = False, restart: bool = False,
              jobs: int = 1, on_progress: Callable[[int], None] | None = None) -> ReindexSummary:
    """Read every matching document's metadata again from its stored OCR JSON.

    Batches of documents run in `jobs` worker processes (each with its own connection);
    the checkpoint advances as batches finish in order, so an interrupted run resumes.
    """
    summary = ReindexSummary()
    started = time.perf_counter()
    checkpoint = _Checkpoint(archive.settings.home, "extract" + where.key())
    after = 0 if (restart or if_needed) else checkpoint.load()
    if after:
        log.info("resuming the interrupted reindex after document %d", after)
    batches: list[list[int]] = [[]]
    for doc_id, version in _ids(archive, where, after, if_needed):
        summary.seen += 1
        if if_needed and not _needs(version):
            summary.skipped += 1
            continue
        if len(batches[-1]) >= _WORK_BATCH:
            batches.append([])
        batches[-1].append(doc_id)
    batches = [b for b in batches if b]
    if on_progress and summary.skipped:
        on_progress(summary.skipped)
    pool = make_executor(jobs, preload=(__name__,)) if jobs > 1 and len(batches) > 1 else None
    try:
        parts = (pool.map(_batch_in_worker, repeat(archive.settings), batches) if pool
                 else (_reextract_batch(archive, batch) for batch in batches))
        for batch, part in zip(batches, parts, strict=True):
            summary.merge(part)
            if not if_needed:
                checkpoint.save(batch[-1])
            if on_progress:
                on_progress(len(batch))
    finally:
        if pool:
            pool.shutdown(cancel_futures=True)
    checkpoint.clear()
    summary.seconds = time.perf_counter() - started
    return summary


_WORK_BATCH = 20
_worker_archive: Archive | None = None


def _batch_in_worker(settings: Any, ids: list[int]) -> ReindexSummary:
    """In a worker process: one Archive (engine, store) per process, reused across batches."""
    global _worker_archive
    if _worker_archive is None or _worker_archive.settings != settings:
        _worker_archive = Archive(settings)
    return _reextract_batch(_worker_archive, ids)


def _reextract_batch(archive: Archive, ids: list[int]) -> ReindexSummary:
    summary = ReindexSummary()
    with tempfile.TemporaryDirectory(prefix=work_prefix("reindex"), dir=archive.settings.tmp_dir) as tmp:
        for doc_id in ids:
            _reextract_one(archive, doc_id, Path(tmp), summary)
    return summary


def _reextract_one(archive: Archive, doc_id: int, tmp: Path, summary: ReindexSummary) -> None:
    settings = archive.settings
    try:
        with archive.session() as session:
            doc = repository.get_document(session, doc_id)
            if doc is None:
                return
            pages, looks = load_ocr(archive, doc.ocr_key, tmp)
            metadata = follow_manual(read_metadata(pages, looks, doc.source_name,
                                                   threshold=settings.review_threshold),
                                     repository.manual_values(doc))
            changed = repository.apply_metadata(doc, metadata, review_threshold=settings.review_threshold)
            doc.pipeline_version = PIPELINE_VERSION
            index_for_search(session, doc.id, metadata_of(doc), pages)
            if changed:
                session.add(Event(document_id=doc.id, actor=current_actor(), action="reindex",
                                  detail={"changed": changed, "pipeline_version": PIPELINE_VERSION}))
                summary.updated += 1
            else:
                summary.unchanged += 1
    except (DigitizeError, StorageError, ValueError, KeyError) as exc:
        summary.failed += 1
        summary.errors.append(f"document {doc_id}: {exc}")
        log.warning("reindex of document %d failed: %s", doc_id, exc)


def reocr(archive: Archive, where: Where, *, if_needed: bool = False, progress: Progress | None = None,
          keep_temp: bool = False, password: str | None = None) -> Iterator[IngestResult]:
    """OCR the stored originals again, through the ingest pipeline (manual edits kept), with
    ingest's own decision page by page: a page with a real text layer keeps it, unread."""
    tmp = work_folder(archive.settings, "reocr")
    try:
        yield from ingest(archive, _originals(archive, where, if_needed, tmp),
                          IngestOptions(ocr="auto", replace=True, keep_temp=keep_temp, password=password),
                          progress)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _originals(archive: Archive, where: Where, if_needed: bool, tmp: Path) -> Iterator[Path]:
    """Each matching document's original, fetched into `tmp` one at a time as ingest asks."""
    for doc_id, version in _ids(archive, where, 0, if_needed):
        if if_needed and not _needs(version):
            continue
        with archive.session() as session:
            doc = repository.get_document(session, doc_id)
            if doc is None:
                continue
            key, name = doc.original_key, f"{doc_id}-{Path(doc.source_name).name}"
        try:
            yield archive.store.get(key, tmp / name)
        except StorageError as exc:
            log.error("document %d: original missing from the store (%s); run `digitize verify`", doc_id, exc)


def import_sources(archive: Archive, source: str, tmp: Path) -> Iterator[Path]:
    """Files to take in from a folder or an object store, skipping what is archived already."""
    if "://" not in source or source.startswith("file://"):
        folder = Path(source.removeprefix("file://")).expanduser()
        if not folder.is_dir():
            raise NotFound(f"{folder}: no such folder to import", advice="give a folder or s3://bucket/prefix")
        yield from collect_files([folder])
        return
    try:
        store = open_store(source)
    except ValueError as exc:  # the command line's --import
        raise UsageError(str(exc)) from exc
    for number, info in enumerate(_listing(store, source), 1):
        if Path(info.key).suffix.lower() not in SUPPORTED_SUFFIXES:
            continue
        ours = ARCHIVE_KEY.search(info.key)
        if ours and (ours.group(2) is None or _archived(archive, ours.group(2))):
            continue  # a digitize output, or an original already recorded: nothing to redo
        # a folder of its own for each object: 2019/cv.pdf and 2020/cv.pdf are both fetched
        # before the first is archived (ingest reads ahead), and each keeps its own name
        dest = tmp / f"{number:06d}" / Path(info.key).name
        try:
            yield store.get(info.key, dest)
        except StorageError as exc:
            log.error("%s: cannot fetch %s (%s)", source, info.key, exc)


def _listing(store: ObjectStore, source: str) -> Iterator[ObjectInfo]:
    """What the store to import from holds; a store that cannot be listed (no credentials,
    an outage, no such bucket) is an archive error, said once."""
    try:
        yield from store.iter()
    except StorageError as exc:
        raise ArchiveError(f"cannot list {source} to import it: {exc}",
                           advice="fix the store or its credentials, then run the same command "
                           "again") from exc


def _archived(archive: Archive, sha256: str) -> bool:
    with archive.session() as session:
        return repository.find_by_sha256(session, sha256) is not None


def import_into(archive: Archive, source: str, tmp: Path, progress: Progress | None = None,
                password: str | None = None) -> Iterator[IngestResult]:
    """Ingest what `source` holds; fetched copies are removed as soon as each is archived."""
    for result in ingest(archive, import_sources(archive, source, tmp), IngestOptions(password=password),
                         progress):
        path = Path(result.file)
        if path.is_relative_to(tmp):
            path.unlink(missing_ok=True)
            if path.parent != tmp:
                with suppress(OSError):  # not empty: the whole folder goes at the end anyway
                    path.parent.rmdir()
        yield result


@contextmanager
def temporary_folder(settings: Any) -> Iterator[Path]:
    path = work_folder(settings, "import")
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
