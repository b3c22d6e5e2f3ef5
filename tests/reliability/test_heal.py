"""Item 12: a lost original is healed from an identical copy, and never deleted unchecked."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from digitize.config import load_settings
from digitize.errors import ExitCode
from digitize.pipelines.archive import Archive
from digitize.pipelines.inbox import InboxOptions, _settle_file
from digitize.pipelines.ingest import IngestResult

from ..conftest import json_lines

pytestmark = pytest.mark.slow


def _age(path: Path, seconds: float = 60) -> Path:
    past = time.time() - seconds
    os.utime(path, (past, past))
    return path


@pytest.fixture
def archived(run, page_pdf, home):
    source = page_pdf("qd.pdf")
    row = json_lines(run("ingest", source, "--json", "--jobs", "1").stdout)[0]
    assert row["status"] == "ingested", row
    record = json.loads(run("show", row["id"], "--json").stdout)
    return source, home / "store" / record["keys"]["original"]


@pytest.mark.parametrize("damage", ["missing", "corrupt"])
def test_an_identical_scan_restores_the_lost_original(run, archived, tmp_path, damage):
    source, stored = archived
    if damage == "missing":
        stored.unlink()
    else:
        stored.write_bytes(b"%PDF-1.4 bit rot" + b"\0" * 100)
    assert run("verify").exit_code == ExitCode.CHECK_FAILED
    again = shutil.copy(source, tmp_path / "scan-again.pdf")
    row = json_lines(run("ingest", again, "--json", "--jobs", "1").stdout)[0]
    assert row["status"] == "duplicate" and row["id"] == 1
    assert any("restored from this file" in w for w in row["warnings"]), row["warnings"]
    assert stored.read_bytes() == source.read_bytes()
    assert run("verify", "--deep").exit_code == 0


def test_delete_done_keeps_the_file_when_the_stored_original_is_lost(run, archived, home, tmp_path):
    source, stored = archived
    stored.unlink()
    folder = tmp_path / "inbox"
    folder.mkdir()
    path = Path(shutil.copy(source, folder / "qd.pdf"))
    row = json.loads(run("show", 1, "--json").stdout)
    result = IngestResult(file=str(path), status="duplicate", id=1, sha256=row["sha256"])
    archive = Archive(load_settings({"home": home}))
    try:
        _settle_file(archive, folder, path, result, InboxOptions(delete_done=True))
    finally:
        archive.close()
    assert (folder / "done" / "qd.pdf").read_bytes() == source.read_bytes()
    assert any("not deleted" in w for w in result.warnings)


def test_delete_done_heals_then_deletes(run, archived, tmp_path):
    source, stored = archived
    stored.unlink()
    folder = tmp_path / "inbox"
    folder.mkdir()
    _age(Path(shutil.copy(source, folder / "qd.pdf")))
    result = run("inbox", folder, "--delete-done", "--jobs", "1", "--json")
    assert result.exit_code == 0, result.output
    files = json.loads(result.stdout)["files"]
    assert files[0]["status"] == "duplicate" and "restored" in " ".join(files[0]["warnings"])
    assert not (folder / "qd.pdf").exists() and stored.read_bytes() == source.read_bytes()


def test_verify_repair_takes_a_copy_from_done_or_from_a_folder(run, page_pdf, tmp_path, home):
    folder = tmp_path / "inbox"
    (folder / "phong-a").mkdir(parents=True)
    scan = _age(page_pdf("qd.pdf").rename(folder / "phong-a" / "qd.pdf"))
    assert run("inbox", folder, "--jobs", "1").exit_code == 0
    done = folder / "done" / "phong-a" / "qd.pdf"
    assert done.is_file() and not scan.exists()
    record = json.loads(run("show", 1, "--json").stdout)
    stored = home / "store" / record["keys"]["original"]
    stored.unlink()
    repaired = run("verify", "--repair", "--json")  # found in done/ beside where it was taken
    assert repaired.exit_code == 0, repaired.output
    assert "restored from" in json.loads(repaired.stdout)["problems"][0]["detail"]
    assert stored.read_bytes() == done.read_bytes()

    elsewhere = tmp_path / "usb" / "copy-with-another-name.pdf"
    elsewhere.parent.mkdir()
    done.rename(elsewhere)
    stored.unlink()
    left = run("verify", "--repair", "--json")
    assert left.exit_code == ExitCode.CHECK_FAILED
    assert "--from DIR" in json.loads(left.stdout)["problems"][0]["detail"]
    assert run("verify", "--repair", "--from", tmp_path / "nowhere").exit_code == ExitCode.NOT_FOUND
    from_usb = run("verify", "--repair", "--from", elsewhere.parent)
    assert from_usb.exit_code == 0, from_usb.output
    assert stored.read_bytes() == elsewhere.read_bytes()
