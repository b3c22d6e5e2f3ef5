"""Digital-signature stamps: "Ký bởi: ... Thời gian ký: 06/02/2025 16:02:02" and the
Công báo overlay "07.02.2025 08:51:04 +07:00".

A scan that was signed digitally carries such a stamp in its text layer (exact) and in
its OCR (noisy). The signing time is a second source for the date and a bound on it:
a document is issued on or before the day it is signed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from digitize.metadata.text import fold, normalise_ocr

VN_TZ = timezone(timedelta(hours=7))

_DATETIME = re.compile(
    r"(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>\d{4})[\s,]+"
    r"(?P<H>\d{1,2})\s*:\s*(?P<M>\d{2})(?:\s*:\s*(?P<S>\d{2}))?"
    r"(?:\s*(?P<tz>[+-]\s*\d{2}\s*:?\s*\d{2}))?"
)


@dataclass(slots=True, frozen=True)
class StampTime:
    """One signing time found in a stamp."""

    at: datetime
    signer_time: bool  # "Thời gian ký" (the signer) rather than a publication overlay
    from_layer: bool  # read from the PDF's text layer (exact) rather than OCR


def _tz(raw: str | None) -> timezone:
    if not raw:
        return VN_TZ
    digits = re.sub(r"[^\d+-]", "", raw)
    sign = -1 if digits.startswith("-") else 1
    hours, minutes = int(digits[1:3]), int(digits[3:5] or 0)
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _to_datetime(m: re.Match[str]) -> datetime | None:
    try:
        return datetime(
            int(m["y"]), int(m["m"]), int(m["d"]), int(m["H"]), int(m["M"]), int(m["S"] or 0),
            tzinfo=_tz(m["tz"]),
        )  # fmt: skip
    except ValueError:
        return None


def find_stamp_times(text: str, *, from_layer: bool, today: date) -> list[StampTime]:
    """All plausible signing times in `text` (a text layer or OCR'd stamp lines)."""
    text = normalise_ocr(text)
    folded = fold(text)
    found: list[StampTime] = []
    for m in _DATETIME.finditer(text):
        at = _to_datetime(m)
        if at is None or not (at.year >= 1990) or at.date() > today + timedelta(days=1):
            continue
        before = folded[max(0, m.start() - 40) : m.start()]
        signer = "thoi gian ky" in before or "ngay ky" in before
        found.append(StampTime(at, signer, from_layer))
    return found


def best_stamp_time(times: list[StampTime]) -> StampTime | None:
    """The signer's time: prefer "Thời gian ký", then the text layer, then the earliest."""
    if not times:
        return None
    return min(times, key=lambda t: (not t.signer_time, not t.from_layer, t.at))


# --- received and publication stamps -----------------------------------------------------

# What a "ĐẾN" (received) or Công báo stamp says, folded: its heading words in capitals
# ("CÔNG VĂN ĐẾN", "TRUNG TÂM CÔNG BÁO", "ĐẾN Số: ... Ngày: ... Chuyển: ...") and its
# form fields. OCR mangles the letters ("FRUNG TÊM-CÔNG BẢO"), so the match is loose.
_STAMP_HEAD = re.compile(r"(?:\b\w{0,2}rung\W*t\w{1,2}m\W*)?\bcong\W*ba\w?o\b|\bcong\W*van\W*den\b")
_STAMP_FORM = re.compile(r"\b(?:chuyen|luu\W*ho\W*so|so\W*den)\W*:")


def stamp_line(text: str) -> bool:
    """Is this OCR line (or segment) a received or publication stamp's words?"""
    folded = fold(normalise_ocr(text))
    upper = [w for w in text.split() if any(c.isalpha() for c in w)]
    caps = bool(upper) and sum(w.isupper() for w in upper) / len(upper) >= 0.5
    if _STAMP_FORM.search(folded):
        return True
    return bool(caps and (_STAMP_HEAD.search(folded) or re.fullmatch(r"\W*den\W*", folded)))


def strip_stamp_words(text: str) -> str:
    """`text` without a stamp's heading glued before it ("[-FRUNG TÊM-CÔNG BẢO Về việc
    ..." -> "Về việc ..."): the stamp's words up to the end of its capitals go."""
    folded = fold(text)
    m = _STAMP_HEAD.search(folded)
    if m is None:
        return text
    head = text[: m.end()]
    if sum(c.isupper() for c in head) < 0.5 * sum(c.isalpha() for c in head):
        return text  # "công báo" in running lower-case text: a word of the abstract
    return text[m.end():].lstrip(" -–—:;.,|[]()")
