"""Verify: does the store hold, byte for byte, what the database says was archived?

Walks the documents and the store: missing objects, size and checksum mismatches against the
record (`deep`: every object downloaded and hashed, and each searchable PDF opened in qpdf
and poppler), and orphans (objects no record points to, e.g. left by a crash between upload and
commit). `repair` puts back what can be put back: an original from the file it was ingested
from (if unchanged), a searchable PDF and OCR JSON by OCRing the original again.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..db import repository
from ..db.models import Document
from ..ocr import integrity
from ..ocr.sources import sha256_of
from ..storage import ObjectMissing, ObjectStore, StorageError
from .archive import Archive
from .ingest import ARCHIVE_KEY, IngestOptions, ingest

log = logging.getLogger(__name__)



@dataclass(slots=True)
class Problem:
    doc_id: int | None
    key: str
    kind: str  # missing | size | checksum | damaged (deep: does not open) | orphan | unreadable
    detail: str
    repaired: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"id": self.doc_id, "key": self.key, "problem": self.kind, "detail": self.detail,
                "repaired": self.repaired}


@dataclass(slots=True)
class VerifyReport:
    documents: int = 0
    objects: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def unresolved(self) -> list[Problem]:
        return [p for p in self.problems if not p.repaired]

    def to_json(self) -> dict[str, Any]:
        return {"documents": self.documents, "objects": self.objects,
                "problems": [p.to_json() for p in self.problems], "ok": not self.unresolved}


def _expected(doc: Document) -> Iterator[tuple[str, str | None, int | None]]:
    yield doc.original_key, doc.sha256, doc.size_bytes
    yield doc.pdf_key, doc.pdf_sha256, None
    yield doc.ocr_key, doc.ocr_sha256, None


def _deep_check(store: ObjectStore, key: str, tmp: Path, *, pdf: bool) -> tuple[str, str | None]:
    """Download the object: its sha256 and, for a searchable PDF, why it would not open."""
    dest = store.get(key, tmp / "object")
    try:
        return sha256_of(dest), integrity.unreadable(dest) if pdf else None
    finally:
        dest.unlink(missing_ok=True)


def check_object(store: ObjectStore, key: str, sha: str | None, size: int | None, *, deep: bool,
                 tmp: Path, pdf: bool = False) -> tuple[str, str] | None:
    """(problem kind, detail) for one object, or None if it is as recorded. `deep` downloads
    and hashes it, and checks that a searchable PDF (`pdf`) opens in qpdf and poppler."""
    try:
        info = store.info(key)
    except ObjectMissing:
        return "missing", "not in the store"
    except StorageError as exc:
        return "unreadable", str(exc)
    if size is not None and info.size != size:
        return "size", f"{info.size} bytes in the store, {size} recorded"
    if sha is None:
        return None
    damage: str | None = None
    stored: str | None
    if deep:
        stored, damage = _deep_check(store, key, tmp, pdf=pdf)
    else:
        stored = info.sha256 or store.checksum(key)
    if stored is not None and stored != sha:
        return "checksum", f"store has sha256 {stored[:12]}…, recorded {sha[:12]}…"
    if damage:
        return "damaged", f"as recorded, but it does not open: {damage}"
    return None


def verify(archive: Archive, *, deep: bool = False, repair: bool = False) -> VerifyReport:
    report = VerifyReport()
    store = archive.store
    referenced: set[str] = set()
    to_reocr: set[int] = set()
    with tempfile.TemporaryDirectory(prefix="digitize-verify-", dir=archive.settings.tmp_dir) as tmp_name:
        tmp = Path(tmp_name)
        with archive.session() as session:
            for doc in repository.iter_documents(session):
                report.documents += 1
                for key, sha, size in _expected(doc):
                    referenced.add(key)
                    found = check_object(store, key, sha, size, deep=deep, tmp=tmp,
                                         pdf=key == doc.pdf_key)
                    if found is None:
                        continue
                    problem = Problem(doc.id, key, *found)
                    report.problems.append(problem)
                    if repair and key == doc.original_key:
                        problem.repaired = _restore_original(store, doc)
                    elif repair:
                        to_reocr.add(doc.id)
        for info in store.iter():
            report.objects += 1
            if info.key not in referenced and ARCHIVE_KEY.match(info.key):
                report.problems.append(Problem(None, info.key, "orphan",
                                               "no document records it (left by an interrupted run?)"))
    if to_reocr:
        _rebuild_outputs(archive, to_reocr, report)
    return report


def _restore_original(store: ObjectStore, doc: Document) -> bool:
    """Upload the original again from where it was ingested, if that file is unchanged."""
    path = Path(doc.source_path or "")
    if not path.is_file() or sha256_of(path) != doc.sha256:
        log.warning("document %d: original lost from the store and %s is gone or changed", doc.id, path)
        return False
    store.put(doc.original_key, path, sha256=doc.sha256)
    return True


def _rebuild_outputs(archive: Archive, doc_ids: set[int], report: VerifyReport) -> None:
    """OCR the original again to remake a lost or damaged searchable PDF / OCR JSON."""
    originals = []
    with tempfile.TemporaryDirectory(prefix="digitize-repair-", dir=archive.settings.tmp_dir) as tmp:
        with archive.session() as session:
            for doc_id in sorted(doc_ids):
                doc = repository.get_document(session, doc_id)
                if doc is None or any(p.doc_id == doc_id and p.key == doc.original_key and not p.repaired
                                      for p in report.problems):
                    continue
                try:
                    originals.append(archive.store.get(doc.original_key, Path(tmp) / f"{doc_id}-original"))
                except StorageError as exc:
                    log.warning("document %d: cannot fetch the original to repair (%s)", doc_id, exc)
        options = IngestOptions(ocr="auto", replace=True)
        for result in ingest(archive, originals, options):
            if result.status == "reindexed" and result.id is not None:
                for problem in report.problems:
                    if problem.doc_id == result.id and problem.kind != "orphan":
                        problem.repaired = True

