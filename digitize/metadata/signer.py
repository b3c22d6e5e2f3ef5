"""The signer block at the bottom right of the last page with text.

```
 Nơi nhận:                         TL. CHỦ TỊCH
 - Như trên;                    KT. CHÁNH VĂN PHÒNG
 - Lưu: VT, ...                PHÓ CHÁNH VĂN PHÒNG
                                   (signature, seal)
                                    Phùng Tô Long
```
Title lines are capitals starting with a delegation (TM., KT., TL., TUQ., Q.) or naming
a known position (`data/titles.toml`); the name is the first personal-name-shaped line
below them. The title lines' own reading (delegations, marks, deputies) lives here too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from rapidfuzz import fuzz

from digitize.metadata.caps import CapsEvidence, read_caps
from digitize.metadata.layout import Segment, looks_like_stamp, median_height
from digitize.metadata.names import name_of
from digitize.metadata.tables import KT_DEPUTY, TITLE_WORDS
from digitize.metadata.text import best_match, fold, is_upper_text, squash_spaces

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


# --- title lines ----------------------------------------------------------------------

_DELEGATION = re.compile(r"^\W*(?:(?P<a>[TK])\s*/\s*(?P<b>[MTL])\b\.?|(?P<dot>TM|KT|TL|TUQ|Q)\s*[.,:])\s*")
_DELEGATION_KINDS = {"TM": "TM.", "KT": "KT.", "TL": "TL.", "TUQ": "TUQ.", "Q": "Q."}


def _delegation_match(line: str) -> tuple[str, str, int] | None:
    """(kind "KT.", printed "K/T" or "KT.", end index) of a leading delegation prefix."""
    m = _DELEGATION.match(line.upper())
    if not m:
        return None
    if m["dot"]:
        kind = _DELEGATION_KINDS[m["dot"]]
        return kind, kind, m.end()
    key = m["a"] + m["b"]
    if key not in _DELEGATION_KINDS:
        return None
    return _DELEGATION_KINDS[key], f"{m['a']}/{m['b']}", m.end()


def delegation_of(line: str) -> str | None:
    """The delegation a title line starts with, as "TM.", "KT.", "TL.", "TUQ." or "Q."

    Older documents print "T/M", "K/T", "T/L"; they map to the same kinds.
    """
    found = _delegation_match(line)
    return found[0] if found else None


class TitleLine(NamedTuple):
    """A signer title line as normalised, and how much of it was read as printed."""

    text: str
    repairs: int  # words whose marks or letters were put back
    snapped: bool = False  # snapped to the nearest known position ("GIAM DOG" -> "GIÁM ĐỐC")
    coin_toss: bool = False  # marks restored by picking one of equally likely forms (ỦY/UỶ)
    unknown: bool = False  # words no known title or agency phrase accounts for


def normalise_title_line(line: str, evidence: CapsEvidence | None = None) -> TitleLine:
    """ "KT, CHU TICH" -> "KT. CHỦ TỊCH", "K/T GIAM DOC" -> "K/T GIÁM ĐỐC".

    `evidence` is what the rest of the document spells (see `restore_caps`).
    """
    line = squash_spaces(line).strip(" -_,;:|'`")
    found = _delegation_match(line)
    if not found:
        return _fix_title(line, evidence)
    _, printed, end = found
    body = _fix_title(line[end:], evidence)
    repairs = body.repairs + (not line.upper().startswith(printed))
    return body._replace(text=f"{printed} {body.text}".strip(), repairs=repairs)


def _fix_title(text: str, evidence: CapsEvidence | None) -> TitleLine:
    """Restore marks from known phrases, or snap a nearly known position ("PHÓ CHỦ TỊC")
    to its spelling; say how the line was read."""
    text = text.strip()
    reading = read_caps(text, evidence)
    restored, changed, coin_toss = reading.text, reading.changed, reading.ambiguous > 0
    if restored in TITLE_WORDS or not reading.unknown or not text:
        return TitleLine(restored, changed, coin_toss=coin_toss)
    found = best_match(restored, TITLE_WORDS, cutoff=0.85)
    if found:
        return TitleLine(found[0], changed + 1, snapped=True)
    return TitleLine(restored, changed, coin_toss=coin_toss, unknown=True)


def title_score(line: str) -> float:
    """How much a caps line looks like a signer's title line, 0..1."""
    if not line or not is_upper_text(line, threshold=0.7):
        return 0.0
    if delegation_of(line):
        return 1.0
    body = squash_spaces(re.sub(r"[^\w\s]", " ", line))
    found = best_match(body, TITLE_WORDS, cutoff=0.85)
    return found[1] if found else 0.0


def deputy_title(kt_line: str) -> str | None:
    """The signer's own title implied by "KT. X" (ký thay: a deputy signs for X).

    "KT. CHỦ TỊCH" -> "PHÓ CHỦ TỊCH", "KT. BỘ TRƯỞNG" -> "THỨ TRƯỞNG". None unless X is a
    known position.
    """
    found = _delegation_match(kt_line)
    if not found or found[0] != "KT.":
        return None
    head = squash_spaces(kt_line.upper()[found[2] :])
    if head not in TITLE_WORDS or head.startswith("PHÓ "):
        return None
    return KT_DEPUTY.get(head, f"PHÓ {head}")


# Name syllables that are common without any mark. Another unmarked syllable in a name


def deputy_without_kt(lines: list[str]) -> bool:
    """A deputy's title ("PHÓ ...", "THỨ TRƯỞNG") must follow a "KT." line."""
    for i, line in enumerate(lines):
        deputy = fold(line).startswith(("pho ", "thu truong"))
        if deputy and (i == 0 or delegation_of(lines[i - 1]) != "KT."):
            return True
    return False


def lost_deputy_mark(lines: list[str]) -> str | None:
    """The deputy title when a "KT. X" line is followed by X itself (its "PHÓ" unread)."""
    if len(lines) < 2 or delegation_of(lines[-2]) != "KT.":
        return None
    deputy = deputy_title(lines[-2])
    head = squash_spaces(lines[-2].split(None, 1)[1]) if " " in lines[-2] else ""
    return deputy if deputy and lines[-1] == head else None


def traces_of(title: str, debris: list[Segment]) -> bool:
    """True when OCR debris under the delegation line spells most of `title` ("THƯ TRƯ
    ỞN G" for "THỨ TRƯỞNG"): the line is there, broken by the seal or signature."""
    if not debris:
        return False
    rows = sorted(debris, key=lambda s: (round(s.center_y / max(s.height, 1.0)), s.left))
    text = "".join(fold(s.text) for s in rows).replace(" ", "")
    key = fold(title).replace(" ", "")
    return len(text) >= 0.6 * len(key) and fuzz.partial_ratio(key, text) >= 80


# --- the block ------------------------------------------------------------------------


def _right_side(segs: list[Segment], width: int) -> list[Segment]:
    return [s for s in segs if s.left >= RIGHT_SIDE * width and not looks_like_stamp(s)]


def _is_title(seg: Segment) -> bool:
    return title_score(seg.text) >= 0.85


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
