"""The issue date and the place, from the header's place-date line."""

from __future__ import annotations

from digitize.metadata import dates
from digitize.metadata.layout import trust
from digitize.metadata.readers.context import HEADER, REPAIRED, STAMP, FieldReader, Reading, field
from digitize.metadata.text import fold, has_vietnamese_marks, implausible_words
from digitize.records import FieldValue

# A clean date of a text layer (an OCR'd date's confidence is the date reading's own).
LAYER_DATE = 0.98
# A text layer's place; an OCR'd one, times how well its words were read.
LAYER_PLACE = 0.97
PRINTED_PLACE = 0.9
# Tesseract word confidence under which a word that is no syllable was not read at all.
UNREADABLE = 40.0
# Multipliers for a place that is no known name: plausible words, or damaged ones.
UNKNOWN_PLACE = 0.85
DAMAGED_PLACE = 0.5
# Floor for a place the agency lines spell the same; for one they spell with the
# marks the date line lost; ceiling for one they mark differently.
AGENCY_AGREES = 0.93
AGENCY_MARKS = 0.85
MARKS_DISAGREE = 0.5


def read_date(r: Reading) -> None:
    assert r.header is not None
    seg = r.header.date_line
    if seg is None:
        return
    reading = dates.read_date_segment(seg, r.stamp, r.today)
    if reading is None:
        return
    src = r.source()
    layer = r.layer()
    if reading.value is not None:
        conf = LAYER_DATE if layer and reading.clean else reading.confidence
        r.fields["issued_date"] = field(reading.value.isoformat(), conf, src)
    place, known = dates.canonical_place(reading.place)
    if place and not known and implausible_words(place.lower()) and reading.place_conf < UNREADABLE:
        place = ""  # "Đô PHHội": letters OCR could not read are no place name
    if place:
        conf = LAYER_PLACE if layer else PRINTED_PLACE * trust(reading.place_conf)
        if not known:
            conf *= UNKNOWN_PLACE if not implausible_words(place) else DAMAGED_PLACE
        if _in_agency(place, r.fields):
            spelled = _agency_spelling(place, r.fields)
            if spelled is None:
                conf = max(conf, AGENCY_AGREES)
            elif not has_vietnamese_marks(place) or _only_marks_added(place, spelled):
                place, conf = spelled, max(conf * REPAIRED, AGENCY_MARKS)  # "Hoa Vang" under "HUYỆN HÒA VANG"
            else:
                conf = min(conf, MARKS_DISAGREE)  # the two lines mark the name differently
        r.fields["place"] = field(place, conf, src)


def _agency_spelling(place: str, fields: dict[str, FieldValue]) -> str | None:
    """The agency lines' spelling of `place` when it differs from the date line's
    ("HÒA VANG" for "Hoa Vang"), title-cased; None when they agree or it is not there."""
    n = len(place.split())
    for key in ("issuer", "parent_issuer"):
        words = (fields[key].value or "").split() if key in fields else []
        for i in range(len(words) - n + 1):
            chunk = words[i : i + n]
            if fold(" ".join(chunk)) == fold(place):
                spelled = " ".join(w[:1] + w[1:].lower() for w in chunk)
                return None if spelled.lower() == place.lower() else spelled
    return None


def _only_marks_added(printed: str, other: str) -> bool:
    """True when `other` is `printed` with marks put back on words printed bare."""
    pw, ow = printed.split(), other.split()
    return len(pw) == len(ow) and all(
        p.lower() == o.lower() or not has_vietnamese_marks(p) for p, o in zip(pw, ow, strict=True)
    )


def _in_agency(place: str, fields: dict[str, FieldValue]) -> bool:
    names = " ".join(fields[k].value or "" for k in ("issuer", "parent_issuer") if k in fields)
    return bool(place) and fold(place) in fold(names)


DATE_READER = FieldReader(
    "date",
    read_date,
    provides=("issued_date", "place"),
    needs=(HEADER, STAMP, "issuer", "parent_issuer"),
)
