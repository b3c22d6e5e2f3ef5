"""Where a second OCR pass would pay: page regions the extractor could not read well.

The signer block sits under a red seal and a signature; tesseract on the whole page
often drops its title lines and the name. A second look at just that box, on the red
channel (which wipes out the seal) with `--psm 6`, recovers them on the real samples.
The header's number/date line is another candidate (handwritten digits), and so is the
empty band under the number when a framed urgency mark ("KHẨN") may have been dropped:
tesseract reads it on a crop (`--psm 6`) that it skipped on the whole page.

This module only computes boxes and splices the words of a second look back into a page; running
OCR is the pipeline's job (`digitize.ocr`), so nothing here touches pixels.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace

from digitize.metadata.consensus import mark_count
from digitize.metadata.extract import REVIEW_THRESHOLD
from digitize.metadata.header import find_header
from digitize.metadata.layout import Segment, median_height, segments_of
from digitize.metadata.names import known_form
from digitize.metadata.readers.urgency import EMPTY_BAND
from digitize.metadata.signer import find_signer
from digitize.metadata.tables import SURNAMES
from digitize.metadata.text import fold, nfc
from digitize.records import FieldValue, LookReason, Metadata, PageOcr, Word

# The signer box starts here (share of the page width): clear of the nơi nhận list.
SIGNER_LEFT = 0.45


@dataclass(frozen=True, slots=True)
class Region:
    """A box on one page, in that page's pixel space, and why to read it again."""

    page: int
    left: int
    top: int
    right: int
    bottom: int
    reason: LookReason  # "signer-marks": the second reader on the signer


def _weak(meta: Metadata, *names: str, threshold: float) -> bool:
    return any(meta.fields[n].value is None or meta.fields[n].confidence < threshold for n in names)


def _signer_region(page: PageOcr) -> Region:
    """The right part of the page from the signer's first line (or the nơi nhận row)."""
    segs = segments_of(page)
    h = median_height(segs)
    block = find_signer(segs, page.width)
    anchors = [s.top for s in (block.titles if block else [])]
    anchors += [s.top for s in segs if s.folded.lstrip(" -").startswith("noi nhan")]
    top = max(0, int(min(anchors) - 2 * h if anchors else _last_body_line(segs, page) - h))
    bottom = min(page.height, int(top + 0.4 * page.height))
    return Region(page.number, int(SIGNER_LEFT * page.width), top, page.width, bottom, "signer")


def _last_body_line(segs: list[Segment], page: PageOcr) -> float:
    wide = [s.bottom for s in segs if s.right - s.left > 0.5 * page.width]
    return max(wide, default=0.5 * page.height)


def _header_regions(page: PageOcr) -> list[Region]:
    """The "Số:" line in the left column and the place-and-date line in the right one, each
    with a line's height of room above and below for handwriting: two boxes, not one band
    across the page, so that a reader scaling its input to a fixed size keeps the digits big."""
    segs = segments_of(page)
    header = find_header(page, segs)
    h = header.line_height
    split = int(header.x_split)
    out = []
    for rows, left, right in ((header.so_line, 0, split),
                              ([header.date_line] if header.date_line else [], split, page.width)):
        if rows and right > left:
            top = max(0, int(min(s.top for s in rows) - h))
            bottom = min(page.height, int(max(s.bottom for s in rows) + h))
            out.append(Region(page.number, left, top, right, bottom, "header"))
    return out


def _urgency_region(page: PageOcr) -> Region | None:
    """The empty band of the left column under "Số:" (and the V/v lines), where a boxed
    or stamped urgency mark sits that the whole-page OCR dropped ("KHẨN" in a frame)."""
    segs = segments_of(page)
    header = find_header(page, segs)
    above = [*header.so_line, *header.vv_lines]
    if not above:
        return None
    h = header.line_height
    floor = max(s.bottom for s in above)
    below = [s.top for s in segs if s.top > floor and len(s.text.strip()) > 1]
    ceiling = min(below, default=floor + 2 * EMPTY_BAND * h)
    if ceiling - floor < 2 * h:
        return None
    return Region(
        page.number, 0, int(floor + 0.2 * h), int(header.x_split), int(ceiling - 0.2 * h), "urgency"
    )


