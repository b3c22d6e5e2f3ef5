"""Tesseract in-process (libtesseract) against the tesseract program: the same answers."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from PIL import Image

from digitize.ocr import libtesseract, tesseract

from ..conftest import PAGE_LINES, text_page_image

pytestmark = pytest.mark.slow  # every test here runs real tesseract

# the program fallback is tested wherever tesseract is; the rest needs the library
needs_library = pytest.mark.skipif(libtesseract.load() is None, reason="libtesseract is not loaded here")


@pytest.fixture
def program(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make tesseract.py run the program, as where the library cannot be loaded."""
    monkeypatch.setattr(libtesseract, "load", lambda: None)


def _via_program(image: Image.Image, **kw: object) -> str:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(libtesseract, "load", lambda: None)
        return tesseract._tsv(image, **kw)  # type: ignore[arg-type]


@needs_library
@pytest.mark.parametrize("mode", ["L", "RGB", "1"])
def test_the_library_reads_exactly_as_the_program(mode: str) -> None:
    page = text_page_image(PAGE_LINES, dpi=200).convert(mode)
    kw = {"lang": "vie", "psm": 3, "dpi": 200, "timeout": 120.0}
    in_process = tesseract._tsv(page, **kw)  # type: ignore[arg-type]
    assert in_process == _via_program(page, **kw)
    words, text = tesseract.parse_tsv(in_process)
    assert "QUYẾT ĐỊNH" in text and len(words) >= 30
    # a crop with no resolution: both estimate it the same way
    crop = page.crop((0, 0, page.width, page.height // 3))
    kw = {"lang": "vie", "psm": 6, "dpi": None, "timeout": 60.0}
    assert tesseract._tsv(crop, **kw) == _via_program(crop, **kw)  # type: ignore[arg-type]


@needs_library
def test_one_engine_per_language_is_kept_and_reused() -> None:
    first = libtesseract.engine("vie")
    assert first is not None and libtesseract.engine("vie") is first
    assert libtesseract.engine("vie+eng") is not first
    page = text_page_image(PAGE_LINES[:2], dpi=150)
    one = tesseract.ocr_words(page, lang="vie", psm=6, timeout=60)
    # the engine holds no state from page to page
    tesseract.ocr_words(text_page_image(PAGE_LINES[3:], dpi=150), lang="vie", psm=6, timeout=60)
    assert tesseract.ocr_words(page, lang="vie", psm=6, timeout=60) == one


@needs_library
@pytest.mark.parametrize("turn", [90, 180, 270])
def test_orientation_in_process_matches_the_program(turn: int, tmp_path: Path) -> None:
    page = text_page_image(PAGE_LINES * 3, dpi=200, size_in=(5.8, 5.0)).rotate(turn, expand=True)
    found = tesseract.detect_orientation(page, timeout=60, dpi=200)
    assert found is not None and found.rotate == turn
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(libtesseract, "load", lambda: None)
        assert tesseract.detect_orientation(page, timeout=60, dpi=200) == found


@needs_library
def test_a_page_past_its_deadline_raises_timeout() -> None:
    page = text_page_image(PAGE_LINES * 4, dpi=300, size_in=(5.8, 8.0))
    start = time.monotonic()
    with pytest.raises(tesseract.OcrTimeout, match=r"longer than 0\.2 s"):
        tesseract.ocr_page(page, lang="vie", dpi=300, timeout=0.2)
    assert time.monotonic() - start < 5
    # the engine is fine afterwards; a timeout of 0 means none, as for the program
    assert tesseract.ocr_page(page, lang="vie", dpi=300, timeout=120).words
    assert tesseract.ocr_page(page, lang="vie", dpi=300, timeout=0).words


@needs_library
def test_a_language_without_data_fails_with_advice() -> None:
    for _ in range(2):  # the second time from memory, without trying to load it again
        with pytest.raises(tesseract.OcrFailed, match=r"'xyz'.*tesseract-ocr-"):
            tesseract.ocr_words(text_page_image(PAGE_LINES[:1]), lang="xyz", psm=6, timeout=10)
    assert (os.getpid(), "xyz") in libtesseract._failed


def test_the_program_is_used_without_the_library(program: None) -> None:
    assert "program" in libtesseract.describe()
    out = tesseract.ocr_page(text_page_image(PAGE_LINES, dpi=200), lang="vie", dpi=200, timeout=120)
    assert "QUYẾT ĐỊNH" in out.text and out.mean_conf and out.mean_conf > 70


@needs_library
def test_forced_to_the_program_by_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGITIZE_TESSERACT", "cli")
    monkeypatch.setattr(libtesseract, "_tried", False)
    monkeypatch.setattr(libtesseract, "_lib", None)
    assert libtesseract.load() is None
    monkeypatch.delenv("DIGITIZE_TESSERACT")
    monkeypatch.setattr(libtesseract, "_tried", False)
    assert libtesseract.load() is not None


@needs_library
def test_profile_log_records_each_call(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    log = tmp_path / "profile.log"
    monkeypatch.setenv("DIGITIZE_PROFILE_LOG", str(log))
    tesseract.ocr_words(text_page_image(PAGE_LINES[:2], dpi=150), lang="vie", psm=6, timeout=60)
    name, wall, user, system, cmd, pid, _ = log.read_text().splitlines()[-1].split("\t")
    assert name == "tesseract" and cmd == "in-process -l vie --psm 6 --dpi 0"
    assert float(wall) > 0 and float(user) + float(system) > 0 and int(pid) == os.getpid()
