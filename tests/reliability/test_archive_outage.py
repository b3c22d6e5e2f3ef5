"""A fault of the archive is not a fault of the file: a read-only store or home, a locked
database. The scans stay where they are (no failed/), the run ends with the archive's exit
code (6 store, 7 database) after one line, and nothing is OCRed first."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from digitize import db
from digitize.errors import ExitCode

from .readonly import read_only
from .scans import settled_inbox, untouched

pytestmark = pytest.mark.slow


@pytest.fixture
def inbox(tmp_path: Path, page_pdf) -> Path:
    return settled_inbox(tmp_path / "inbox", page_pdf)


def _one_error(stderr: str, *words: str) -> None:
    errors = [line for line in stderr.splitlines() if line.startswith("digitize: error:")]
    assert len(errors) == 1 and all(w in errors[0] for w in words), stderr


def test_a_read_only_store_leaves_the_scans_in_the_inbox(run, inbox, tmp_path):
    store = tmp_path / "store"
    store.mkdir()
    with read_only(store):
        result = run("--storage", store.as_uri(), "inbox", inbox, "--jobs", "1", "--json")
        ingest = run("--storage", store.as_uri(), "ingest", inbox / "qd1.pdf", "--jobs", "1")
    assert result.exit_code == ExitCode.STORAGE_ERROR, result.output
    _one_error(result.stderr, "cannot be written", "2 file(s) left in the inbox")
    summary = json.loads(result.stdout)
    assert (summary["failed"], summary["waiting"]) == (0, 2) and untouched(inbox)
    assert ingest.exit_code == ExitCode.STORAGE_ERROR, ingest.output
    _one_error(ingest.stderr, "object store", "cannot be written")
    again = run("--storage", store.as_uri(), "inbox", inbox, "--jobs", "1")  # writable again
    assert again.exit_code == ExitCode.OK, again.output
    assert sorted(p.name for p in (inbox / "done").iterdir()) == ["qd1.pdf", "qd2.pdf"]


def test_a_read_only_home_leaves_the_scans_in_the_inbox(run, inbox, home):
    assert run("db", "upgrade").exit_code == ExitCode.OK  # the archive exists, then its home turns read-only
    with read_only(home):
        result = run("inbox", inbox, "--jobs", "1")
    assert result.exit_code == ExitCode.DATABASE_ERROR, result.output
    _one_error(result.stderr, "read-only", "2 file(s) left in the inbox")
    assert untouched(inbox) and "Traceback" not in result.stderr


def test_a_locked_database_leaves_the_scans_in_the_inbox(run, inbox, home, monkeypatch):
    assert run("db", "upgrade").exit_code == ExitCode.OK
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 300, raising=False)
    holder = sqlite3.connect(home / "digitize.sqlite3", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        result = run("inbox", inbox, "--jobs", "1")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == ExitCode.DATABASE_ERROR, result.output
    _one_error(result.stderr, "database is locked", "2 file(s) left in the inbox")
    assert untouched(inbox) and not (inbox / "failed").exists()
    again = run("inbox", inbox, "--jobs", "1")
    assert again.exit_code == ExitCode.OK, again.output
