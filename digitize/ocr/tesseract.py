"""The only module that runs tesseract, always with a timeout.

Tesseract runs in-process through libtesseract (`libtesseract.py`): each worker keeps its
models loaded and hands over the page's pixels from memory. Where the library cannot be
loaded, the `tesseract` program is run through pytesseract instead, with the same settings.
A page gives its TSV: words, boxes and confidences, from which `pdf.py` builds the
invisible text layer.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytesseract
from PIL import Image

from ..records import Word
from . import libtesseract

log = logging.getLogger(__name__)
tess_log = logging.getLogger("digitize.tesseract")

# one single-threaded tesseract per core: multi-threaded ones in parallel are far slower
os.environ.setdefault("OMP_THREAD_LIMIT", "1")


class OcrTimeout(Exception):
    """Tesseract did not finish the page in time."""


class OcrFailed(Exception):
    """Tesseract exited with an error."""


@dataclass(slots=True)
class TesseractResult:
    words: list[Word]
    text: str
    mean_conf: float | None


@dataclass(slots=True)
class Orientation:
    rotate: int  # degrees clockwise to make the page upright
    confidence: float


def version() -> str | None:
    try:
        return str(pytesseract.get_tesseract_version())
    except (pytesseract.TesseractNotFoundError, OSError, subprocess.SubprocessError):
        return None


def languages() -> list[str]:
    try:
        return list(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractNotFoundError, pytesseract.TesseractError, OSError):
        return []


def ocr_page(
    image: Image.Image, *, lang: str, dpi: int, timeout: float, psm: int = 3, work: Path | None = None
) -> TesseractResult:
    """OCR one upright page image: its words, text and mean confidence (`work`: where the
    program, when it is the fallback, gets its image and output files)."""
    words, text = parse_tsv(_tsv(image, lang=lang, psm=psm, dpi=dpi, timeout=timeout, work=work))
    confs = [w.conf for w in words if w.conf >= 0]
    return TesseractResult(
        words=words,
        text=text,
        mean_conf=round(sum(confs) / len(confs), 1) if confs else None,
    )


def ocr_words(
    image: Image.Image, *, lang: str, psm: int, timeout: float, dpi: int | None = None
) -> list[Word]:
    """Words of a crop: for second looks at small regions. Without `dpi`, tesseract
    estimates the resolution from the text, as for an image file that carries none."""
    return parse_tsv(_tsv(image, lang=lang, psm=psm, dpi=dpi, timeout=timeout))[0]


_OSD_ROTATE = re.compile(r"Rotate:\s+(\d+)")
_OSD_CONF = re.compile(r"Orientation confidence:\s+([\d.]+)")


def detect_orientation(image: Image.Image, *, timeout: float, dpi: int | None = None) -> Orientation | None:
    """Tesseract OSD: which way the page must turn to be upright (None if it cannot tell)."""
    try:
        engine = libtesseract.engine("osd")
    except libtesseract.EngineError as exc:
        tess_log.debug("OSD unavailable: %s", exc)
        return None
    if engine is not None:
        answer = engine.orientation(image, dpi=dpi)
        return Orientation(answer.rotate, answer.confidence) if answer else None
    config = "--psm 0" + (f" --dpi {dpi}" if dpi else "")
    # handed over as a PPM file: pytesseract would write a page-sized PNG, slower than OSD itself
    with tempfile.TemporaryDirectory(prefix="digitize-osd-") as tmp:
        path = _image_file(image, Path(tmp) / "page")
        try:
            out = pytesseract.image_to_osd(str(path), config=config, timeout=timeout)
        except (RuntimeError, pytesseract.TesseractError) as exc:
            tess_log.debug("OSD failed: %s", exc)
            return None
    rot, conf = _OSD_ROTATE.search(out), _OSD_CONF.search(out)
    if not rot or not conf:
        return None
    return Orientation(int(rot.group(1)) % 360, float(conf.group(1)))


def _tsv(
    image: Image.Image, *, lang: str, psm: int, dpi: int | None, timeout: float, work: Path | None = None
) -> str:
    """Recognise `image`; tesseract's TSV, header line first."""
    try:
        engine = libtesseract.engine(lang)
        if engine is not None:
            return engine.tsv(image, psm=psm, dpi=dpi, timeout=timeout)
    except libtesseract.Timeout as exc:
        raise OcrTimeout(str(exc)) from exc
    except libtesseract.EngineError as exc:
        raise OcrFailed(str(exc)) from exc
    config = f"--psm {psm}" + (f" --dpi {dpi}" if dpi else "") + " -c tessedit_create_tsv=1"
    with tempfile.TemporaryDirectory(prefix="digitize-ocr-", dir=work) as tmp:
        path = _image_file(image, Path(tmp) / "page")
        try:
            pytesseract.pytesseract.run_tesseract(
                str(path), str(Path(tmp) / "out"), extension="tsv", lang=lang, config=config, timeout=timeout
            )
        except RuntimeError as exc:
            if "timeout" in str(exc).lower():
                raise OcrTimeout(f"tesseract took longer than {timeout:g} s") from exc
            raise
        except pytesseract.TesseractError as exc:
            raise OcrFailed(f"tesseract failed: {exc.message.strip()[:200]}") from exc
        return (Path(tmp) / "out.tsv").read_text("utf-8")


def _image_file(image: Image.Image, base: Path) -> Path:
    """The image as a file for the tesseract program: PGM/PPM, a few ms to write (PNG is
    30 times slower for a page)."""
    path = base.with_suffix(".ppm" if image.mode in ("RGB", "L") else ".png")
    image.save(path)
    return path


def parse_tsv(tsv: str) -> tuple[list[Word], str]:
    """Words (level 5 rows) and the page text with lines and paragraphs kept."""
    words: list[Word] = []
    lines: list[str] = []
    current: list[str] = []
    key = None
    prev_par = None
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row.get("level") != "5":
            continue
        text = unicodedata.normalize("NFC", (row.get("text") or "").strip())
        if not text:
            continue
        w = Word(
            text=text,
            left=int(row["left"]),
            top=int(row["top"]),
            width=int(row["width"]),
            height=int(row["height"]),
            conf=float(row["conf"]),
            block=int(row["block_num"]),
            par=int(row["par_num"]),
            line=int(row["line_num"]),
        )
        words.append(w)
        line_key = (w.block, w.par, w.line)
        if line_key != key:
            if current:
                lines.append(" ".join(current))
            if prev_par is not None and (w.block, w.par) != prev_par:
                lines.append("")
            current, key, prev_par = [], line_key, (w.block, w.par)
        current.append(text)
    if current:
        lines.append(" ".join(current))
    return words, "\n".join(lines)


def tool_path(name: str) -> str | None:
    return shutil.which(name)
