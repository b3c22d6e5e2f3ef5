"""Page layout for the metadata reader: words -> line segments -> page regions.

A *segment* is a run of words on one OCR line with no wide gap inside: tesseract often
puts the agency (left) and the Quốc hiệu (right) on one line, and the nơi nhận list and
the signer's title too; a wide gap separates them. Regions (top-left block, top-right
block, centre, signer block) are then found from the segments' positions.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from itertools import pairwise

from digitize.metadata.text import fold, normalise_ocr
from digitize.records import PageOcr, Word

# A word gap wider than this many median word heights splits a line into segments.
GAP_IN_HEIGHTS = 1.6
# Tesseract word confidence under which a word is "weak" evidence.
WEAK_CONF = 80.0


@dataclass(slots=True)
class Segment:
    """A run of words on one line, with its box and OCR confidence."""

    page: int
    words: list[Word]
    source: str = "ocr"
    text: str = field(init=False)
    folded: str = field(init=False)

    def __post_init__(self) -> None:
        self.text = normalise_ocr(" ".join(w.text for w in self.words))
        self.folded = fold(self.text)

    @property
    def left(self) -> int:
        return min(w.left for w in self.words)

    @property
    def right(self) -> int:
        return max(w.right for w in self.words)

    @property
    def top(self) -> int:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> int:
        return max(w.bottom for w in self.words)

    @property
    def center_x(self) -> float:
        return (self.left + self.right) / 2

    @property
    def center_y(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def height(self) -> float:
        return statistics.median(w.height for w in self.words)

    @property
    def confs(self) -> list[float]:
        """Word confidences 0..100; text-layer words (conf -1) count as 100."""
        return [100.0 if w.conf < 0 else w.conf for w in self.words]

    @property
    def min_conf(self) -> float:
        return min(self.confs)

    @property
    def mean_conf(self) -> float:
        return statistics.fmean(self.confs)

    def sub(self, words: list[Word]) -> Segment:
        """A new segment of some of this segment's words."""
        return Segment(self.page, words, self.source)


def trust(conf: float) -> float:
    """Map a tesseract word confidence (0..100) to a multiplier 0..1."""
    if conf >= 92:
        return 1.0
    if conf >= 85:
        return 0.9
    if conf >= 75:
        return 0.75
    if conf >= 60:
        return 0.6
    if conf >= 40:
        return 0.45
    return 0.3


def _line_groups(page: PageOcr) -> list[list[Word]]:
    groups: dict[tuple[int, int, int], list[Word]] = {}
    for w in page.words:
        if w.text.strip():
            groups.setdefault((w.block, w.par, w.line), []).append(w)
    return [sorted(ws, key=lambda w: w.left) for ws in groups.values()]


def _split_on_gaps(words: list[Word], gap: float) -> list[list[Word]]:
    runs: list[list[Word]] = [[words[0]]]
    for prev, cur in pairwise(words):
        if cur.left - prev.right > gap:
            runs.append([cur])
        else:
            runs[-1].append(cur)
    return runs


def _gap_for(words: list[Word], page: PageOcr) -> float:
    """The split gap for one line: wide relative to its text, never tiny."""
    med = statistics.median(w.height for w in words)
    return max(GAP_IN_HEIGHTS * med, 0.02 * page.width)


def segments_of(page: PageOcr) -> list[Segment]:
    """All segments of a page, top to bottom then left to right."""
    out: list[Segment] = []
    for words in _line_groups(page):
        for run in _split_on_gaps(words, _gap_for(words, page)):
            out.append(Segment(page.number, run, page.source))
    out.sort(key=lambda s: (s.top, s.left))
    return out


def split_at(seg: Segment, x: float) -> tuple[Segment | None, Segment | None]:
    """Split a segment into the words left of `x` and right of it (by word centre)."""
    left = [w for w in seg.words if (w.left + w.right) / 2 < x]
    right = [w for w in seg.words if (w.left + w.right) / 2 >= x]
    return (seg.sub(left) if left else None, seg.sub(right) if right else None)


# --- digital-signature stamps -------------------------------------------------------

_STAMP_KEYS = (
    "ky boi",
    "nguoi ky",
    "thoi gian ky",
    "co quan:",
    "trung tam cong",
    "bao va tin hoc",
    "gov.vn",
    "+07:00",
)
_STAMP_DATETIME = re.compile(r"\d{1,2}[./-]\d{1,2}[./-]\d{4}\s*\d{1,2}\s*:\s*\d{2}")
_EMAIL = re.compile(r"\w@\w+(?:\.\w+)+|\w\(\)\w+\.")


def looks_like_stamp(seg: Segment) -> bool:
    """True for the text of a digital-signature overlay ("Ký bởi: ...", "Thời gian ký")."""
    folded = seg.folded
    if any(k in folded for k in _STAMP_KEYS):
        return True
    return bool(_STAMP_DATETIME.search(folded) or _EMAIL.search(folded))


def median_height(segments: list[Segment]) -> float:
    """Median word height over segments (a line-height unit), 40 px if there are none."""
    heights = [w.height for s in segments for w in s.words]
    return statistics.median(heights) if heights else 40.0


def rows_near(segments: list[Segment], anchor: Segment, *, slack: float = 0.5) -> list[Segment]:
    """Segments whose vertical centre lies within `anchor`'s line (± slack lines)."""
    pad = slack * anchor.height
    return [
        s for s in segments if anchor.top - pad <= s.center_y <= anchor.bottom + pad and s.page == anchor.page
    ]
