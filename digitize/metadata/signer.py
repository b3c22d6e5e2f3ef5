"""The signer block at the bottom right of the last page with text.

```
 Nơi nhận:                         TL. CHỦ TỊCH
 - Như trên;                    KT. CHÁNH VĂN PHÒNG
 - Lưu: VT, ...                PHÓ CHÁNH VĂN PHÒNG
                                   (signature, seal)
                                    Phùng Tô Long
```
Title lines are capitals starting with a delegation (TM., KT., TL., TUQ., Q.) or naming
a known position; the name is the first personal-name-shaped line below them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from digitize.metadata.layout import Segment, looks_like_stamp, median_height
from digitize.metadata.text import is_upper_text
from digitize.metadata.vn_admin import repair_surname, title_score
from digitize.records import Word

# Signer lines start right of this share of the page width.
RIGHT_SIDE = 0.38
# How far below the last title line the name may sit, in line heights (signature + seal).
NAME_REACH = 16


@dataclass(slots=True)
class SignerBlock:
    """The title lines and name line found for the signer."""

    titles: list[Segment] = field(default_factory=list)
    name: Segment | None = None
    surname_fixed: bool = False
    name_text: str | None = None
    noise: int = 0  # unreadable segments among the title lines (a line OCR lost)
    between: list[Segment] = field(default_factory=list)  # debris between titles and name


# Marks a seal's edge or a signature stroke leaves next to the name. A name never holds
# a dash, so a dash standing alone or glued to its first or last word is debris too.
_SPECK_CHARS = " .,:;!|'`‘’_~-–—"
_SPECK = re.compile(r"[|'`‘’_~.,:;!\-–—]+")


def name_words(seg: Segment) -> list[Word]:
    """The words of a name line that hold letters (its confidence is theirs, not the specks')."""
    return [w for w in seg.words if any(c.isalpha() for c in w.text)]


def _right_side(segs: list[Segment], width: int) -> list[Segment]:
    return [s for s in segs if s.left >= RIGHT_SIDE * width and not looks_like_stamp(s)]


def _is_title(seg: Segment) -> bool:
    return title_score(seg.text) >= 0.85


def name_of(seg: Segment) -> tuple[str, bool] | None:
    """The personal name a segment holds, surname repaired; (name, weak) where weak means
    letters had to be guessed (a fuzzy surname). Marks of the other names are restored
    later (`digitize.metadata.names`)."""
    # a seal's edge or the signature reads as "|", "'", "_" or a dash around the name
    text = " ".join(t for t in seg.text.split() if not _SPECK.fullmatch(t))
    text = text.strip(_SPECK_CHARS)
    if re.search(r"[\d:;,()/\-–]", text) or is_upper_text(text, threshold=0.95):
        return None
    words = text.split()
    if not 2 <= len(words) <= 5 or not all(w.isalpha() for w in words):
        return None
    if sum(w[:1].isupper() for w in words[1:]) < len(words) - 1:
        return None
    surname = repair_surname(words[0])
    if surname is None:
        if not words[0][:1].isupper() or len(words) < 3:
            return None
        return " ".join(words), True
    fixed, how = surname
    return " ".join([fixed, *words[1:]]), how == "fuzzy"


def _title_cluster(titles: list[Segment], h: float) -> list[Segment]:
    """The last run of title lines that follow each other closely."""
    cluster: list[Segment] = []
    for seg in titles:
        if cluster and seg.top - cluster[-1].bottom > 3 * h:
            cluster = []
        cluster.append(seg)
    return cluster


def find_signer(segs: list[Segment], width: int) -> SignerBlock | None:
    """The signer block on one page, or None when the page has none."""
    side = _right_side(segs, width)
    h = median_height(segs)
    titles = _title_cluster([s for s in side if _is_title(s)], h)
    floor = titles[-1].bottom if titles else None
    block = SignerBlock(titles=titles)
    if titles:
        block.noise = sum(
            1
            for s in side
            if s not in titles and titles[0].top < s.center_y < titles[-1].bottom and s.right - s.left > 3 * h
        )
    for seg in side:
        if floor is not None and not floor < seg.top <= floor + NAME_REACH * h:
            continue
        found = name_of(seg)
        if found:
            block.name, (block.name_text, block.surname_fixed) = seg, found
            if floor is not None:
                break
    if not titles and block.name is None:
        return None
    if titles and block.name is not None:
        low, high = titles[-1].bottom - 0.3 * h, block.name.top
        block.between = [s for s in side if low < s.top and s.bottom < high and s not in titles]
    return block
