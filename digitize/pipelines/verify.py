"""Verify: does the store hold, byte for byte, what the database says was archived?

Walks the documents and the store: missing objects, size and checksum mismatches against the
record (`deep`: every object downloaded and hashed, and each searchable PDF opened in qpdf
and poppler), orphans (objects no record points to, e.g. left by a crash between upload and
commit), and unfinished writes left by a killed run. `repair` puts back what can be put back:
an original from an identical file (where it was ingested from, the inbox's done/, or a folder
named with --from), a searchable PDF and OCR JSON by OCRing the original again; it removes
unfinished writes, and says why it left a problem alone.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..db import repository
from ..db.models import Document
from ..errors import ArchiveError
from ..ocr.sources import sha256_of
from ..records import ProblemKind
from ..storage import ObjectStore, StorageError
from .archive import Archive, check_object, store_problem
from .archive.contract import ARCHIVE_KEY, expected
from .ingest import IngestOptions, ingest
from .leftovers import remove_partial, stale_partials, work_prefix

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Problem:
    doc_id: int | None
    key: str
    kind: ProblemKind  # damaged: (deep) does not open
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


def verify(archive: Archive, *, deep: bool = False, repair: bool = False,
           copies_in: Sequence[Path] = (), password: str | None = None) -> VerifyReport:
    """Check every recorded object; with `repair`, put back what can be put back (lost
    originals from an identical file: where it was ingested from, the inbox's done/ beside
    it, or anywhere under `copies_in`). A store that cannot be reached or read at all is the
    archive's fault, not a list of problems: ArchiveError (exit 6)."""
    store = archive.store
    try:
        store.exists("digitize-probe/verify")  # an outage or bad credentials: one line, at once
        return _verify(archive, store, deep=deep, repair=repair, copies_in=copies_in, password=password)
    except StorageError as exc:
        raise ArchiveError(f"cannot check the object store {store.url}: {exc}",
                           advice="fix the store (or its credentials), then run `digitize verify` "
                           "again") from exc


def _verify(archive: Archive, store: ObjectStore, *, deep: bool, repair: bool, copies_in: Sequence[Path],
            password: str | None) -> VerifyReport:
    report = VerifyReport()
    copies = _Copies(copies_in)
    referenced: set[str] = set()
    to_reocr: set[int] = set()
    with tempfile.TemporaryDirectory(prefix=work_prefix("verify"), dir=archive.settings.tmp_dir) as tmp_name:
        tmp = Path(tmp_name)
        with archive.session() as session:
            for doc in repository.iter_documents(session):
                report.documents += 1
                for key, sha, size in expected(doc):
                    referenced.add(key)
                    found = check_object(store, key, sha, size, deep=deep, tmp=tmp,
                                         pdf=key == doc.pdf_key)
                    if found is None:
                        continue
                    problem = Problem(doc.id, key, *found)
                    report.problems.append(problem)
                    if repair and key == doc.original_key:
                        _restore_original(store, doc, copies, problem)
                    elif repair:
                        to_reocr.add(doc.id)
        for info in store.iter():
            report.objects += 1
            if info.key not in referenced and ARCHIVE_KEY.match(info.key):
                report.problems.append(Problem(None, info.key, "orphan",
                                               "no document records it (left by an interrupted run?)"))
    _check_partials(store, report, repair=repair)
    if to_reocr:
        _rebuild_outputs(archive, to_reocr, report, password)
    return report


def _check_partials(store: ObjectStore, report: VerifyReport, *, repair: bool) -> None:
    """Unfinished writes a killed run left in the store; `repair` removes them."""
    for name in stale_partials(store):
        problem = Problem(None, name, "partial", "an unfinished write left by a killed run")
        report.problems.append(problem)
        if repair:
            remove_partial(store, name)
            problem.repaired = True


