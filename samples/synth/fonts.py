"""Liberation Serif, the Times New Roman-metric font with Vietnamese glyphs, and its metrics."""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path

from PIL import ImageFont

FONT_FILES = {
    "R": "LiberationSerif-Regular.ttf",
    "B": "LiberationSerif-Bold.ttf",
    "I": "LiberationSerif-Italic.ttf",
    "BI": "LiberationSerif-BoldItalic.ttf",
}
FC_STYLES = {"R": "Regular", "B": "Bold", "I": "Italic", "BI": "Bold Italic"}
FONT_DIRS = (
    "/usr/share/fonts/truetype/liberation2",
    "/usr/share/fonts/liberation2",
    "/usr/share/fonts/truetype/liberation",
)


@cache
def font_path(style: str) -> str:
    """Path of Liberation Serif (2.x, with Vietnamese glyphs) in ``style`` (R/B/I/BI)."""
    for folder in FONT_DIRS:
        candidate = Path(folder) / FONT_FILES[style]
        if candidate.exists() and _has_vietnamese(str(candidate)):
            return str(candidate)
    if shutil.which("fc-match"):
        out = subprocess.run(
            ["fc-match", "-f", "%{file}", f"Liberation Serif:style={FC_STYLES[style]}"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        if out and Path(out).exists() and _has_vietnamese(out):
            return out
    raise SystemExit(
        "Liberation Serif 2.x with Vietnamese glyphs not found: apt-get install fonts-liberation2"
    )


def _has_vietnamese(path: str) -> bool:
    """Liberation 1.x lacks the Vietnamese glyphs: it would draw boxes where the truth has letters."""
    f = ImageFont.truetype(path, 40)
    missing = f.getmask("\uffff").getbbox()
    return all(f.getmask(c).getbbox() != missing for c in "ỹỮđẶ")


@cache
def font(style: str, px: float) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(font_path(style), round(px * 4) / 4)


_REF_PX = 200.0


@cache
def _ref_width(word: str, style: str) -> float:
    return font(style, _REF_PX).getlength(word) / _REF_PX


def text_width(word: str, style: str, size: float) -> float:
    """Advance width of ``word`` in points at ``size`` pt.

    Unhinted reference metrics, so that the layout (and the truth) is the same at every dpi.
    """
    return _ref_width(word, style) * size
