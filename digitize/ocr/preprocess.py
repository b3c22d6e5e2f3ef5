"""Make the OCR copy of a page readable: upright, straight, big enough; spot blank pages.

Only the OCR copy is changed; the page in the searchable PDF is the untouched original,
and `Geometry` records how to map OCR coordinates back onto it.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import math
import weakref
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image

log = logging.getLogger(__name__)

_ANALYSIS_WIDTH = 1000  # px: skew and blank detection work on a small copy


@dataclass(slots=True)
class Geometry:
    """How the OCR image was derived from the rendered page (display orientation)."""

    rendered_size: tuple[int, int]  # w, h of the rendered page in px
    rendered_dpi: float
    rotate: int = 0  # clockwise degrees applied (0/90/180/270)
    skew: float = 0.0  # degrees counter-clockwise applied by deskew
    scale: float = 1.0  # enlargement of a coarse scan (uniform: commutes with the turn)

    @property
    def ocr_size(self) -> tuple[float, float]:
        """Width and height of the OCR copy in px."""
        sw, sh = self.rendered_size[0] * self.scale, self.rendered_size[1] * self.scale
        return (sh, sw) if self.rotate in (90, 270) else (sw, sh)

    def to_rendered(self) -> np.ndarray:
        """3x3 matrix (column vectors) from the OCR copy's px to the rendered page's px."""
        ow, oh = self.ocr_size
        sw, sh = self.rendered_size[0] * self.scale, self.rendered_size[1] * self.scale
        undo_skew = rotation_about(-self.skew, ow / 2, oh / 2)
        return scaling(1 / self.scale, 1 / self.scale) @ _turned_to_rendered(self.rotate, sw, sh) @ undo_skew


def translation(x: float, y: float) -> np.ndarray:
    return np.array([[1.0, 0.0, x], [0.0, 1.0, y], [0.0, 0.0, 1.0]])


def scaling(sx: float, sy: float) -> np.ndarray:
    return np.array([[sx, 0.0, 0.0], [0.0, sy, 0.0], [0.0, 0.0, 1.0]])


def rotation_about(angle_deg: float, cx: float, cy: float) -> np.ndarray:
    """Rotate points by angle (counter-clockwise on screen, y down) about (cx, cy)."""
    t = math.radians(angle_deg)
    cos, sin = math.cos(t), math.sin(t)
    # on a y-down screen a counter-clockwise turn is x' = c x + s y, y' = -s x + c y
    rot = np.array([[cos, sin, 0.0], [-sin, cos, 0.0], [0.0, 0.0, 1.0]])
    return translation(cx, cy) @ rot @ translation(-cx, -cy)


def _turned_to_rendered(rotate: int, w: float, h: float) -> np.ndarray:
    """From the copy turned `rotate` degrees clockwise back to the unturned image (w x h)."""
    if rotate == 90:  # turned (x', y') = (h - y, x)  =>  x = y', y = h - x'
        return np.array([[0.0, 1.0, 0.0], [-1.0, 0.0, h], [0.0, 0.0, 1.0]])
    if rotate == 180:
        return np.array([[-1.0, 0.0, w], [0.0, -1.0, h], [0.0, 0.0, 1.0]])
    if rotate == 270:  # turned (x', y') = (y, w - x)  =>  x = w - y', y = x'
        return np.array([[0.0, -1.0, w], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    return np.eye(3)


# the last page's small grey copy: blank check, skew and line direction all look at it
_small: tuple[weakref.ReferenceType[Image.Image], np.ndarray] | None = None


def _small_gray(image: Image.Image) -> np.ndarray:
    global _small
    if _small is not None and _small[0]() is image:
        return _small[1]
    gray = image.convert("L")
    factor = _ANALYSIS_WIDTH / max(gray.width, 1)
    if factor < 1:
        gray = gray.resize(
            (max(1, round(gray.width * factor)), max(1, round(gray.height * factor))),
            Image.Resampling.BOX,
        )
    array = np.asarray(gray)
    _small = (weakref.ref(image), array)
    return array


def _small_dark_mask(image: Image.Image, threshold: int = 128) -> np.ndarray:
    return _small_gray(image) < threshold


def ink_fraction(image: Image.Image) -> float:
    """Share of dark pixels inside the page, margins (scanner edges) excluded."""
    mask = _small_dark_mask(image, threshold=110)
    h, w = mask.shape
    my, mx = max(1, h // 25), max(1, w // 25)
    inner = mask[my:h - my, mx:w - mx]
    return float(inner.mean()) if inner.size else 0.0


def is_blank(image: Image.Image, *, threshold: float = 0.002) -> bool:
    """A page with (almost) no ink: a blank back with show-through or seal bleed."""
    return ink_fraction(image) < threshold


def estimate_skew(image: Image.Image, *, max_angle: float = 6.0) -> float:
    """Skew in degrees (positive: text lines rise to the right) by projection profiles.

    Dark pixels are sheared instead of rotating the image: the row histogram is
    sharpest when the shear matches the text lines' slope.
    """
    mask = _small_dark_mask(image)
    ys, xs = np.nonzero(mask)
    if len(xs) < 500:
        return 0.0
    if len(xs) > 200_000:
        idx = np.random.default_rng(0).choice(len(xs), 200_000, replace=False)
        ys, xs = ys[idx], xs[idx]
    xs = xs - mask.shape[1] / 2

    def score(angle: float) -> float:
        shifted = ys + xs * np.tan(np.radians(angle))
        hist = np.bincount(np.clip(shifted.astype(np.int64) + mask.shape[0], 0, None))
        return float(np.sum(np.diff(hist.astype(np.float64)) ** 2))

    coarse = np.arange(-max_angle, max_angle + 1e-9, 0.5)
    best = max(coarse, key=score)
    fine = np.arange(best - 0.5, best + 0.5 + 1e-9, 0.05)
    return round(float(max(fine, key=score)), 2)


def is_sideways(image: Image.Image, *, ratio: float = 0.5) -> bool:
    """Do the text lines run up or down the page (a page turned 90 or 270 degrees)?

    The ink's column profile is then far sharper than its row profile; on upright text
    pages the row profile is 4 to 20 times the sharper, on turned ones about 0.1 times.
    """
    sharpness = _profile_sharpness(image)
    return sharpness is not None and sharpness[0] < ratio * sharpness[1]


def is_upside_down(image: Image.Image, *, ratio: float = 0.6, min_lines: int = 8) -> bool:
    """Is an (upright or upside-down) page of text upside down?

    Over a page of Vietnamese (or Latin) text, the ink above each line's x-height band
    (ascenders, capitals, and Vietnamese tone marks) outweighs the ink below its baseline
    (descenders, the dot below) 1.4 to 3.5 times; turned over, the share drops under 0.7.
    """
    above, below, lines = _marks_around_lines(image)
    return lines >= min_lines and above < ratio * max(below, 1.0)


def is_surely_upright(image: Image.Image, *, min_lines: int = 8) -> bool:
    """Does the ink leave no doubt that the page is upright? Its rows are at least twice as
    sharp as its columns, and the ink above its lines at least 1.2 times that below them:
    both well outside what turned pages show (0.1 and 0.3-0.7)."""
    sharpness = _profile_sharpness(image)
    if sharpness is None or sharpness[0] < 2.0 * sharpness[1]:
        return False
    above, below, lines = _marks_around_lines(image)
    return lines >= min_lines and above >= 1.2 * max(below, 1.0)


def _profile_sharpness(image: Image.Image) -> tuple[float, float] | None:
    """How sharp the ink's row and column profiles are (None: too little ink to tell)."""
    mask = _small_dark_mask(image)
    ys, xs = np.nonzero(mask)
    if len(xs) < 500:
        return None
    rows = np.bincount(ys, minlength=mask.shape[0]).astype(np.float64)
    cols = np.bincount(xs, minlength=mask.shape[1]).astype(np.float64)
    return (float(np.sum(np.diff(rows) ** 2)) * mask.shape[0],
            float(np.sum(np.diff(cols) ** 2)) * mask.shape[1])


