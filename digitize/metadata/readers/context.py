"""What every field reader works on: the pages, what has been read so far, shared rules.

A `Reading` holds one document's content pages, their segments, the document's own
spelling evidence, and the fields read so far; `FieldReader` declares one reader's
inputs (what must be read before it) and outputs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from digitize.metadata.agencies import initials
from digitize.metadata.caps import CapsEvidence, caps_words
from digitize.metadata.consensus import DocumentLexicon
from digitize.metadata.header import Header
from digitize.metadata.layout import Segment, looks_like_stamp, segments_of
from digitize.metadata.phrases import ADMIN_PHRASES
from digitize.metadata.stamps import StampTime
from digitize.metadata.tables import PROVINCES
from digitize.records import FieldValue, PageOcr, Word

# Ceiling for values completed by convention rather than read (kept under review).
INFERRED = 0.45
# Multiplier when marks were restored by picking one of two equally likely spellings.
COIN_TOSS = 0.75
# Multipliers: a text that needed mark repairs, and per word the document spells otherwise.
REPAIRED = 0.9
DOUBTFUL = 0.7
# The input a reader may need besides fields: the header found on the first page, and
# the signing stamp's time.
HEADER = "header"
STAMP = "stamp"


class Reading:
    """One document's pages and what has been read off them so far."""

    def __init__(self, pages: Sequence[PageOcr], today: date, source_name: str | None = None) -> None:
        self.pages = content_pages(pages)
        self.all_pages = list(pages)
        self.today = today
        self.source_name = source_name
        self.segs = {p.number: segments_of(p) for p in self.pages}
        self.lexicon = DocumentLexicon(
            (s.text for segs in self.segs.values() for s in segs if not looks_like_stamp(s)),
            known=PROVINCES,
            phrases=ADMIN_PHRASES,
        )
        self.caps_words = caps_words(
            s.text for segs in self.segs.values() for s in segs if not looks_like_stamp(s)
        )
        self.evidence = CapsEvidence(self.caps_words, self.lexicon.pairs)
        self.fields: dict[str, FieldValue] = {}
        self.header: Header | None = None
        self.stamp: StampTime | None = None

    def source(self) -> str:
        """Where the header's fields come from: "ocr" or "text-layer"."""
        if self.header is not None:
            return self.header.page.source if self.header.page.source != "none" else "ocr"
        return "ocr"

    def layer(self) -> bool:
        """True when the header page is a text layer (born-digital): no OCR doubt."""
        return self.source() == "text-layer"

    def agency_hints(self) -> tuple[str, ...]:
        """Issuer initials, then the abbreviations with Đ the document prints ("HĐND")."""
        names = [self.fields[k].value for k in ("issuer", "parent_issuer") if k in self.fields]
        printed = [w for w in self.caps_words if "Đ" in w and re.fullmatch(r"[A-ZĐ]{2,8}", w)]
        return tuple(initials(n) for n in names if n) + tuple(printed)


@dataclass(frozen=True, slots=True)
class FieldReader:
    """One field group's reader: the fields it fills (`provides`) and what must have been
    read before it (`needs`: field names, HEADER, STAMP). A reader that needs HEADER is
    skipped when the document has no header page."""

    name: str
    read: Callable[[Reading], None]
    provides: tuple[str, ...]
    needs: tuple[str, ...] = ()

    def ready(self, reading: Reading) -> bool:
        return HEADER not in self.needs or reading.header is not None


def field(value: str | None, conf: float, source: str) -> FieldValue:
    """A field value with its confidence clamped to 0..1 and rounded (0 when None)."""
    if value is None:
        return FieldValue(None, 0.0, source)  # type: ignore[arg-type]
    return FieldValue(value, round(max(0.0, min(conf, 1.0)), 3), source)  # type: ignore[arg-type]


def content_pages(pages: Sequence[PageOcr]) -> list[PageOcr]:
    return [p for p in pages if p.words and not p.blank]


def word_min(words: list[Word]) -> float:
    """The weakest word's tesseract confidence (text-layer words count as sure)."""
    return min((100.0 if w.conf < 0 else w.conf for w in words), default=0.0)


def min_conf(segs: Sequence[Segment]) -> float:
    confs = [c for s in segs for c in s.confs]
    return min(confs) if confs else 0.0
