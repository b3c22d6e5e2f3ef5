"""The header's place-date line: split into its parts, the place restored, the issue
date checked against the calendar, today and the signing stamp.

Handwritten days are common; tesseract turns "23" into "@3" or drops it. Digits that
survive are reconciled with the signing stamp (a document is issued on or before the
day it is signed, usually the same day or the day before) and the result keeps a low
confidence so that a clerk reviews it. With no digit at all the date stays None.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from digitize.metadata.handwriting import UNCONFIRMED_HANDWRITING, looks_handwritten
from digitize.metadata.layout import WEAK_CONF, Segment, trust
from digitize.metadata.number_symbol import read_number
from digitize.metadata.stamps import StampTime
from digitize.metadata.tables import PROVINCES
from digitize.metadata.text import fold, normalise_ocr, squash_spaces
from digitize.records import Word

# Nghị định 30/2020 (in force 05/03/2020) prints days below 10 with a leading zero.
ZERO_PADDED_SINCE = date(2020, 3, 5)
# Confidence ceilings for the weak cases.
REBUILT_DAY = 0.4
CONFLICT = 0.3
# The word "tháng" unreadable: the numbers around it may be misplaced too.
DAMAGED_LINE = 0.6


# --- the line as printed --------------------------------------------------------------

# Words glued to the digits before them ("26thang 7 nam 2020", "thang7nam"): a word
# starts at a boundary or right after a digit.
_DATE_LINE = re.compile(
    r"^(?P<place>.*?)[\s,.;]*\b(?:ngay|ngy|ngav|ngoy)(?!en)(?P<day>.*?)"
    r"(?:\b|(?<=\d))(?:thang|thing|thong|thcing|thanq|thaug|tbang)(?P<month>.*?)"
    r"(?:\b|(?<=\d))(?:nam|narn|nim|nom|n\wm)\s*(?P<year>\S*)\s*$"
)


# The same line when OCR garbled the word "tháng" beyond the spellings above ("ngày 04
# Tin 9 nam 2021"): only with clean numbers on both sides of the one damaged word.
_DATE_LINE_LOOSE = re.compile(
    r"^(?P<place>.*?)[\s,.;]*\b(?:ngay|ngy|ngav|ngoy)(?!en)\s*(?P<day>\d{1,2})"
    r"\s+[^\W\d_]{1,6}\s+(?P<month>\d{1,2})"
    r"\s+(?:nam|narn|nim|nom|n\wm)\s*(?P<year>\d{4})\s*$"
)


@dataclass(slots=True, frozen=True)
class DateLine:
    """The parts of "<place>, ngày DD tháng MM năm YYYY" as printed (day may be junk);
    `damaged` when the word "tháng" was unreadable."""

    place: str
    day_raw: str
    month_raw: str
    year_raw: str
    damaged: bool = False


def split_date_line(text: str) -> DateLine | None:
    """Split a place-date line into its raw parts; None when it is not one."""
    text = normalise_ocr(squash_spaces(text))
    m = _DATE_LINE.match(fold(text))
    damaged = m is None
    if m is None:
        m = _DATE_LINE_LOOSE.match(fold(text))
    if not m:
        return None
    place = text[: m.end("place")].strip(" ,.;:-")
    return DateLine(
        place=place,
        day_raw=text[m.start("day") : m.end("day")].strip(),
        month_raw=text[m.start("month") : m.end("month")].strip(),
        year_raw=text[m.start("year") : m.end("year")].strip(),
        damaged=damaged,
    )


def read_int(raw: str, lo: int, hi: int) -> tuple[int | None, bool]:
    """An integer in [lo, hi] from an OCR token; (value, clean) where clean = no repair."""
    token = re.sub(r"[\s.,;:]+", "", raw)
    if token.isdigit():
        value = int(token)
        return (value, True) if lo <= value <= hi else (None, False)
    value_s, _ = read_number(token)
    if value_s and len(value_s) <= len(str(hi)):
        value = int(value_s)
        return (value, False) if lo <= value <= hi else (None, False)
    return None, False


def valid_date(year: int, month: int, day: int) -> date | None:
    """A real calendar date or None."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def format_date_line(place: str, d: date, *, leading_zero: bool = True) -> str:
    """Print a header date line the way Nghị định 30 does (used by tests)."""
    day = f"{d.day:02d}" if leading_zero else str(d.day)
    month = f"{d.month:02d}" if leading_zero and d.month <= 2 else str(d.month)
    return f"{place}, ngày {day} tháng {month} năm {d.year}"


def canonical_place(place: str) -> tuple[str, bool]:
    """Restore a known place name's marks ("Quang Ngai" -> "Quảng Ngãi"); (value, known)."""
    tokens = squash_spaces(place).split()
    while tokens and not any(c.isalnum() and not unicodedata.category(c).startswith("Lm") for c in tokens[0]):
        tokens.pop(0)  # "ˆ Hà Nội": a speck read as a modifier letter
    place = " ".join(tokens).strip(" ,.;:")
    for name in PROVINCES:
        if fold(name) == fold(place):
            if place == name or place.replace("oà", "òa").replace("oá", "óa") == name:
                return place, True
            return name, True
    return place, False


# --- the issue date ------------------------------------------------------------------


