"""Find the regions of the first page's header (Phụ lục I layout).

```
 PARENT AGENCY                 CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
 ISSUING AGENCY                   Độc lập - Tự do - Hạnh phúc
 Số: 106/KH-UBND             Ninh Bình, ngày 12 tháng 7 năm 2021
 V/v ... (công văn)
                          TYPE NAME
                   abstract, one or more lines
```
The Quốc hiệu gives the column boundary; the "Số:" line splits the agency lines from
the V/v abstract; the centred type name heads the abstract of other documents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from digitize.metadata.dates import split_date_line
from digitize.metadata.layout import Segment, looks_like_stamp, median_height, split_at
from digitize.metadata.number_symbol import strip_so_prefix
from digitize.metadata.tables import NOT_HEADINGS, TYPE_CODES, URGENCY
from digitize.metadata.text import best_match, fold, is_upper_text, squash_spaces
from digitize.records import PageOcr

NATIONAL_MOTTOS = ("cong hoa xa hoi chu nghia viet nam", "dang cong san viet nam")
MOTTO = "doc lap - tu do - hanh phuc"
# The header never reaches below this share of the page height.
HEADER_DEPTH = 0.5
# The printed text block's centre, as a share of the page width (30 mm / 15-20 mm margins).
TEXT_CENTRE = 0.535
# A trích yếu longer than this is running into the body.
MAX_ABSTRACT_LINES = 6
# Type names that may head a document (a công văn has no heading, copies are marked).
TITLE_TYPES: tuple[str, ...] = tuple(t for t in TYPE_CODES if t not in NOT_HEADINGS)


@dataclass(slots=True)
class Header:
    """The classified segments of a first page's header."""

    page: PageOcr
    x_split: float
    line_height: float
    national: Segment | None = None
    agency_lines: list[Segment] = field(default_factory=list)
    so_line: list[Segment] = field(default_factory=list)
    date_line: Segment | None = None
    vv_lines: list[Segment] = field(default_factory=list)
    title: Segment | None = None
    title_type: tuple[str, float] | None = None
    abstract_lines: list[Segment] = field(default_factory=list)
    pre_header: list[Segment] = field(default_factory=list)


def match_type_name(text: str, *, cutoff: float = 0.8) -> tuple[str, float] | None:
    """Type heading ("QUYÉT ĐỊNH") -> ("Quyết định", score) on folded, fuzzy text."""
    core = re.sub(r"[^\w\s]", " ", text)
    core = squash_spaces(core)
    if not core or len(core) > 30:
        return None
    return best_match(core, TITLE_TYPES, cutoff=cutoff)


def _phrase_start(seg: Segment, phrase: str, cutoff: float = 80) -> int | None:
    """Index of the word where `phrase` starts inside a segment (fuzzy, folded)."""
    n = len(phrase.split())
    best, best_score = None, cutoff
    for i in range(len(seg.words)):
        chunk = fold(" ".join(w.text for w in seg.words[i : i + n]))
        score = fuzz.ratio(chunk, phrase)
        if score >= best_score:
            best, best_score = i, score
    return best


def _find_national(segs: list[Segment], page: PageOcr) -> tuple[Segment, float] | None:
    """The Quốc hiệu (or Party) line and the x where it starts."""
    for seg in segs:
        if seg.top > HEADER_DEPTH * page.height:
            break
        for phrase in NATIONAL_MOTTOS:
            if fuzz.partial_ratio(phrase, seg.folded) < 80:
                continue
            i = _phrase_start(seg, phrase)
            if i is not None:
                return seg, float(seg.words[i].left)
    return None


def _find_motto_x(segs: list[Segment], page: PageOcr) -> float | None:
    for seg in segs:
        if seg.top > HEADER_DEPTH * page.height:
            break
        if fuzz.partial_ratio(MOTTO, seg.folded) >= 85:
            i = _phrase_start(seg, MOTTO, cutoff=75)
            return float(seg.words[i].left) if i is not None else None
    return None


def is_so_line(seg: Segment) -> bool:
    """True when a segment starts with "Số:" followed by something symbol-like."""
    rest, had = strip_so_prefix(seg.text)
    if not had:
        return False
    colon = ":" in seg.text[: len(seg.text) - len(rest)]
    return bool(re.match(r"\s*[\d/⁄]", rest)) or (colon and not re.match(r"\s*[a-zđ]", rest))