def regions_for_second_look(pages: Sequence[PageOcr], meta: Metadata, *,
                            threshold: float = REVIEW_THRESHOLD) -> list[Region]:
    """Boxes worth a second OCR pass, given what `extract_metadata` made of `pages`: those
    of the fields under `threshold` (the review threshold: what review would flag)."""
    content = [p for p in pages if p.words and not p.blank and p.source == "ocr"]
    if not content:
        return []
    out: list[Region] = []
    if _weak(meta, "signer", "signer_title", threshold=threshold):
        page = next((p for p in reversed(content) if find_signer(segments_of(p), p.width)), content[-1])
        out.append(_signer_region(page))
    urgency = meta.fields["urgency"]
    if urgency.value is None and urgency.confidence < threshold:
        # "none" doubted: a wide empty band under the number (see readers.urgency)
        region = _urgency_region(content[0])
        if region is not None:
            out.append(region)
    if _weak(meta, "number", "issued_date", threshold=threshold):
        out.extend(_header_regions(content[0]))
    return out


def splice_words(page: PageOcr, region: Region, words: Sequence[Word]) -> PageOcr:
    """A copy of `page` whose words inside `region` are replaced by `words`.

    `words` are in the region's own pixel space (a crop's OCR); they are moved to page
    coordinates and given block numbers after the page's own.
    """
    inside = [w for w in page.words if _centre_in(w, region)]
    kept = [w for w in page.words if w not in inside] if words else list(page.words)
    base = max((w.block for w in page.words), default=0) + 1
    moved = [
        replace(w, left=w.left + region.left, top=w.top + region.top, block=w.block + base) for w in words
    ]
    return replace(page, words=kept + moved, warnings=[*page.warnings, f"re-read {region.reason}"])


def best_of(*readings: Metadata) -> Metadata:
    """Field by field, the reading with the highest confidence (first one on ties).

    For a page read twice (whole page, then a second look at a region), neither reading is
    better everywhere: a second look at the signer block may lose marks the first pass had.
    """
    names = list(readings[0].fields)
    return Metadata(
        fields={n: max((m.fields[n] for m in readings), key=lambda f: f.confidence) for n in names}
    )


# What the second reader alone reads (a handwritten number or day) is a suggestion that a
# clerk confirms: it stays under the review threshold.
SECOND_READER_CEILING = 0.6
# Two independent readers (tesseract on the page, the second reader on the crop) giving
# the very same number or date: the one case where a handwritten digit may pass review.
AGREED_READINGS = 0.85
# ... provided the second reader's own reading is at least this sure.
AGREEING_READER = 0.5


def header_second_look(
    meta: Metadata, other: Metadata, confirmable: Collection[str] = ("number", "issued_date"), *,
    threshold: float = REVIEW_THRESHOLD,
) -> Metadata:
    """`meta` with the number, the symbol and the issue date that `other` (the header lines
    as the second reader read them) gives, where `meta` was weak on one, `other` reads it
    otherwise, and either `meta` has none or `other` is the surer; those stay under the
    review threshold, and "số và ký hiệu" is put together again from the two parts. A weak
    number or date that `other` reads digit for digit the same is confirmed
    (`AGREED_READINGS`): two independent readers agree. Every other field is `meta`'s.

    `confirmable` names the fields `other` read from the second reader's own words
    (`confirmable_fields`): elsewhere `other` holds the first reading, which would
    agree with itself."""
    fields = dict(meta.fields)
    for name in ("number", "symbol", "issued_date"):
        first, second = meta.fields[name], other.fields[name]
        if _better_suggestion(first, second, threshold):
            fields[name] = replace(second, confidence=min(second.confidence, SECOND_READER_CEILING))
        elif name in confirmable and _agreeing(first, second, threshold):
            fields[name] = replace(first, confidence=max(first.confidence, AGREED_READINGS))
    number, symbol = fields["number"], fields["symbol"]
    if (number, symbol) != (meta.fields["number"], meta.fields["symbol"]) and number.value and symbol.value:
        printed = (other.fields["number_symbol"].value, meta.fields["number_symbol"].value)
        n = len(number.value)
        both = next((v for v in printed if v and v.startswith(number.value) and len(v) > n), "")
        separator = both[n] if both else "/"
        fields["number_symbol"] = FieldValue(f"{number.value}{separator}{symbol.value}",
                                             min(number.confidence, symbol.confidence), number.source)
    return Metadata(fields=fields)


