"""Words and boxes from a PDF's own text layer (pdftotext -bbox-layout), shaped like OCR."""

from __future__ import annotations

import logging
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

from ..records import PageOcr, Word

log = logging.getLogger(__name__)

_DPI = 300.0  # text-layer coordinates are reported in 300 dpi pixels, like OCR pages
_NS = "{http://www.w3.org/1999/xhtml}"


def read_pages(pdf: Path, numbers: set[int], *, timeout: float = 120.0) -> dict[int, PageOcr]:
    """PageOcr (source "text-layer") for each wanted 1-based page number."""
    if not numbers:
        return {}
    proc = subprocess.run(
        ["pdftotext", "-bbox-layout", "-enc", "UTF-8", "-f", str(min(numbers)), "-l", str(max(numbers)),
         str(pdf), "-"],
        capture_output=True, timeout=timeout, check=False,
    )
    if proc.returncode != 0:
        log.warning("pdftotext -bbox-layout failed on %s: %s", pdf, proc.stderr[:200])
        return {}
    root = ET.fromstring(proc.stdout)
    out: dict[int, PageOcr] = {}
    for offset, page in enumerate(root.iter(f"{_NS}page")):
        number = min(numbers) + offset
        if number in numbers:
            out[number] = _page(page, number)
    return out


def _page(page: ET.Element, number: int) -> PageOcr:
    k = _DPI / 72.0
    words: list[Word] = []
    lines: list[str] = []
    for b, block in enumerate(page.iter(f"{_NS}block"), start=1):
        for ln, line in enumerate(block.iter(f"{_NS}line"), start=1):
            texts = []
            for word in line.iter(f"{_NS}word"):
                text = unicodedata.normalize("NFC", (word.text or "").strip())
                if not text:
                    continue
                x0, y0 = float(word.get("xMin", 0)), float(word.get("yMin", 0))
                x1, y1 = float(word.get("xMax", 0)), float(word.get("yMax", 0))
                words.append(Word(text, round(x0 * k), round(y0 * k), round((x1 - x0) * k),
                                  round((y1 - y0) * k), -1.0, b, 1, ln))
                texts.append(text)
            if texts:
                lines.append(" ".join(texts))
        lines.append("")
    return PageOcr(
        number=number,
        width=round(float(page.get("width", 595)) * k),
        height=round(float(page.get("height", 842)) * k),
        dpi=_DPI,
        text="\n".join(lines).strip(),
        words=words,
        source="text-layer",
    )
