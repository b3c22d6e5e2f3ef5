"""Inbox runs that used to wedge: FIFOs, long names, files that vanish, read-only folders."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from digitize.config import load_settings
from digitize.errors import ExitCode
from digitize.pipelines.archive import Archive
from digitize.pipelines.inbox import InboxOptions, run_pass, scan
from digitize.pipelines.ingest import IngestOptions, Progress

from .readonly import read_only

pytestmark = pytest.mark.slow


def _age(path: Path, seconds: float = 60) -> Path:
    past = time.time() - seconds
    os.utime(path, (past, past))
    return path


def _name(length: int, suffix: str = ".pdf") -> str:
    """A Vietnamese file name of exactly `length` bytes in UTF-8 (multi-byte letters)."""
    base = ("Quyết định số 12 về việc " * 20).encode()
    stem = base[: length - len(suffix)].decode("utf-8", errors="ignore")
    return stem + "x" * (length - len(suffix) - len(stem.encode())) + suffix


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder


def test_a_fifo_in_the_inbox_is_refused_not_opened(home, inbox, page_pdf, run):
    os.mkfifo(inbox / "scanner.pdf")  # open() of a FIFO blocks until a writer comes
    _age(inbox / "scanner.pdf")
    _age(page_pdf("qd.pdf").rename(inbox / "qd.pdf"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIGITIZE_")}
    proc = subprocess.run([sys.executable, "-m", "digitize", "--home", str(home), "inbox", str(inbox),
                           "--json", "--jobs", "1"], capture_output=True, text=True, env=env, timeout=90)
    assert proc.returncode == ExitCode.OK, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["ingested"] == 1 and summary["refused"] == 1
    assert "not a regular file" in proc.stderr
    assert (inbox / "scanner.pdf").exists() and (inbox / "done" / "qd.pdf").is_file()
    _age(page_pdf("qd2.pdf").rename(inbox / "qd2.pdf"))
    ready, waiting, refused = scan(inbox, settle=0)
    assert ready == [inbox / "qd2.pdf"] and (waiting, refused) == (0, 1)


def test_a_long_failing_name_gets_its_error_note(run, inbox, page_pdf):
    bad = inbox / _name(245)
    bad.write_bytes(b"%PDF-1.4 broken\nstartxref\n0\n%%EOF\n")  # whole, but damaged
    _age(bad)
    result = run("inbox", inbox, "--json")
    assert result.exit_code == ExitCode.FILES_FAILED, result.output
    assert (inbox / "failed" / bad.name).is_file() and not bad.exists()
    (note,) = (inbox / "failed").glob("*.error.json")
    assert len(note.name.encode()) <= 255 and note.name.endswith(".pdf.error.json")
    assert json.loads(note.read_text())["file"] == bad.name
    failed = inbox / "failed" / bad.name
    failed.write_bytes(page_pdf("fixed.pdf").read_bytes())  # the clerk scanned it again
    _age(failed)
    retried = json.loads(run("inbox", inbox, "--retry-failed", "--json", "--jobs", "1").stdout)
    assert (retried["retried"], retried["ingested"]) == (1, 1)
    assert (inbox / "done" / bad.name).is_file() and not any((inbox / "failed").iterdir())


def test_a_long_name_already_in_done_does_not_wedge_the_inbox(run, inbox, page_pdf):
    name = _name(254)
    (inbox / "done").mkdir()
    (inbox / "done" / name).write_bytes(b"an earlier scan of the same name")
    _age(page_pdf("qd.pdf").rename(inbox / name))
    result = run("inbox", inbox, "--json", "--jobs", "1")
    assert result.exit_code == ExitCode.OK, result.output
    assert json.loads(result.stdout)["ingested"] == 1
    done = sorted((inbox / "done").iterdir())
    assert len(done) == 2 and all(len(p.name.encode()) <= 255 for p in done)
    assert all(p.suffix == ".pdf" for p in done) and not (inbox / name).exists()
    assert run("inbox", inbox).exit_code == ExitCode.OK  # nothing left: later files are taken


class _DeleteOther(Progress):
    """Deletes `victim` once the first file's pages are under way: after the listing."""

    def __init__(self, victim: Path) -> None:
        self.victim = victim

    def file_started(self, path: Path, pages: int) -> None:
        self.victim.unlink(missing_ok=True)


def test_a_file_deleted_after_the_listing_is_skipped(home, inbox, page_pdf):
    _age(page_pdf("a.pdf").rename(inbox / "a.pdf"))
    victim = inbox / "b.pdf"
    victim.write_bytes(b"%PDF-1.4 whatever\nstartxref\n0\n%%EOF\n")
    _age(victim)
    archive = Archive(load_settings({"home": home, "jobs": 1}))
    try:
        summary = run_pass(archive, inbox, InboxOptions(settle=0, ingest=IngestOptions()),
                           progress=_DeleteOther(victim))
    finally:
        archive.close()
    assert (summary.ingested, summary.failed) == (1, 0), summary.to_json()
    assert not (inbox / "failed").exists() and (inbox / "done" / "a.pdf").is_file()


def test_a_read_only_inbox_is_refused_before_anything_is_archived(run, inbox, page_pdf):
    _age(page_pdf("qd.pdf").rename(inbox / "qd.pdf"))
    with read_only(inbox):
        result = run("inbox", inbox, "--jobs", "1")
        again = run("inbox", inbox, "--jobs", "1")
    for outcome in (result, again):
        assert outcome.exit_code == ExitCode.CONFIG_ERROR, outcome.output
        assert f"{inbox}: the inbox folder cannot be written" in outcome.stderr
        assert outcome.stderr.count("\n") == 1
    assert (inbox / "qd.pdf").is_file() and not (inbox / "done").exists()
    assert run("export").stdout == ""  # nothing archived, so nothing archived twice
