"""Item 26: encrypted PDFs can be opened in every command that reads them (--password,
--password-file, the password_file setting), and verify --repair says why it left one alone."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pikepdf
import pytest

from digitize.errors import ExitCode

from ..conftest import json_lines

pytestmark = pytest.mark.slow

SECRET = "Văn thư 2025 #1"


@pytest.fixture
def locked(page_pdf, tmp_path) -> Path:
    plain = page_pdf("plain.pdf")
    out = tmp_path / "locked.pdf"
    with pikepdf.open(plain) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(user=SECRET, owner="owner-" + SECRET))
    return out


@pytest.fixture
def password_file(tmp_path) -> Path:
    path = tmp_path / "pdf-password"
    path.write_text(SECRET + "\n", "utf-8")
    return path


def test_inbox_opens_encrypted_scans_with_a_password_file(run, locked, password_file, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    scan = locked.rename(inbox / "locked.pdf")
    past = time.time() - 60
    os.utime(scan, (past, past))
    first = run("inbox", inbox, "--jobs", "1", "--json")
    assert first.exit_code == ExitCode.FILES_FAILED
    assert "--password-file" in json.loads(first.stdout)["files"][0]["error"]
    retried = run("inbox", inbox, "--retry-failed", "--password-file", password_file, "--jobs", "1", "--json")
    assert retried.exit_code == 0, retried.output
    assert json.loads(retried.stdout)["ingested"] == 1


def test_password_file_setting_and_reindex_reocr(run, locked, password_file, home):
    (home / "digitize.toml").write_text(f'password_file = "{password_file}"\n', "utf-8")
    row = json_lines(run("ingest", locked, "--json", "--jobs", "1").stdout)[0]
    assert row["status"] == "ingested", row
    (home / "digitize.toml").write_text("", "utf-8")
    refused = run("reindex", "--reocr", "--jobs", "1", "--json")
    assert refused.exit_code == ExitCode.FILES_FAILED
    assert "encrypted PDF" in json_lines(refused.stdout)[0]["error"]
    again = run("reindex", "--reocr", "--password", SECRET, "--jobs", "1", "--json")
    assert again.exit_code == 0, again.output
    assert json_lines(again.stdout)[0]["status"] == "reindexed"


def test_verify_repair_says_why_it_left_an_encrypted_original(run, locked, password_file, home):
    ingested = run("ingest", locked, "--password-file", password_file, "--json", "--jobs", "1")
    row = json_lines(ingested.stdout)[0]
    key = json.loads(run("show", row["id"], "--json").stdout)["keys"]["pdf"]
    (home / "store" / key).unlink()
    left = run("verify", "--repair", "--json")
    assert left.exit_code == ExitCode.CHECK_FAILED
    (problem,) = json.loads(left.stdout)["problems"]
    assert not problem["repaired"]
    assert "not repaired: the original originals/" in problem["detail"]
    assert "encrypted PDF; pass --password or --password-file" in problem["detail"]
    repaired = run("verify", "--repair", "--password-file", password_file)
    assert repaired.exit_code == 0, repaired.output
    assert (home / "store" / key).is_file()


@pytest.mark.parametrize("content", [None, ""])
def test_an_unreadable_password_file_is_one_line(run, locked, tmp_path, content):
    path = tmp_path / "missing-password"
    if content is not None:
        path.write_text(content, "utf-8")
    result = run("ingest", locked, "--password-file", path)
    assert result.exit_code == ExitCode.CONFIG_ERROR
    assert result.stderr.count("\n") == 1 and str(path) in result.stderr
