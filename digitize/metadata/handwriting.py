"""Is a number or a day written by hand? The layout tells, not tesseract's confidence.

Tesseract reads handwritten digits with a high word confidence as often as not (01 -> 07,
08 -> 68, 11 -> 44 on held-out real scans, all scored over 90), so its score cannot say
when to trust one. The template can: the office prints "Số:        /UBND-VP" and
"ngày    tháng 7 năm 2020" with a blank that the clerk fills in with a pen, so a
handwritten number or day sits in a gap far wider than itself, or stands taller or
shorter than the printed digits beside it. Such a reading stays under the review
threshold unless a second, independent reader gives the same digits
(`digitize.metadata.regions.header_second_look`).
"""

from __future__ import annotations

from statistics import median

from digitize.records import Word

# Height of the digits against the printed words of the same line: outside this band,
# another hand (or pen) wrote them.
HEIGHT_BAND = (0.78, 1.3)
# A blank this many line heights wider than the digits in it was left for a pen (two
# printed spaces are about 0.6).
BLANK_LEFT = 1.2
# Ceiling for a number or day that looks handwritten and has only one reading.
UNCONFIRMED_HANDWRITING = 0.62


def looks_handwritten(
    digits: list[Word], printed: list[Word], before: Word | None = None, after: Word | None = None
) -> bool:
    """True when `digits` (the number's or the day's words) look written into a printed
    template: unlike `printed` in height, or alone in a wide blank between `before`
    and `after` (the words "Số:" and "/...", or "ngày" and "tháng")."""
    digits = [w for w in digits if any(c.isdigit() for c in w.text)]
    printed = [w for w in printed if w.height > 0 and w not in digits]
    if not digits or not printed:
        return False
    ref = median(w.height for w in printed)
    tall = max(w.height for w in digits) / ref
    if not HEIGHT_BAND[0] <= tall <= HEIGHT_BAND[1]:
        return True
    if before is not None and after is not None and after.left > before.left + before.width:
        blank = after.left - (before.left + before.width)
        used = sum(w.width for w in digits)
        return blank - used > BLANK_LEFT * ref
    return False