@dataclass(slots=True, frozen=True)
class DateReading:
    """What the place-date line gave: the date (or None), how sure, and the place."""

    value: date | None
    confidence: float
    clean: bool
    place: str
    place_conf: float


def _part_words(seg: Segment) -> dict[str, list[Word]]:
    """Words of the line by part: place, day, month, year (keywords glue to their part)."""
    parts: dict[str, list[Word]] = {"place": [], "day": [], "month": [], "year": []}
    state = "place"
    for w in seg.words:
        key = fold(w.text)
        if state == "place" and re.match(r"^ng\w?[ay]", key) and not key.startswith("ngai"):
            state = "day"
            if len(key) > 4:
                parts["day"].append(w)
            continue
        if state == "day" and key.startswith(("th", "tb")):
            state = "month"
            continue
        if (
            state == "day"
            and not re.search(r"\d", key)
            and any(re.search(r"\d", x.text) for x in parts["day"])
        ):
            state = "month"  # a garbled "tháng" after the day's digits ("04 Tin 9")
            continue
        if state == "month" and re.match(r"^n\w?m$", key):
            state = "year"
            continue
        parts[state].append(w)
    return parts


def _debris(text: str) -> bool:
    """No digit and no real letter: a speck ("ˆ", "|") read off the paper."""
    return not any(c.isdigit() or unicodedata.category(c) in ("Lu", "Ll") for c in text)


def _conf(words: list[Word]) -> float:
    return min((100.0 if w.conf < 0 else w.conf for w in words), default=0.0)


def day_candidates(raw: str) -> list[int]:
    """Days a damaged day token may stand for ("@3" -> 3, 13, 23; "3/4" -> 31, 14, 3, 4)."""
    digits, _ = read_number(raw.replace("/", "1"))
    if not digits:
        return []
    options: set[int] = set()
    if len(digits) == 1:
        options |= {int(digits), int("1" + digits), int("2" + digits), int("3" + digits)}
    else:
        options |= {int(digits[i : i + 2]) for i in range(len(digits) - 1)}
        options |= {int(d) for d in digits}
    return sorted(d for d in options if 1 <= d <= 31)


def _rebuild_day(raw: str, month: int, year: int, stamp: StampTime | None) -> date | None:
    """The candidate day closest before the signing date, or None without a stamp."""
    if stamp is None:
        return None
    signed = stamp.at.date()
    dates = [valid_date(year, month, d) for d in day_candidates(raw)]
    before = [d for d in dates if d is not None and d <= signed and (signed - d).days <= 31]
    return max(before) if before else None


def read_date_segment(seg: Segment, stamp: StampTime | None, today: date) -> DateReading | None:
    """Read the place and the issue date from the header's place-date segment."""
    line = split_date_line(seg.text)
    if line is None:
        return None
    parts = _part_words(seg)
    place_words = [w for w in parts["place"] if not _debris(w.text)]
    place_conf = _conf(place_words) if place_words else 0.0
    year, y_clean = read_int(line.year_raw, 1945, today.year)
    month, m_clean = read_int(line.month_raw, 1, 12)
    if year is None or month is None:
        return DateReading(None, 0.0, False, line.place, place_conf)
    day, d_clean = read_int(line.day_raw, 1, 31)
    day_conf = _conf(parts["day"])
    value = valid_date(year, month, day) if day else None
    clean = bool(value) and d_clean and m_clean and y_clean and day_conf >= WEAK_CONF
    if value is None or not d_clean:
        value = _rebuild_day(line.day_raw, month, year, stamp) if line.day_raw else None
        conf = REBUILT_DAY if value else 0.0
    else:
        conf = 0.95 * trust(min(day_conf, _conf(parts["month"]), _conf(parts["year"])))
        if day_conf < 90:
            conf = min(conf, 0.6)  # digits under 90 are often handwritten and misread
        if len(line.day_raw) == 1 and value >= ZERO_PADDED_SINCE:
            conf = min(conf, 0.5)  # since 2020 days below 10 print as "05": a digit is missing
        if line.damaged:
            conf = min(conf, DAMAGED_LINE)
        if _day_handwritten(seg, parts):
            conf = min(conf, UNCONFIRMED_HANDWRITING)  # one reading of a pen's digits
    return DateReading(value, _check(value, conf, stamp, today), clean, line.place, place_conf)


def _day_handwritten(seg: Segment, parts: dict[str, list[Word]]) -> bool:
    """Does the day look written by hand into "ngày    tháng"? Judged against the printed
    month and year, in the blank between the words around it."""
    day = parts["day"]
    if not day:
        return False
    words = list(seg.words)
    first, last = words.index(day[0]), words.index(day[-1])
    before = words[first - 1] if first > 0 else None
    after = words[last + 1] if last + 1 < len(words) else None
    return looks_handwritten(day, parts["month"] + parts["year"], before, after)


def _check(value: date | None, conf: float, stamp: StampTime | None, today: date) -> float:
    """Lower the confidence of a date that is in the future or after the signing."""
    if value is None:
        return 0.0
    if value > today:
        return min(conf, CONFLICT)
    if stamp is not None:
        signed = stamp.at.date()
        if value > signed:
            return min(conf, CONFLICT)
        if (signed - value).days > 60:
            return conf * 0.8
    return conf
