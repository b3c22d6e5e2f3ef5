"""The cron inbox: locked, settled, nothing lost, nothing doubled."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from digitize.errors import ExitCode
from digitize.pipelines.inbox import inbox_lock, scan

from ..conftest import PAGE_LINES

pytestmark = pytest.mark.slow


def _digitize(home: Path, *args: str, **kwargs) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIGITIZE_")}
    return subprocess.Popen([sys.executable, "-m", "digitize", "--home", str(home), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, **kwargs)


def _count_documents(run) -> int:
    return len([line for line in run("export").stdout.splitlines() if line.strip()])


def _age(path: Path, seconds: float = 60) -> Path:
    past = time.time() - seconds
    os.utime(path, (past, past))
    return path


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder


def test_one_pass_sorts_files_into_done_and_failed(run, inbox, page_pdf):
    (inbox / "phong-a").mkdir()
    good = page_pdf("qd.pdf").rename(inbox / "phong-a" / "qd.pdf")
    bad = inbox / "hong.pdf"
    bad.write_bytes(b"%PDF-1.4 broken\nstartxref\n0\n%%EOF\n")  # whole, but damaged
    junk = [inbox / ".DS_Store", inbox / "Thumbs.db", inbox / "scan.pdf.part", inbox / "~$note.docx"]
    for path in [good, bad, *junk]:
        if not path.exists():
            path.write_bytes(b"x")
        _age(path)
    result = run("inbox", inbox, "--jobs", "1")
    assert result.exit_code == ExitCode.FILES_FAILED
    assert result.stdout.strip().startswith(f"inbox {inbox}: 1 ingested, 0 duplicate, 1 failed")
    assert (inbox / "done" / "phong-a" / "qd.pdf").is_file() and not good.exists()
    assert (inbox / "failed" / "hong.pdf").is_file() and not bad.exists()
    error = json.loads((inbox / "failed" / "hong.pdf.error.json").read_text())
    assert "damaged PDF" in error["reason"] and error["exit_code"] == ExitCode.FILES_FAILED
    assert error["versions"]["tesseract"]
    assert all(path.exists() for path in junk)  # junk is left alone
    assert _count_documents(run) == 1
    # nothing left to do: a quiet run (cron mails any output)
    again = run("inbox", inbox, "--jobs", "1")
    assert again.exit_code == ExitCode.OK and again.stdout == ""


def test_file_still_being_written_waits(run, inbox, page_pdf):
    fresh = page_pdf("fresh.pdf").rename(inbox / "fresh.pdf")
    result = run("inbox", inbox, "--settle", "30", "--json")
    summary = json.loads(result.stdout)
    assert summary["waiting"] == 1 and summary["ingested"] == 0
    assert fresh.exists()


def test_symlinks_are_refused(run, inbox, page_pdf, tmp_path):
    outside = _age(page_pdf("outside.pdf"))
    (inbox / "link.pdf").symlink_to(outside)
    summary = json.loads(run("inbox", inbox, "--json").stdout)
    assert summary["refused"] == 1 and summary["ingested"] == 0
    assert outside.exists() and (inbox / "link.pdf").is_symlink()


def test_locked_inbox_exits_at_once(run, inbox, home):
    with inbox_lock(inbox, home):
        started = time.perf_counter()
        result = run("inbox", inbox)
    assert time.perf_counter() - started < 10
    assert result.exit_code == ExitCode.LOCKED
    assert f"another `digitize inbox` (pid {os.getpid()}) is working on {inbox}" in result.stderr


def test_retry_failed_and_delete_done(run, inbox, page_pdf):
    bad = inbox / "scan.pdf"
    bad.write_bytes(b"")
    _age(bad)
    assert run("inbox", inbox).exit_code == ExitCode.FILES_FAILED
    failed = inbox / "failed" / "scan.pdf"
    assert failed.exists() and "empty file" in (inbox / "failed" / "scan.pdf.error.json").read_text()
    failed.write_bytes(page_pdf("fixed.pdf").read_bytes())  # the clerk scanned it again
    _age(failed)
    result = run("inbox", inbox, "--retry-failed", "--delete-done", "--settle", "0", "--json")
    summary = json.loads(result.stdout)
    assert summary["retried"] == 1 and summary["ingested"] == 1, result.output
    assert not any(inbox.rglob("scan.pdf*"))  # archived, then deleted as asked
    assert _count_documents(run) == 1


def test_two_runs_started_together_archive_once(home, inbox, page_pdf, run):
    for i in range(2):
        _age(page_pdf(f"doc{i}.pdf", lines=[*PAGE_LINES, f"Trang số {i}"]).rename(inbox / f"doc{i}.pdf"))
    procs = [_digitize(home, "inbox", str(inbox), "--json", "--jobs", "1") for _ in range(2)]
    outcomes = [(p.wait(timeout=300), p.communicate()) for p in procs]
    codes = sorted(code for code, _ in outcomes)
    assert codes in ([ExitCode.OK, ExitCode.OK], [ExitCode.OK, ExitCode.LOCKED]), outcomes
    assert sorted(p.name for p in (inbox / "done").iterdir()) == ["doc0.pdf", "doc1.pdf"]
    assert _count_documents(run) == 2


def test_killed_run_loses_and_doubles_nothing(home, inbox, page_pdf, run):
    _age(page_pdf("long.pdf", pages=8).rename(inbox / "long.pdf"))
    proc = _digitize(home, "inbox", str(inbox), "--jobs", "2", start_new_session=True)
    time.sleep(2.0)  # OCR under way
    os.killpg(proc.pid, signal.SIGKILL)  # the whole job, workers and tesseracts too, as an OOM kill or reboot
    proc.wait(timeout=30)
    assert (inbox / "long.pdf").exists() or (inbox / "done" / "long.pdf").exists()
    result = run("inbox", inbox, "--jobs", "2", "--json")
    assert result.exit_code == ExitCode.OK, result.output
    assert (inbox / "done" / "long.pdf").exists() and not (inbox / "long.pdf").exists()
    assert _count_documents(run) == 1


def test_watch_takes_new_files_and_stops_on_sigterm(home, inbox, page_pdf, run):
    proc = _digitize(home, "inbox", str(inbox), "--watch", "--poll", "0.5", "--settle", "0.5",
                     "--jobs", "1")
    try:
        time.sleep(1.0)
        page_pdf("new.pdf").rename(inbox / "new.pdf")
        deadline = time.time() + 120
        while not (inbox / "done" / "new.pdf").exists() and time.time() < deadline:
            time.sleep(0.3)
        assert (inbox / "done" / "new.pdf").exists()
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=60)
    assert code == 0, proc.communicate()
    assert _count_documents(run) == 1


def test_scan_ignores_done_and_failed(inbox):
    for sub in ("done", "failed"):
        (inbox / sub).mkdir()
        (inbox / sub / "x.pdf").write_bytes(b"x")
    ready, waiting, refused = scan(inbox, settle=0, now=time.time() + 100)
    assert ready == [] and waiting == 0 and refused == 0


def test_a_worker_killed_mid_run_costs_no_file(home, inbox, page_pdf, run):
    """The OOM killer takes one pool worker while it reads a page: the pool is started
    again, the lost pages are read again, and every file lands."""
    import psutil

    for i in range(2):
        scan = page_pdf(f"doc{i}.pdf", lines=[*PAGE_LINES, f"Trang số {i}"], pages=6)
        _age(scan.rename(inbox / scan.name))
    proc = _digitize(home, "inbox", str(inbox), "--json", "--jobs", "2", "--settle", "0")
    killed = None
    deadline = time.time() + 120
    while killed is None and proc.poll() is None and time.time() < deadline:
        for child in psutil.Process(proc.pid).children(recursive=True):
            try:
                parent = child.parent()
                # a pool worker is forked from the forkserver, a grandchild of the run (a program
                # a worker starts is one generation further down); tesseract runs inside it.
                # Once it has read for half a second it is in the middle of the pages, with
                # more queued behind it
                busy = sum(child.cpu_times()[:2]) >= 0.5
                grandparent = parent.parent() if parent is not None else None
                if busy and grandparent is not None and grandparent.pid == proc.pid:
                    killed = child
                    killed.kill()
                    break
            except psutil.NoSuchProcess:
                continue
        time.sleep(0.05)
    out, err = proc.communicate(timeout=300)
    assert killed is not None, "no busy worker seen"
    assert proc.returncode == ExitCode.OK, err
    summary = json.loads(out.splitlines()[-1])
    assert summary["ingested"] == 2 and summary["failed"] == 0, out
    assert "worker process died" in err
    assert sorted(p.name for p in (inbox / "done").iterdir()) == ["doc0.pdf", "doc1.pdf"]
    assert _count_documents(run) == 2
