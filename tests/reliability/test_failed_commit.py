"""Item 7: a file whose commit fails reports no id: the id the flush gave it is not its own
(the next document gets it), neither in --json, nor on the terminal, nor in the log."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from digitize.config import load_settings
from digitize.db.models import Document
from digitize.pipelines.archive import Archive
from digitize.pipelines.ingest import IngestOptions, ingest

from ..conftest import json_lines

pytestmark = pytest.mark.slow


def fail_commits(monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    """The commit of a session holding a new document fails (after the flush gave it an id)."""
    real_commit = Session.commit

    def commit(self: Session) -> None:
        if any(isinstance(obj, Document) for obj in self):
            raise error
        real_commit(self)

    monkeypatch.setattr(Session, "commit", commit)


@pytest.mark.parametrize("error", [
    OperationalError("COMMIT", {}, Exception("disk I/O error")),  # the database's fault
    RuntimeError("refused at commit"),  # anything else: reported as an internal error
], ids=["database", "internal"])
def test_a_failed_commit_reports_no_id(
    run: Any, page_pdf: Any, home: Any, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture, error: Exception,
) -> None:
    first, second = page_pdf("a.pdf", lines=["QUYẾT ĐỊNH 1"]), page_pdf("b.pdf", lines=["QUYẾT ĐỊNH 2"])
    fail_commits(monkeypatch, error)
    archive = Archive(load_settings({"home": home, "jobs": 1}, environ={}))
    try:
        with caplog.at_level(logging.INFO, logger="digitize.pipelines.ingest"):
            (result,) = ingest(archive, [first], IngestOptions())
    finally:
        archive.close()

    assert result.status == "failed" and result.id is None, result
    assert result.to_json()["id"] is None and result.needs_review == []
    assert "id=None" in caplog.text and "id=1" not in caplog.text
    if isinstance(error, RuntimeError):  # not the archive's fault: the CLI shows the row
        (row,) = json_lines(run("ingest", first, "--json", "--jobs", "1").stdout)
        assert row["status"] == "failed" and row["id"] is None, row
        plain = run("ingest", first, "--jobs", "1")
        assert "failed" in plain.output and "id=" not in plain.output, plain.output

    monkeypatch.undo()
    (row,) = json_lines(run("ingest", second, "--json", "--jobs", "1").stdout)
    assert row["status"] == "ingested" and row["id"] == 1, row
    assert json.loads(run("show", "1", "--json").stdout)["source_name"] == "b.pdf"