class _Copies:
    """Where an identical copy of a lost original may be: the file it was ingested from,
    where an inbox moved it (`<inbox>/done/<same sub-path>`), and any file under the folders
    given; only a file with the recorded sha256 is used."""

    def __init__(self, folders: Sequence[Path]) -> None:
        self.folders = list(folders)
        self._by_size: dict[int, list[Path]] | None = None
        self._hashes: dict[Path, str | None] = {}

    def find(self, doc: Document) -> Path | None:
        for path in (*_inbox_places(doc.source_path), *self._same_size(doc.size_bytes)):
            if self._sha256(path) == doc.sha256:
                return path
        return None

    def _sha256(self, path: Path) -> str | None:
        if path not in self._hashes:
            try:
                self._hashes[path] = sha256_of(path) if path.is_file() else None
            except OSError:
                self._hashes[path] = None
        return self._hashes[path]

    def _same_size(self, size: int) -> list[Path]:
        if self._by_size is None:  # listed once, and only when an original is lost
            self._by_size = {}
            for folder in self.folders:
                for path in sorted(folder.rglob("*")):
                    try:
                        if path.is_file() and not path.is_symlink():
                            self._by_size.setdefault(path.stat().st_size, []).append(path)
                    except OSError:
                        continue
        return self._by_size.get(size, [])


def _inbox_places(source_path: str | None) -> list[Path]:
    if not source_path:
        return []
    path = Path(source_path)
    return [path, *(parent / "done" / path.relative_to(parent) for parent in path.parents)]


def _restore_original(store: ObjectStore, doc: Document, copies: _Copies, problem: Problem) -> None:
    """Upload the original again from an identical file, if one can be found."""
    path = copies.find(doc)
    if path is None:
        log.warning("document %d: original lost from the store and no copy found", doc.id)
        where = "--from folders, " if copies.folders else ""
        problem.detail += (f"; not repaired: no file with its sha256 in {where}{doc.source_path} or done/ "
                           "beside it; name a folder that holds a copy with --from DIR")
        return
    try:
        store.put(doc.original_key, path, sha256=doc.sha256)
    except (StorageError, OSError) as exc:
        problem.detail += f"; not repaired: {store_problem(exc)}"
        return
    problem.repaired = True
    problem.detail += f"; restored from {path}"


def _rebuild_outputs(archive: Archive, doc_ids: set[int], report: VerifyReport, password: str | None) -> None:
    """OCR the original again to remake a lost or damaged searchable PDF / OCR JSON."""
    originals: dict[str, str] = {}  # fetched copy -> its key, to name it in messages
    with tempfile.TemporaryDirectory(prefix=work_prefix("repair"), dir=archive.settings.tmp_dir) as tmp:
        with archive.session() as session:
            for doc_id in sorted(doc_ids):
                doc = repository.get_document(session, doc_id)
                if doc is None or any(p.doc_id == doc_id and p.key == doc.original_key and not p.repaired
                                      for p in report.problems):
                    continue
                try:
                    path = archive.store.get(doc.original_key, Path(tmp) / f"{doc_id}-original")
                except StorageError as exc:
                    log.warning("document %d: cannot fetch the original to repair (%s)", doc_id, exc)
                    _not_repaired(report, doc_id, f"cannot fetch the original ({exc})")
                    continue
                originals[str(path)] = doc.original_key
        options = IngestOptions(ocr="auto", replace=True, password=password)
        for result in ingest(archive, [Path(p) for p in originals], options):
            if result.id is None:
                continue
            if result.status == "reindexed":
                for problem in report.problems:
                    if problem.doc_id == result.id and problem.kind != "orphan":
                        problem.repaired = True
            else:  # e.g. an encrypted original and no password: say so
                key = originals.get(result.file, result.file)
                _not_repaired(report, result.id, (result.error or result.status).replace(
                    result.file, f"the original {key}"))


def _not_repaired(report: VerifyReport, doc_id: int, reason: str) -> None:
    for problem in report.problems:
        if problem.doc_id == doc_id and not problem.repaired and problem.kind != "orphan":
            problem.detail += f"; not repaired: {reason}"
