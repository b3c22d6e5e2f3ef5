"""Item 6: two runs ingesting the same new scan at once leave one consistent archive.

Two threads, each with its own Archive (its own database engine and store object, as two
processes would have), ingest two copies of one scan with real OCR. The interleaving the
bug needs is forced: run A stores its outputs first, run B stores its own (other bytes:
another file name in ocr.json) afterwards, and only then does one of them commit.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from digitize.config import load_settings
from digitize.db import repository
from digitize.pipelines.archive import Archive
from digitize.pipelines.ingest import IngestOptions, IngestResult, ingest
from digitize.storage.local import LocalStore

pytestmark = pytest.mark.slow

WAIT = 120.0


@pytest.mark.parametrize("first_commit", ["A", "B"])
def test_two_runs_of_one_new_scan_leave_a_consistent_archive(
    run: Callable[..., Any], page_pdf: Callable[..., Path], home: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, first_commit: str,
) -> None:
    scan = page_pdf("qd.pdf")
    copies = {"A": scan, "B": Path(shutil.copy(scan, tmp_path / "qd-again.pdf"))}
    stored = {name: threading.Event() for name in copies}
    added = threading.Event()
    real_put, real_add = LocalStore.put, repository.add_document

    def put(self: LocalStore, key: str, path: Path, **kwargs: Any) -> Any:
        me = threading.current_thread().name
        if me == "B" and key.startswith("pdf/"):
            assert stored["A"].wait(WAIT)  # B writes its outputs after A's are in place
        info = real_put(self, key, path, **kwargs)
        if key.startswith("ocr/"):
            stored[me].set()
        return info

    def add_document(*args: Any, **kwargs: Any) -> Any:
        if threading.current_thread().name == first_commit:
            assert stored["A"].wait(WAIT) and stored["B"].wait(WAIT)
            doc = real_add(*args, **kwargs)
            added.set()
            return doc
        assert added.wait(WAIT)  # its insert then waits for the other's commit, and loses
        return real_add(*args, **kwargs)

    monkeypatch.setattr(LocalStore, "put", put)
    monkeypatch.setattr(repository, "add_document", add_document)
    results: dict[str, IngestResult] = {}
    errors: list[BaseException] = []

    def ingest_one(name: str) -> None:
        archive = Archive(load_settings({"home": home, "jobs": 1}, environ={}))
        try:
            (results[name],) = ingest(archive, [copies[name]], IngestOptions())
        except BaseException as exc:
            errors.append(exc)
        finally:
            archive.close()

    threads = [threading.Thread(target=ingest_one, args=(name,), name=name) for name in copies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(3 * WAIT)
    assert not errors, errors
    assert sorted(r.status for r in results.values()) == ["duplicate", "ingested"], results
    assert results[first_commit].status == "ingested"
    assert {r.id for r in results.values()} == {1}

    monkeypatch.undo()
    check = run("verify", "--deep")
    assert check.exit_code == 0, check.output
    assert len(list((home / "store" / "pdf").iterdir())) == 1
