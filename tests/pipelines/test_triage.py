"""Bad input: one clear line naming the file, a non-zero exit, and the original untouched."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from digitize.errors import ExitCode

from ..conftest import json_lines


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _ingest_one(run, path: Path) -> dict:
    before = _digest(path)
    result = run("ingest", path, "--json", "--jobs", "1")
    assert result.exit_code == ExitCode.FILES_FAILED, result.output
    (row,) = json_lines(result.stdout)
    assert row["status"] == "failed"
    assert str(path) in row["error"]
    assert "\n" not in row["error"]
    assert path.exists() and _digest(path) == before  # the original is never touched
    return row


def test_empty_file(run, tmp_path):
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    assert "empty file" in _ingest_one(run, path)["error"]


def test_text_file_named_pdf(run, tmp_path):
    path = tmp_path / "notes.pdf"
    path.write_text("not a scan at all\n")
    row = _ingest_one(run, path)
    assert "a text file" in row["error"] and "PDF, TIFF, JPEG and PNG" in row["error"]


def test_office_file_named_pdf(run, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    assert "ZIP/Office" in _ingest_one(run, path)["error"]


def test_truncated_pdf(run, tmp_path, page_pdf):
    whole = page_pdf("whole.pdf")
    path = tmp_path / "cut.pdf"
    path.write_bytes(whole.read_bytes()[:400])
    assert "truncated PDF" in _ingest_one(run, path)["error"]


def test_truncated_jpeg(run, tmp_path):
    img = Image.new("L", (800, 600), 200)
    full = tmp_path / "full.jpg"
    img.save(full, quality=90)
    path = tmp_path / "cut.jpg"
    path.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    assert "damaged JPEG" in _ingest_one(run, path)["error"]


def test_encrypted_pdf_needs_password(run, tmp_path, page_pdf):
    plain = page_pdf("plain.pdf")
    path = tmp_path / "secret.pdf"
    with pikepdf.open(plain) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(user="mật-khẩu", owner="owner", R=6))
    row = _ingest_one(run, path)
    assert "encrypted PDF" in row["error"] and "--password" in row["error"]
    wrong = run("ingest", path, "--json", "--password", "wrong")
    assert "does not open" in json_lines(wrong.stdout)[0]["error"]


@pytest.mark.slow
def test_encrypted_pdf_with_password(run, tmp_path, page_pdf):
    plain = page_pdf("plain.pdf")
    path = tmp_path / "secret.pdf"
    with pikepdf.open(plain) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(user="mật-khẩu", owner="owner", R=6))
    result = run("ingest", path, "--json", "--jobs", "1", "--password", "mật-khẩu")
    assert result.exit_code == 0, result.output
    assert json_lines(result.stdout)[0]["status"] == "ingested"


@pytest.mark.slow
def test_decompression_bomb_image(run, tmp_path):
    path = tmp_path / "bomb.png"
    Image.new("1", (20000, 20000), 1).save(path)  # a few KB on disk, 400 MP decoded
    assert "too large" in _ingest_one(run, path)["error"]


def test_page_count_limit(run, tmp_path, home, page_pdf, monkeypatch):
    path = page_pdf("many.pdf", pages=3)
    monkeypatch.setenv("DIGITIZE_MAX_PAGES", "2")
    assert "over the 2-page limit" in _ingest_one(run, path)["error"]


def test_pdf_without_pages(run, tmp_path):
    path = tmp_path / "nopages.pdf"
    pdf = pikepdf.new()
    pdf.save(path)
    assert "no pages" in _ingest_one(run, path)["error"]


def test_missing_path_is_not_found(run, tmp_path):
    result = run("ingest", tmp_path / "nowhere.pdf")
    assert result.exit_code == ExitCode.NOT_FOUND
    assert "no such file" in result.stderr


def test_folder_without_scans(run, tmp_path):
    (tmp_path / "empty-folder").mkdir()
    result = run("ingest", tmp_path / "empty-folder")
    assert result.exit_code == ExitCode.FILES_FAILED
    assert "no PDF, TIFF, JPEG or PNG files" in result.stderr


def test_one_bad_file_does_not_stop_the_batch(run, tmp_path, page_pdf):
    good = page_pdf("good.pdf")
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4\n garbage")
    result = run("ingest", bad, good, "--json", "--jobs", "1")
    assert result.exit_code == ExitCode.FILES_FAILED
    rows = json_lines(result.stdout)
    assert [r["status"] for r in rows] == ["failed", "ingested"]


def test_huge_page_is_refused_before_rendering(run, tmp_path):
    path = tmp_path / "poster.pdf"
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(14400, 14400))  # 200 x 200 inches
    pdf.save(path)
    row = _ingest_one(run, path)
    assert "MP" in row["error"] and "max_megapixels" in row["error"]
