"""The urgency mark (độ khẩn) under the number, and the document's language."""

from __future__ import annotations

from digitize.metadata.header import urgency_mark
from digitize.metadata.layout import trust
from digitize.metadata.readers.context import HEADER, FieldReader, Reading, field, word_min
from digitize.metadata.text import has_vietnamese_marks
from digitize.records import FieldValue

# A mark sits in the top share of the page.
MARK_ZONE = 0.6
# A mark read, times how well its letters were read.
MARK = 0.9
# "None, read": sure enough, unless a wide empty band sits under the number.
NO_MARK = 0.75
BLANK_BAND = 0.3
# Line heights of empty page under the number (and V/v) that suggest an unread mark.
EMPTY_BAND = 4.5
# Share of words with Vietnamese marks: clearly Vietnamese, Vietnamese that lost its
# marks; and the confidence of each verdict (under the lower share: unknown).
VIETNAMESE, FEW_MARKS = 0.2, 0.05
SURE_VI, UNSURE_VI, NOT_VI = 0.97, 0.6, 0.3


def read_urgency(r: Reading) -> None:
    assert r.header is not None
    page = r.header.page
    for seg in r.segs[page.number]:
        if seg.top > MARK_ZONE * page.height:
            continue
        mark = urgency_mark(seg)
        if mark is not None:
            # the frame around a mark reads as "[" or "|": only the letters count
            conf = word_min([w for w in seg.words if any(c.isalpha() for c in w.text)])
            r.fields["urgency"] = field(mark, MARK * trust(conf), r.source())
            return
    # "None, read": unless a wide empty band sits under the number, where a boxed or
    # stamped mark OCR could not read would be ("KHẨN" in a frame).
    conf = BLANK_BAND if _blank_under_number(r) else NO_MARK
    r.fields["urgency"] = FieldValue(None, conf, r.source())  # type: ignore[arg-type]


def _blank_under_number(r: Reading) -> bool:
    assert r.header is not None
    header = r.header
    above = [*header.so_line, *header.vv_lines]
    if not above or header.page.source == "text-layer":
        return False
    floor = max(s.bottom for s in above)
    below = [s for s in r.segs[header.page.number] if s.top > floor and len(s.text.strip()) > 1]
    if not below:
        return False
    return min(s.top for s in below) - floor > EMPTY_BAND * header.line_height


def read_language(r: Reading) -> None:
    words = [w.text for p in r.pages for w in p.words if w.text.isalpha()]
    if not words:
        return
    share = sum(has_vietnamese_marks(w) for w in words) / len(words)
    conf = SURE_VI if share >= VIETNAMESE else UNSURE_VI if share >= FEW_MARKS else NOT_VI
    r.fields["language"] = field("vi" if share >= FEW_MARKS else None, conf, r.source())


URGENCY_READER = FieldReader("urgency", read_urgency, provides=("urgency",), needs=(HEADER,))
LANGUAGE_READER = FieldReader("language", read_language, provides=("language",), needs=(HEADER,))
