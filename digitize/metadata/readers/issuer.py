"""The issuing agency and its parent, from the header's agency lines (capitals)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from digitize.metadata.agencies import drop_stray_dashes, group_agencies
from digitize.metadata.caps import CapsReading, clean_caps, known_caps, read_caps, speck, upper_caps_line
from digitize.metadata.layout import Segment, trust
from digitize.metadata.readers.context import (
    COIN_TOSS,
    HEADER,
    REPAIRED,
    FieldReader,
    Reading,
    field,
    word_min,
)
from digitize.metadata.text import implausible_words
from digitize.records import FieldValue

# A text layer's agency name; an OCR'd one, times how well its words were read.
LAYER = 0.97
PRINTED = 0.92
# Multiplier for a name with caps words that are no header word and look damaged.
DAMAGED_WORDS = 0.6
# More mark repairs than this on one name: a multiplier for each such name.
QUIET_REPAIRS = 2
MANY_REPAIRS = 0.95
# The parent agency line is read like the issuer's, a little less surely placed.
PARENT = 0.95


def read_issuer(r: Reading) -> None:
    assert r.header is not None
    lines = r.header.agency_lines
    if not lines:
        return
    src = r.source()
    readings = [read_caps(upper_caps_line(clean_caps(s.text)), r.evidence) for s in lines]
    names = [_agency_name(r, lines, readings, unit) for unit in group_agencies([x.text for x in readings])]
    if not names:
        return
    issuer, conf = names[-1]
    r.fields["issuer"] = field(issuer, conf, src)
    parent = names[-2] if len(names) > 1 else (None, conf)
    r.fields["parent_issuer"] = FieldValue(parent[0], round(min(parent[1], 1.0) * PARENT, 3), src)  # type: ignore[arg-type]


def _agency_name(
    r: Reading, lines: list[Segment], readings: list[CapsReading], unit: list[int]
) -> tuple[str, float]:
    """One agency name made of the lines `unit`, and its confidence."""
    tokens = [t for i in unit for t in readings[i].tokens]
    covered = [c for i in unit for c in readings[i].covered]
    tokens, covered = drop_stray_dashes(tokens, covered)
    tokens, respelled = r.lexicon.repair_caps(tokens, covered)
    text = " ".join(tokens)
    known = all(readings[i].unknown == 0 for i in unit)  # every word a known phrase
    ocr_trust = 1.0 if known else trust(_letters_min_conf([lines[i] for i in unit]))
    conf = LAYER if r.layer() else PRINTED * ocr_trust
    if any(readings[i].ambiguous for i in unit):
        conf *= COIN_TOSS  # "UY" could be printed ỦY or UỶ
    conf *= _caps_doubt(text)
    if sum(readings[i].changed for i in unit) + respelled > QUIET_REPAIRS:
        conf *= MANY_REPAIRS
    if respelled:
        conf *= REPAIRED
    return text, conf


def _letters_min_conf(segs: Sequence[Segment]) -> float:
    """The weakest word that holds a letter or digit: a speck or quote OCR read beside a
    line ("HUYỆN LAM HÀ '") is trimmed off its text and says nothing about its words."""
    return word_min([w for s in segs for w in s.words if not speck(w.text)])


def _caps_doubt(text: str) -> float:
    """Lower trust for caps words that are no known header word and look damaged."""
    bad = [w for w in re.findall(r"[^\W\d_]+", text) if len(w) > 4 and not known_caps(w)]
    bad = [w for w in bad if implausible_words(w.lower())]
    return DAMAGED_WORDS if bad else 1.0


ISSUER_READER = FieldReader("issuer", read_issuer, provides=("issuer", "parent_issuer"), needs=(HEADER,))