_VV = re.compile(r"^\W{0,2}(?:v\s*[/.,|l1]\s*v|v/|v[vw]\b|ve viec)")  # "VW": the slash ran into the v


def is_vv_line(seg: Segment) -> bool:
    """True for the start of a công văn abstract: "V/v ...", "V/ ...", "Về việc ..."."""
    return bool(_VV.match(seg.folded))


def _stop_word(seg: Segment) -> bool:
    """Lines that open the body: the abstract never runs into them."""
    return seg.folded.lstrip(" -.,").startswith(("kinh gui", "can cu", "noi nhan"))


def find_header(page: PageOcr, segs: list[Segment]) -> Header:
    """Classify the header segments of a (first) page."""
    found = _find_national(segs, page)
    motto_x = _find_motto_x(segs, page)
    h = median_height(segs)
    if found:
        x_split = found[1] - 0.3 * h
    elif motto_x is not None:
        x_split = motto_x - 2 * h
    else:
        x_split = 0.45 * page.width
    header = Header(page=page, x_split=x_split, line_height=h)
    band_top = 0.0
    if found:
        header.national = found[0]
        band_top = found[0].top - 1.5 * h
    _fill_columns(header, segs, band_top)
    _fill_centre(header, segs)
    return header


# A header's place is a few words; a body line that cites a date ("Căn cứ Luật ... ngày
# 19 tháng 6 năm 2015") opens with words no place name has.
MAX_PLACE_WORDS = 6
_BODY_OPENING = re.compile(r"^\W*(?:can cu|theo|thuc hien|ve viec|v/v|kinh gui|ngay)\b")


def is_header_date_line(text: str) -> bool:
    """A place-date line as a header prints it, not a body line that cites a date."""
    line = split_date_line(text)
    if line is None:
        return False
    place = fold(line.place)
    return len(place.split()) <= MAX_PLACE_WORDS and not _BODY_OPENING.match(place)


def _fill_columns(header: Header, segs: list[Segment], band_top: float) -> None:
    page = header.page
    left: list[Segment] = []
    for seg in segs:
        if seg.top > HEADER_DEPTH * page.height:
            break
        if seg.bottom < band_top or (looks_like_stamp(seg) and seg.top < 0.15 * page.height):
            header.pre_header.append(seg)
            continue
        if header.date_line is None and is_header_date_line(seg.text):
            lpart, rpart = split_at(seg, header.x_split) if is_so_line(seg) else (None, seg)
            header.date_line = rpart
            seg = lpart if lpart else seg
            if lpart is None:
                continue
        if _stop_word(seg):
            left.append(seg)  # "Kính gửi" ends the V/v block wherever it sits
            continue
        lpart, _ = split_at(seg, header.x_split)
        if lpart is not None:
            left.append(lpart)
    _split_left_column(header, left)


def _split_left_column(header: Header, left: list[Segment]) -> None:
    """Agency lines above "Số:", the V/v abstract under it."""
    so_index = next((i for i, s in enumerate(left) if is_so_line(s)), None)
    if so_index is None:
        header.agency_lines = [s for s in left[:4] if _is_agency_text(s)]
        return
    so = left[so_index]
    header.so_line = [s for s in left if abs(s.center_y - so.center_y) < 0.6 * so.height]
    header.agency_lines = [
        s
        for s in left[:so_index]
        if s.bottom <= so.top + 0.3 * so.height and _is_agency_text(s) and s not in header.so_line
    ]
    below = [s for s in left[so_index + 1 :] if s not in header.so_line]
    header.vv_lines = _vv_block(so, below, header.line_height)


# The short rule under the agency name, when OCR makes letters of it ("TC", "ee"):
# a few letters, all read with this confidence or less.
RULE_LETTERS = 3
RULE_CONF = 40.0


def _is_agency_text(seg: Segment) -> bool:
    letters = sum(c.isalpha() for c in seg.text)
    if "/" in seg.text or _stop_word(seg):
        return False
    if letters <= RULE_LETTERS and max(seg.confs) <= RULE_CONF:
        return False  # the rule under the name, or a speck: printed caps read far better
    return letters >= 2 and is_upper_text(seg.text, threshold=0.7)


def urgency_mark(seg: Segment) -> str | None:
    """The urgency mark a line holds alone ("KHẨN", "HỎA TỐC", "THƯỢNG KHẨN"), or None."""
    if not is_upper_text(seg.text):
        return None
    core = " ".join(fold(re.sub(r"[^\w\s]", " ", seg.text)).split())
    return _URGENCY_BY_FOLD.get(core)


