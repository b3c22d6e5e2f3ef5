"""Move an archive's objects to another store (local <-> S3): resumable, verified, then switch."""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..db import repository
from ..errors import UsageError
from ..ocr.sources import sha256_of
from ..storage import ObjectMissing, ObjectStore, StorageError, open_store
from .archive import Archive
from .archive.contract import expected
from .leftovers import work_prefix

log = logging.getLogger(__name__)


@dataclass(slots=True)
class MigrateReport:
    target: str
    copied: int = 0
    already: int = 0  # present in the target with the right checksum (a resumed run)
    failed: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"target": self.target, "copied": self.copied, "already": self.already,
                "failed": self.failed}


def migrate(archive: Archive, target_url: str) -> MigrateReport:
    """Copy every recorded object to `target_url`, verifying each against its record."""
    source = archive.store
    try:
        target = open_store(target_url)
    except ValueError as exc:  # the command line's --to, not the archive
        raise UsageError(str(exc)) from exc
    if target.url == source.url:
        raise UsageError(f"{target_url} is the store already in use", advice="give --to another store")
    report = MigrateReport(target=target.url)
    with (tempfile.TemporaryDirectory(prefix=work_prefix("migrate"), dir=archive.settings.tmp_dir) as tmp,
          archive.session() as session):
        for doc in repository.iter_documents(session):
            for key, sha, _ in expected(doc):
                _copy(source, target, key, sha, Path(tmp), report)
    return report


def _copy(source: ObjectStore, target: ObjectStore, key: str, sha: str | None, tmp: Path,
          report: MigrateReport) -> None:
    try:
        if sha is not None and target.exists(key) and target.checksum(key) == sha:
            report.already += 1
            return
        local = source.get(key, tmp / "object")
        got = sha256_of(local)
        if sha is not None and got != sha:
            report.failed.append(f"{key}: the source store's copy is damaged (run `digitize verify`)")
            return
        target.put(key, local, sha256=got)
        local.unlink(missing_ok=True)
        report.copied += 1
    except ObjectMissing:
        report.failed.append(f"{key}: missing from the source store")
    except StorageError as exc:
        report.failed.append(f"{key}: {exc}")
