"""Start-up checks: the external programs and language data digitize needs, and how to get them."""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache

from ..errors import MissingDependency
from . import libtesseract, second_reader, tesseract

_APT = "sudo apt-get install"
_MIN_TESSERACT = (4, 1)


def _program_version(cmd: list[str]) -> str | None:
    if not shutil.which(cmd[0]):
        return None
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    out = (proc.stdout or proc.stderr).strip().splitlines()
    return out[0] if out else "present"


def dependency_report(second_reader_on: bool = True) -> list[tuple[str, bool, str, str]]:
    """(what, ok, found, how to install) for everything digitize calls."""
    rows: list[tuple[str, bool, str, str]] = []
    version = tesseract.version()
    ok_version = version is not None and _version_tuple(version) >= _MIN_TESSERACT
    rows.append(("tesseract >= 4.1", ok_version, version or "not found", f"{_APT} tesseract-ocr"))
    if version:
        # not required: without the library each page starts the program (5-15% slower)
        rows.append(("how tesseract runs", True, libtesseract.describe(), f"{_APT} libtesseract5"))
    langs = set(tesseract.languages()) if version else set()
    for lang, package in (("vie", "tesseract-ocr-vie"), ("eng", "tesseract-ocr-eng"),
                          ("osd", "tesseract-ocr-osd")):
        rows.append((f"tesseract language '{lang}'", lang in langs,
                     "installed" if lang in langs else "missing", f"{_APT} {package}"))
    for what, cmd, package in (
        ("pdftoppm (poppler)", ["pdftoppm", "-v"], "poppler-utils"),
        ("pdftotext (poppler)", ["pdftotext", "-v"], "poppler-utils"),
        ("qpdf", ["qpdf", "--version"], "qpdf"),
    ):
        found = _program_version(cmd)
        rows.append((what, found is not None, found or "not found", f"{_APT} {package}"))
    reader = second_reader.version() if second_reader.available() else None
    rows.append(("second reader for handwriting (trueocr)", reader is not None or not second_reader_on,
                 reader or ("not found" if second_reader_on else "not found (second_reader = false)"),
                 "pip install trueocr (or set second_reader = false)"))
    return rows


def _version_tuple(text: str) -> tuple[int, ...]:
    parts = []
    for piece in text.split(".")[:2]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


@lru_cache(maxsize=8)
def check_tools(lang: str) -> None:
    """Refuse to start a batch that would fail on every file: name what is missing."""
    version = tesseract.version()
    if version is None:
        raise MissingDependency("tesseract is not installed",
                                advice=f"{_APT} tesseract-ocr tesseract-ocr-vie")
    langs = set(tesseract.languages())
    for code in lang.split("+"):
        if code not in langs:
            package = f"tesseract-ocr-{code.lower().replace('_', '-')}"
            raise MissingDependency(f"tesseract has no '{code}' language data", advice=f"{_APT} {package}")
    for program, package in (("pdftoppm", "poppler-utils"), ("pdftotext", "poppler-utils")):
        if not shutil.which(program):
            raise MissingDependency(f"{program} is not installed", advice=f"{_APT} {package}")
