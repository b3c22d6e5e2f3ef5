"""Issue 17, item 1: a cut-short PDF is never archived as good; every searchable PDF stored
opens in qpdf and poppler, and `verify --deep` checks that too."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import time
from pathlib import Path

import pikepdf
import pytest

from digitize.errors import ExitCode

from ..conftest import json_lines


def _opens_in_qpdf_and_poppler(path: Path) -> bool:
    qpdf = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, check=False)
    poppler = subprocess.run(["pdftoppm", "-r", "10", "-gray", str(path)], capture_output=True, check=False)
    return qpdf.returncode == 0 and poppler.returncode == 0 and b"Error" not in poppler.stderr


def _three_pages(page_pdf) -> Path:
    return page_pdf("whole.pdf", pages=3, lines=["QUYẾT ĐỊNH", "Về việc phê duyệt kế hoạch năm 2025"])


@pytest.mark.parametrize("fraction", [0.25, 0.5, 0.75])
def test_cut_short_pdf_is_refused(run, page_pdf, tmp_path, fraction):
    whole = _three_pages(page_pdf)
    data = whole.read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: int(len(data) * fraction)])
    before = cut.read_bytes()
    result = run("ingest", cut, "--json", "--jobs", "1")
    assert result.exit_code == ExitCode.FILES_FAILED, result.output
    (row,) = json_lines(result.stdout)
    assert row["status"] == "failed" and row["id"] is None
    assert str(cut) in row["error"] and "truncated PDF" in row["error"]
    assert cut.read_bytes() == before


def test_pdf_cut_in_its_trailer_keeps_its_pages_and_opens(run, page_pdf, tmp_path):
    """Only the cross-reference table and trailer lost: every page is whole, so it is taken,
    with a warning, and the searchable PDF written from it is sound."""
    whole = _three_pages(page_pdf)
    data = whole.read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: data.rindex(b"\nxref") + 20])
    row = json_lines(run("ingest", cut, "--json", "--jobs", "1", "--ocr", "skip").stdout)[0]
    assert row["status"] == "ingested" and row["pages"] == 3, row
    assert any("end of the file was missing" in w for w in row["warnings"])
    out = tmp_path / "got.pdf"
    assert run("get", row["id"], "-o", out).exit_code == 0
    assert _opens_in_qpdf_and_poppler(out)


def test_searchable_pdf_that_does_not_open_is_not_stored(run, page_pdf, home, monkeypatch):
    from digitize.ocr import searchable

    real = searchable.graft_text_layers

    def broken(work_pdf, layers, out_pdf, **kwargs):
        notes = real(work_pdf, layers, out_pdf, **kwargs)
        out_pdf.write_bytes(out_pdf.read_bytes()[:-300])  # its xref and trailer lost
        return notes

    monkeypatch.setattr(searchable, "graft_text_layers", broken)
    result = run("ingest", page_pdf("a.pdf"), "--json", "--jobs", "1", "--ocr", "skip")
    assert result.exit_code == ExitCode.FILES_FAILED
    (row,) = json_lines(result.stdout)
    assert row["status"] == "failed" and "searchable PDF made from it is damaged" in row["error"]
    assert not list((home / "store").glob("pdf/*.pdf"))


def test_verify_deep_finds_a_searchable_pdf_that_does_not_open(run, page_pdf, home):
    row = json_lines(run("ingest", page_pdf("a.pdf"), "--json", "--jobs", "1", "--ocr", "skip").stdout)[0]
    assert run("verify", "--deep").exit_code == 0
    record = json.loads(run("show", row["id"], "--json").stdout)
    stored = home / "store" / record["keys"]["pdf"]
    stored.write_bytes(stored.read_bytes()[:-300])
    # as if it had been recorded so: the checksum agrees, only opening it shows the damage
    with sqlite3.connect(home / "digitize.sqlite3") as db:
        db.execute("UPDATE documents SET pdf_sha256 = ?", (hashlib.sha256(stored.read_bytes()).hexdigest(),))
    assert run("verify").exit_code == 0
    result = run("verify", "--deep", "--json")
    assert result.exit_code == ExitCode.CHECK_FAILED
    (problem,) = json.loads(result.stdout)["problems"]
    assert problem["problem"] == "damaged" and problem["key"] == record["keys"]["pdf"]


def test_inbox_waits_for_a_pdf_still_being_written(run, page_pdf, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    data = _three_pages(page_pdf).read_bytes()
    partial = inbox / "scan.pdf"
    partial.write_bytes(data[: len(data) // 2])  # the scanner paused mid-file
    old = time.time() - 60
    os.utime(partial, (old, old))
    summary = json.loads(run("inbox", inbox, "--settle", "1", "--json", "--jobs", "1").stdout)
    assert summary["waiting"] == 1 and summary["failed"] == 0 and summary["ingested"] == 0
    assert partial.exists() and not (inbox / "failed").exists()
    # left alone for hours, it is no longer being written: refused as cut short
    older = time.time() - 5 * 3600
    os.utime(partial, (older, older))
    summary = json.loads(run("inbox", inbox, "--settle", "1", "--json", "--jobs", "1").stdout)
    assert summary["failed"] == 1 and "truncated PDF" in summary["files"][0]["error"]
    assert (inbox / "failed" / "scan.pdf").exists()


def test_truncated_pdf_is_told_apart_from_a_damaged_one(tmp_path, page_pdf):
    from digitize.ocr import integrity

    whole = page_pdf("w.pdf")
    assert not integrity.end_missing(whole)
    padded = tmp_path / "padded.pdf"
    padded.write_bytes(whole.read_bytes() + b"\r\n\x00\x00\n")
    assert not integrity.end_missing(padded)
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(whole.read_bytes()[:-10])
    assert integrity.end_missing(cut)
    with pikepdf.open(whole) as pdf:
        assert integrity.damaged_pages(pdf, []) == ([], 0)
