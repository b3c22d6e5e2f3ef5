"""A second reader for what tesseract reads worst: trueocr (ONNX models on the CPU).

Tesseract does not read handwriting, and the number and the day of an administrative
document are very often written by hand (../shared/VN-DOCS.md). trueocr, a Vietnamese line
detector and recogniser, reads about half of them on the real scans, in about 0.1 s per
line. It reads body text worse than tesseract, so it is asked only about the Số and
place-date lines when their number or day is weak (`metadata.regions.header_second_look`), and
about a signer block whose name is still doubtful, for the tone marks tesseract dropped
(`metadata.regions.restore_marks`); what it gives always goes to a clerk for review.

One model per worker process, loaded on first use, on one thread (one busy core per worker,
like tesseract).
"""

from __future__ import annotations

import functools
import importlib.util
import logging
from typing import Any

from PIL import Image

from ..records import Word
from . import libtesseract

log = logging.getLogger(__name__)

_model: Any = None


@functools.cache
def available() -> bool:
    """Is trueocr installed? (Found, not imported: the parent never runs it.)"""
    return importlib.util.find_spec("trueocr") is not None


def version() -> str | None:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as package_version

    try:
        return package_version("trueocr")
    except PackageNotFoundError:
        return None


def _load() -> Any:
    global _model
    if _model is None:
        from trueocr import load_model

        # the crop is upright already: no turning (trueocr may still straighten a crop it
        # finds skewed, and then its boxes are the straightened crop's); one thread per worker
        _model = load_model(mode="page", threads=1, auto_rotate=False, save_outputs=False)
    return _model


def read_words(image: Image.Image) -> list[Word]:
    """Words in `image`, in its pixel space: each line trueocr finds, cut at spaces, each
    word given its share of the line's box by its characters. Confidence 0..100."""
    model = _load()
    start = libtesseract._cpu()
    result = model.predict(image.convert("RGB"), save=False)
    libtesseract._profile("trueocr", start, f"predict {image.width}x{image.height}")  # the benchmarks' log
    words: list[Word] = []
    for number, line in enumerate(result.lines, start=1):
        words.extend(_split_line(line["text"], line["bbox"], 100.0 * float(line["confidence"]), number))
    return words


def _split_line(text: str, bbox: list[int], conf: float, line: int) -> list[Word]:
    x0, y0, x1, y1 = bbox
    if not text.strip() or x1 <= x0:
        return []
    per_char = (x1 - x0) / max(len(text), 1)
    out: list[Word] = []
    start = None
    for i, ch in enumerate(text + " "):
        if ch.isspace():
            if start is not None:
                left = x0 + round(start * per_char)
                right = x0 + round(i * per_char)
                out.append(Word(text[start:i], left, y0, max(1, right - left), y1 - y0, conf, 1, 1, line))
                start = None
        elif start is None:
            start = i
    return out
