"""Issue 17, item 22: good scans are not refused — a JPEG that mentions %PDF- in its first
KiB, an image under our `max_megapixels` but over Pillow's own limit — and a TIFF of many
pages is refused by the page limit before its pages are decoded."""

from __future__ import annotations

import pytest
from PIL import Image, TiffImagePlugin

from digitize.errors import ExitCode
from digitize.ocr import sources

from ..conftest import json_lines, text_page_image


def test_jpeg_mentioning_pdf_in_its_header_is_a_jpeg(run, tmp_path):
    path = tmp_path / "scan.jpg"
    text_page_image(["QUYẾT ĐỊNH"], dpi=150).save(path, dpi=(150, 150), comment=b"from %PDF-1.7 export")
    assert b"%PDF-" in path.read_bytes()[:1024]
    assert sources.sniff_kind(path) == "jpeg"
    row = json_lines(run("ingest", path, "--json", "--jobs", "1", "--ocr", "skip").stdout)[0]
    assert row["status"] == "ingested", row


@pytest.mark.slow
def test_pillow_limit_does_not_override_max_megapixels(run, tmp_path, monkeypatch):
    """An A0 scan at 300 dpi is 139 MP: under our default 150 MP, over Pillow's 89 MP."""
    path = tmp_path / "a0.png"
    Image.new("1", (9933, 14043), 1).save(path, dpi=(300, 300))  # bilevel: small on disk
    assert 89_478_485 < 9933 * 14043 < 150e6
    row = json_lines(run("ingest", path, "--json", "--jobs", "1", "--ocr", "skip").stdout)[0]
    assert row["status"] == "ingested", row
    assert Image.MAX_IMAGE_PIXELS == 89_478_485  # Pillow's own setting is left as it was


def test_image_over_our_limit_is_still_refused(run, tmp_path, monkeypatch):
    path = tmp_path / "big.png"
    Image.new("1", (3000, 2000), 1).save(path)
    monkeypatch.setenv("DIGITIZE_MAX_MEGAPIXELS", "5")
    result = run("ingest", path, "--json", "--jobs", "1", "--ocr", "skip")
    assert result.exit_code == ExitCode.FILES_FAILED
    assert "over the 5 MP limit" in json_lines(result.stdout)[0]["error"]


def test_many_page_tiff_is_refused_before_any_page_is_decoded(run, tmp_path, monkeypatch):
    pages = 300
    path = tmp_path / "many.tif"
    frames = [Image.new("1", (16, 16), 1) for _ in range(pages)]
    frames[0].save(path, save_all=True, append_images=frames[1:])
    decoded = []
    real_load = TiffImagePlugin.TiffImageFile.load

    def load(self):
        decoded.append(self.tell())
        return real_load(self)

    monkeypatch.setattr(TiffImagePlugin.TiffImageFile, "load", load)
    monkeypatch.setenv("DIGITIZE_MAX_PAGES", "20")
    result = run("ingest", path, "--json", "--jobs", "1")
    assert result.exit_code == ExitCode.FILES_FAILED
    assert f"{pages} pages is over the 20-page limit" in json_lines(result.stdout)[0]["error"]
    assert decoded == []
