"""A fake tesseract for the fast tier: it reads back the pages the tests typeset.

The pipeline reaches tesseract through one seam, `digitize.ocr.libtesseract.engine(lang)`:
it hands `tesseract.py` an engine whose `tsv()` recognises a page and whose `orientation()`
answers OSD. `FakeTesseract.install` puts an engine with those two methods there, so all
above it runs as in production: `ocr_page` and `ocr_words`, `parse_tsv`, the decisions to
turn a page, the text layer, PDF/A, metadata, storage and the database.

It recognises nothing. Every page typeset here (`typeset`, which conftest's
`text_page_image` and `page_pdf` use) is remembered with its words, their boxes measured
from the font, and a thumbnail. Given an image, the engine finds the remembered page the
image shows by comparing thumbnails, in each quarter turn, and returns that page's words
scaled to the image: the exact text, boxes around the ink, and the confidence the test
chose (96 unless told). A page shown on its side or upside down reads as nothing (real
tesseract reads it as low-confidence garble) and OSD answers the turn that makes it
upright. An image it does not know (a crop for a second look, a photograph) reads as
nothing, and so does the second reader (trueocr).

Pages are read in the test's own process: the fake cannot reach worker processes, so while
it is installed the pipeline's pool runs pages inline, whatever `--jobs` says.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from digitize.ocr import libtesseract, preprocess, second_reader, tesseract
from digitize.pipelines import executor
from digitize.records import Word

FONT_DIRS = [Path("/usr/share/fonts/truetype/liberation2"), Path("/usr/share/fonts/truetype/liberation")]
VERSION = "5.3.4"  # what `tesseract.version()` answers while the fake is installed
LANGUAGES = ["eng", "osd", "vie"]
OSD_CONFIDENCE = 12.0  # about what tesseract gives for real turned scans
_THUMB = 96  # px of the square thumbnails compared
_TURNS = (0, 90, 180, 270)


def font(size: int, bold: bool = False) -> Any:
    name = "LiberationSerif-Bold.ttf" if bold else "LiberationSerif-Regular.ttf"
    for folder in FONT_DIRS:
        if (folder / name).is_file():
            return ImageFont.truetype(str(folder / name), size)
    raise RuntimeError("fonts-liberation2 is not installed (make setup)")


@dataclass
class Part:
    """Text on a page: at `x_in` inches from the left edge (its centre, with centre=True),
    on the line `y_in` inches from the top; tesseract would report it as one line."""

    text: str
    x_in: float
    y_in: float
    centre: bool = False
    size_pt: float = 12.0
    bold: bool = False
    conf: float = 96.0


@dataclass
class _Known:
    size: tuple[int, int]
    thumb: np.ndarray
    words: list[Word]


_KNOWN: deque[_Known] = deque(maxlen=256)  # the pages typeset lately, newest last


def _thumb(image: Image.Image) -> Image.Image:
    return image.convert("L").resize((_THUMB, _THUMB), Image.Resampling.BOX)


def remember(image: Image.Image, words: Sequence[Word]) -> None:
    """Let the fake read `words` off `image` (and off any copy of it, scaled or turned)."""
    _KNOWN.append(_Known(image.size, np.asarray(_thumb(image), dtype=np.float32), list(words)))


def typeset(
    parts: Sequence[Part], *, dpi: int = 300, size_in: tuple[float, float] = (8.27, 11.69)
) -> tuple[Image.Image, list[Word]]:
    """A white page with the parts printed on it, and their words as tesseract would
    report them (each part its own block, as `tests/metadata/vnpage.py` lays them out)."""
    image = Image.new("L", (round(size_in[0] * dpi), round(size_in[1] * dpi)), 255)
    draw = ImageDraw.Draw(image)
    words: list[Word] = []
    for block, part in enumerate(parts, 1):
        face = font(round(part.size_pt * dpi / 72), part.bold)
        x = round(part.x_in * dpi - (face.getlength(part.text) / 2 if part.centre else 0))
        y = round(part.y_in * dpi)
        draw.text((x, y), part.text, font=face, fill=0)
        offset = 0
        for token in part.text.split():
            start = part.text.index(token, offset)
            offset = start + len(token)
            left, top, right, bottom = draw.textbbox((x + face.getlength(part.text[:start]), y), token,
                                                     font=face)
            words.append(Word(token, round(left), round(top), round(right - left), round(bottom - top),
                              part.conf, block, 1, 1))
    return image, words


def text_lines(lines: Sequence[str], *, dpi: int, conf: float = 96.0) -> list[Part]:
    """Lines set at 12 pt from the top left margin (0.4 in), 20 pt apart."""
    top, step = round(0.4 * dpi), round(20 * dpi / 72)
    return [Part(text, 0.4, (top + i * step) / dpi, conf=conf) for i, text in enumerate(lines)]


def typeset_and_remember(parts: Sequence[Part], **kwargs: Any) -> Image.Image:
    image, words = typeset(parts, **kwargs)
    remember(image, words)
    return image


@dataclass
class FakeTesseract:
    """Installed by the `fake_ocr` fixture; `calls` lists what the pipeline asked of it."""

    calls: list[tuple[str, str]] = field(default_factory=list)

    def install(self, monkeypatch: pytest.MonkeyPatch) -> FakeTesseract:
        monkeypatch.setattr(libtesseract, "engine", lambda lang: _Engine(self, lang))
        monkeypatch.setattr(tesseract, "version", lambda: VERSION)
        monkeypatch.setattr(tesseract, "languages", lambda: list(LANGUAGES))
        monkeypatch.setattr(second_reader, "read_words", self._second_reader)
        monkeypatch.setattr(executor, "make_executor", lambda jobs, preload=(): executor.InlineExecutor())
        return self

    def pages_read(self) -> int:
        return sum(1 for call, _ in self.calls if call == "tsv")

    def _second_reader(self, image: Image.Image) -> list[Word]:
        self.calls.append(("trueocr", f"{image.width}x{image.height}"))
        return []

    def find(self, image: Image.Image) -> tuple[_Known, int] | None:
        """The remembered page `image` shows, and the clockwise turn that makes it upright."""
        thumb = _thumb(image)
        best: tuple[float, _Known, int] | None = None
        for turn in _TURNS:
            upright = np.asarray(preprocess.rotate_upright(thumb, turn), dtype=np.float32)
            w, h = (image.height, image.width) if turn in (90, 270) else image.size
            blank = float(np.mean(255.0 - upright))
            for known in reversed(_KNOWN):  # of pages that look the same, the newest
                if abs(known.size[0] / known.size[1] - w / h) > 0.03 * w / h:
                    continue
                distance = float(np.mean(np.abs(upright - known.thumb)))
                # closer to the page than to a blank one, or it is not that page
                if distance < 0.5 * blank and (best is None or distance < best[0]):
                    best = (distance, known, turn)
        return (best[1], best[2]) if best else None


class _Engine:
    """What `libtesseract.Engine` offers `tesseract.py`: `tsv` and `orientation`."""

    def __init__(self, fake: FakeTesseract, lang: str) -> None:
        self.fake, self.lang = fake, lang

    def tsv(self, image: Image.Image, *, psm: int, dpi: int | None, timeout: float) -> str:
        self.fake.calls.append(("tsv", f"-l {self.lang} --psm {psm}"))
        found = self.fake.find(image)
        if found is None or found[1] != 0:
            return libtesseract.TSV_HEADER
        known = found[0]
        sx, sy = image.width / known.size[0], image.height / known.size[1]
        rows = [
            f"5\t1\t{w.block}\t{w.par}\t{w.line}\t{i}\t{round(w.left * sx)}\t{round(w.top * sy)}"
            f"\t{max(1, round(w.width * sx))}\t{max(1, round(w.height * sy))}\t{w.conf:g}\t{w.text}\n"
            for i, w in enumerate(known.words, 1)
        ]
        return libtesseract.TSV_HEADER + "".join(rows)

    def orientation(self, image: Image.Image, *, dpi: int | None) -> libtesseract.OsdAnswer | None:
        self.fake.calls.append(("osd", self.lang))
        found = self.fake.find(image)
        return libtesseract.OsdAnswer(found[1], OSD_CONFIDENCE) if found else None
