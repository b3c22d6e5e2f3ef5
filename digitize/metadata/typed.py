"""Values a clerk types (in `edit` or `review`), checked and stored in one form.

OCR readings go through the header readers; a clerk's typing is trusted but not free:
a date is stored as an ISO date whatever way it was typed, because the --from/--to
filters and the per-year counts compare ISO strings.
"""

from __future__ import annotations

import re
from datetime import date

from digitize.fields import DATE_FIELDS as DATE_FIELDS
from digitize.metadata.text import fold


class TypedValueError(ValueError):
    """A typed value that cannot be stored (the message says why, in one line)."""


EARLIEST_YEAR = 1900  # older papers are not administrative documents of this archive

_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_DAY_FIRST = re.compile(r"(?:ngay\s*)?(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{2,4})")
# "Hà Nội, ngày 05 tháng 3 năm 2020", marks optional (folded first); the place is ignored
_WORDS = re.compile(r"(?:^|.*?[\s,])ngay\s*(\d{1,2})\s*[,.]?\s*thang\s*(\d{1,2})"
                    r"(?:\s*[,.]?\s*nam\s*(\d{2,4}))?\s*\.?")
_FORMS = "dd/mm/yyyy, yyyy-mm-dd or \"ngày 6 tháng 1 năm 2020\""


def typed_value(field: str, value: str) -> str:
    """The stored form of what a clerk typed for `field` (dates become ISO)."""
    if field in DATE_FIELDS:
        return parse_typed_date(value).isoformat()
    return value


def parse_typed_date(text: str, *, today: date | None = None) -> date:
    """A date as a clerk types it: 31/05/2019, 6/1/2020, 2019-05-31, "ngày 6 tháng 1 năm 2020".

    Raises TypedValueError for anything else, an impossible day (30/02) or a date after
    today, rather than store text the date filters would never find.
    """
    today = today or date.today()
    raw = " ".join(text.split())
    key = fold(raw)
    if m := _ISO.fullmatch(key):
        year, month, day = m.group(1), m.group(2), m.group(3)
    elif m := _DAY_FIRST.fullmatch(key):
        day, month, year = m.group(1), m.group(2), m.group(3)
    elif m := _WORDS.fullmatch(key):
        day, month, year = m.group(1), m.group(2), m.group(3) or ""
    else:
        raise TypedValueError(f"{raw!r} is not a date: type it as {_FORMS}")
    if not year:
        raise TypedValueError(f"{raw!r} has no year: e.g. ngày {day} tháng {month} năm 2020")
    if len(year) != 4:
        raise TypedValueError(f"{raw!r}: give the year in full (4 digits), e.g. {day}/{month}/2020")
    return _checked(raw, int(year), int(month), int(day), today)


def _checked(raw: str, year: int, month: int, day: int, today: date) -> date:
    if not 1 <= month <= 12:
        raise TypedValueError(f"{raw!r}: there is no month {month}")
    try:
        value = date(year, month, day)
    except ValueError:
        raise TypedValueError(f"{raw!r}: month {month} of {year} has no day {day}") from None
    if year < EARLIEST_YEAR:
        raise TypedValueError(f"{raw!r}: the year {year} is before {EARLIEST_YEAR}")
    if value > today:
        raise TypedValueError(f"{raw!r}: {value.isoformat()} is after today")
    return value