def is_urgency_line(seg: Segment) -> bool:
    return urgency_mark(seg) is not None


_URGENCY_BY_FOLD = {fold(m): m for m in URGENCY}


def _vv_block(so: Segment, below: list[Segment], h: float) -> list[Segment]:
    """The V/v lines under "Số:": they keep their own line spacing; an urgency mark,
    a type heading or "Kính gửi" under them is not part of the abstract."""
    if not below or not is_vv_line(below[0]) or below[0].top - so.bottom > 4 * h:
        return []
    block = [below[0]]
    ref_gap: float | None = None
    for seg in below[1:]:
        gap = seg.top - block[-1].bottom
        limit = 1.5 * h if ref_gap is None else min(1.5 * h, max(2.2 * ref_gap, 0.6 * h))
        if gap > limit or _stop_word(seg) or is_urgency_line(seg):
            break
        if is_upper_text(seg.text) and match_type_name(seg.text):
            break
        block.append(seg)
        ref_gap = gap if ref_gap is None else max(ref_gap, gap)
    return block


def _fill_centre(header: Header, segs: list[Segment]) -> None:
    """The centred type name and the abstract lines under it."""
    page = header.page
    floor = max([s.bottom for s in header.so_line], default=0)
    if header.date_line is not None:
        floor = max(floor, header.date_line.bottom)
    if not floor:
        return
    centre = TEXT_CENTRE * page.width
    for i, seg in enumerate(segs):
        if seg.top < floor - 0.3 * header.line_height or seg.top > HEADER_DEPTH * page.height:
            continue
        if abs(seg.center_x - centre) > 0.12 * page.width or not is_upper_text(seg.text):
            continue
        match = match_type_name(seg.text)
        if match:
            header.title, header.title_type = seg, match
            header.abstract_lines = _abstract_block(segs[i + 1 :], seg, page)
            return


def body_margins(segs: list[Segment], page: PageOcr) -> tuple[float, float] | None:
    """Left and right edges of the running text, from the page's wide lines."""
    wide = [s for s in segs if s.right - s.left > 0.5 * page.width]
    if len(wide) < 3:
        return None
    lefts = sorted(s.left for s in wide)
    rights = sorted(s.right for s in wide)
    return lefts[len(lefts) // 5], rights[len(rights) * 4 // 5]


def _opens_paragraph(seg: Segment, nxt: Segment | None, margins: tuple[float, float] | None) -> bool:
    """An indented line that runs to the right margin, the next one back at the left."""
    if margins is None or nxt is None:
        return False
    left, right = margins
    h = seg.height
    indent, slack = seg.left - left, right - seg.right
    return slack <= 0.6 * h and indent >= 1.2 * h + slack and nxt.left <= left + 0.6 * h


# A printed rule (underscores, dashes): under the abstract, before the body.
RULE = re.compile(r"^\s*[_\-–—.]{5,}")


def _abstract_block(after: list[Segment], title: Segment, page: PageOcr) -> list[Segment]:
    """Lines under the type name, as long as they keep the block's own line spacing."""
    block: list[Segment] = []
    prev, ref_gap = title, None
    margins = body_margins(after, page)
    for i, seg in enumerate(after):
        if seg.center_y <= prev.center_y + 0.5 * prev.height:
            continue  # same row as the previous line
        gap = seg.top - prev.bottom
        h = max(seg.height, prev.height)
        limit = 1.3 * h if ref_gap is None else max(2.2 * ref_gap, 0.6 * h)
        if gap > limit or _stop_word(seg) or len(block) >= MAX_ABSTRACT_LINES:
            break
        if abs(seg.center_x - title.center_x) > 0.15 * page.width:
            break
        if block and is_upper_text(seg.text, threshold=0.9):
            break
        if _opens_paragraph(seg, _next_row(after, i), margins):
            break
        if RULE.match(seg.text):
            break  # the rule under the abstract; what follows is the body
        block.append(seg)
        ref_gap = gap if ref_gap is None else max(ref_gap, gap)
        prev = seg
    return block


def _next_row(segs: list[Segment], i: int) -> Segment | None:
    """The first segment below segs[i] (on a new row)."""
    cur = segs[i]
    return next((s for s in segs[i + 1 :] if s.center_y > cur.bottom), None)
