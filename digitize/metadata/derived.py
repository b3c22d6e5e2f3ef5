"""Fields derived from another field: the one rule edit, review and reindex all follow.

`number` and `symbol` are the two halves of `number_symbol` (Phụ lục VI keeps them as
CodeNumber and CodeNotation). When a clerk corrects `number_symbol`, the halves must
follow it, or `search --number 01` misses the document the clerk just fixed and the
CSV export contradicts itself. (The issue date has no derived column: the year is read
off the ISO date by the queries.)
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from digitize.fields import DERIVED as DERIVED
from digitize.metadata.text import nfc
from digitize.records import FieldValue, Metadata

# "01/TTr-UBND", "30/2020/NĐ-CP" (the year belongs to the symbol), Party "01-NQ/TU"
_SLASHED = re.compile(r"(?P<num>\d+[a-zA-Z]?)\s*/\s*(?P<sym>.+)")
_PARTY = re.compile(r"(?P<num>\d+[a-zA-Z]?)\s*-\s*(?P<sym>[^\W\d_]+/.+)")
_SO_PREFIX = re.compile(r"^(?:số|so)\s*:?\s*", re.IGNORECASE)


def derive(field: str, value: str | None) -> dict[str, str | None]:
    """The values of the fields derived from `field` when it holds `value` ({} if none)."""
    if field == "number_symbol":
        number, symbol = split_number_symbol(value)
        return {"number": number, "symbol": symbol}
    return {}


def split_number_symbol(value: str | None) -> tuple[str | None, str | None]:
    """"01/TTr-UBND" -> ("01", "TTr-UBND"); a value without a number is all symbol.

    A clerk's typing is taken as it is (no look-alike repairs, leading zeros kept), so
    the halves always put back together into what was typed.
    """
    if not value:
        return None, None
    text = _SO_PREFIX.sub("", nfc(value).strip()).strip()
    m = _PARTY.fullmatch(text) or _SLASHED.fullmatch(text)
    if m is None:
        return None, text.strip(" /") or None
    return m.group("num"), m.group("sym").strip() or None


def follow_manual(metadata: Metadata, manual: Mapping[str, str | None]) -> Metadata:
    """`metadata` (a fresh reading) with the fields derived from a clerk's value set from it.

    `manual` holds the fields a clerk set, by name. A re-extraction must not put back the
    number the OCR read beside the number_symbol the clerk corrected.
    """
    fields = dict(metadata.fields)
    for source, value in manual.items():
        for name, derived in derive(source, value).items():
            if name not in manual:
                fields[name] = FieldValue(derived, 1.0, "manual")
    return Metadata(fields)