def sideways_turn(image: Image.Image, *, min_lines: int = 8) -> int | None:
    """Which turn, 90 or 270 degrees clockwise, makes a page lying on its side upright; None
    when its ink cannot tell (then OSD is asked).

    The small copy is turned both ways and its lines weighed as `is_upside_down` does: the
    right turn shows the marks above the lines (1.4 to 3.5 times those below on upright
    pages), the wrong one below them (0.3 to 0.7). A turn is named only when one side is
    surely upright (1.2 or more) and the other surely not (under 0.7).
    """
    mask = _small_dark_mask(image)
    ratios = {}
    for rotate, k in ((90, -1), (270, 1)):  # np.rot90 turns counter-clockwise for k > 0
        above, below, lines = _marks_in(np.rot90(mask, k))
        if lines < min_lines:
            return None
        ratios[rotate] = above / max(below, 1.0)
    best, other = sorted(ratios, key=ratios.__getitem__, reverse=True)
    return best if ratios[best] >= 1.2 and ratios[other] < 0.7 else None


def _marks_around_lines(image: Image.Image) -> tuple[float, float, int]:
    """Ink above the x-height band and below the baseline, summed over the text lines, and
    how many lines there are."""
    return _marks_in(_small_dark_mask(image))


def _marks_in(mask: np.ndarray) -> tuple[float, float, int]:
    rows = mask.sum(axis=1)
    above = below = 0.0
    lines = 0
    i, n = 0, len(rows)
    while i < n:
        if rows[i] == 0:
            i += 1
            continue
        j = i
        while j < n and rows[j] > 0:
            j += 1
        band = rows[i:j]
        if 6 <= len(band) <= 80 and band.sum() > 50:  # a line of text, not a rule or a picture
            core = np.nonzero(band >= 0.5 * band.max())[0]
            above += float(band[:core[0]].sum())
            below += float(band[core[-1] + 1:].sum())
            lines += 1
        i = j
    return above, below, lines