def restore_marks(meta: Metadata, words: Sequence[Word], *, threshold: float = REVIEW_THRESHOLD) -> Metadata:
    """`meta` with the signer's name as the second reader spelt it, when that reading has
    the very same letters and more marks, and every syllable is a name as spelt: tesseract
    drops marks on faint or bilevel scans ("Thanh" for "Thành"), and both spellings being
    names, the letters alone cannot tell. Only a doubtful name is touched, and it stays
    under the review threshold."""
    name = meta.fields["signer"]
    if not name.value or name.confidence >= threshold:
        return meta
    lines: dict[tuple[int, int, int], list[str]] = {}
    for w in words:
        lines.setdefault((w.block, w.par, w.line), []).append(w.text)
    for texts in lines.values():
        line = nfc(" ".join(texts))
        if (fold(line) == fold(name.value) and mark_count(line) > mark_count(name.value)
                and known_form(line, SURNAMES)):
            fields = dict(meta.fields)
            fields["signer"] = FieldValue(line, max(name.confidence, SECOND_READER_CEILING), name.source)
            return Metadata(fields=fields)
    return meta


def confirmable_fields(regions: Iterable[tuple[Region, Sequence[Word]]]) -> tuple[str, ...]:
    """The fields that header re-reads with words cover: the Số box (the left column, from
    x = 0, `_header_regions`) holds the number, the place-date box the date."""
    out: list[str] = []
    for region, words in regions:
        if region.reason == "header" and words:
            out.append("number" if region.left == 0 else "issued_date")
    return tuple(out)


def _agreeing(first: FieldValue, second: FieldValue, threshold: float) -> bool:
    """Both readers give the same digits, and the first was left under review."""
    return (first.confidence < threshold and bool(first.value) and first.value == second.value
            and second.confidence >= AGREEING_READER)


def _better_suggestion(first: FieldValue, second: FieldValue, threshold: float) -> bool:
    return (first.confidence < threshold and bool(second.value) and second.value != first.value
            and (first.value is None or second.confidence > first.confidence))


def _centre_in(w: Word, r: Region) -> bool:
    cx, cy = w.left + w.width / 2, w.top + w.height / 2
    return r.left <= cx <= r.right and r.top <= cy <= r.bottom


# Where a clerk looks for each field: the header block (số, ký hiệu, ngày, địa danh), the
# signer block (người ký, chức vụ), or the top of the first page (the rest of the header).
_HEADER_LEFT = {"number_symbol", "number", "symbol"}
_HEADER_RIGHT = {"issued_date", "place"}
_SIGNER = {"signer", "signer_title"}
TOP_SHARE = 0.45


def field_region(pages: Sequence[PageOcr], field: str) -> Region | None:
    """The box of the page a field is read from, to show the clerk its pixels (`digitize
    serve`'s review): the "Số:" line box for the number, the date line box for the day,
    the signer block for the name, the top of the first page for the other fields."""
    content = [p for p in pages if p.words and not p.blank] or [p for p in pages if not p.blank]
    if not content:
        return None
    first = content[0]
    if field in _SIGNER:
        page = next((p for p in reversed(content) if find_signer(segments_of(p), p.width)), content[-1])
        return _signer_region(page)
    if field in _HEADER_LEFT | _HEADER_RIGHT and first.words:
        boxes = _header_regions(first)
        want_left = field in _HEADER_LEFT
        for box in boxes:
            if (box.left == 0) == want_left:
                return box
    return Region(first.number, 0, 0, first.width, int(TOP_SHARE * first.height), "top")