@functools.cache
def _opencv() -> Any:
    """cv2 on one thread (one core per worker), or None where it is not installed."""
    if importlib.util.find_spec("cv2") is None:
        return None
    import cv2

    cv2.setNumThreads(1)
    return cv2


def rotate_upright(image: Image.Image, rotate: int) -> Image.Image:
    """Turn clockwise by 0/90/180/270 (lossless)."""
    ops = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}
    return image.transpose(ops[rotate]) if rotate in ops else image


def deskew(image: Image.Image, angle: float, center: tuple[float, float] | None = None) -> Image.Image:
    """Rotate by `angle` degrees counter-clockwise about the centre (or `center`), same
    size, white fill.

    Bilinear: half the time of bicubic on a 300 dpi page and the same character error rate
    on skewed scans (BENCHMARKS.md). With OpenCV at hand (it comes with the second reader),
    its warpAffine does it in a fifth of Pillow's time, to within one grey level of
    Pillow's pixels (Pillow samples at pixel centres: hence the half pixel).
    """
    cv2 = _opencv() if image.mode in ("L", "RGB") else None
    if cv2 is not None:
        cx, cy = center if center is not None else (image.width / 2, image.height / 2)
        matrix = cv2.getRotationMatrix2D((cx - 0.5, cy - 0.5), angle, 1.0)
        out = cv2.warpAffine(np.asarray(image), matrix, image.size, flags=cv2.INTER_LINEAR,
                             borderMode=cv2.BORDER_CONSTANT, borderValue=(255, 255, 255))
        return Image.fromarray(out, image.mode)
    fill = 255 if image.mode in ("L", "1") else (255,) * len(image.getbands())
    return image.rotate(angle, resample=Image.Resampling.BILINEAR, expand=False, center=center,
                        fillcolor=fill)
