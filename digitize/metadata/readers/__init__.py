"""The field readers, and the one order they run in.

Each reader fills one field group from a `Reading` (the pages and what has been read
so far) and declares what it needs read first: the issuer comes before the number
(its initials repair the symbol), the number before the type (the symbol's code checks
the heading), the stamp before the date (a handwritten day is rebuilt from the signing
day). `READERS` is that order; `check_order` proves it satisfies every reader's needs.

Confidence policy: a field starts from how sure the layout reading is (the right
region, a pattern that parsed, a table that validated it) and is multiplied down by
the OCR evidence (tesseract word confidence, implausible syllables, repairs that were
needed). A value rebuilt from damaged characters never scores above 0.45, so it lands
under the 0.7 review threshold; text-layer pages (born-digital PDFs) score high. Each
reader names its own numbers beside it; the ones several share live in `context`.
"""

from __future__ import annotations

from collections.abc import Sequence

from digitize.metadata.readers.context import FieldReader, Reading
from digitize.metadata.readers.date import DATE_READER
from digitize.metadata.readers.doc_type import DOC_TYPE_READER
from digitize.metadata.readers.header import HEADER_READER
from digitize.metadata.readers.issuer import ISSUER_READER
from digitize.metadata.readers.number import FILENAME_READER, NUMBER_READER
from digitize.metadata.readers.signer import SIGNER_READER
from digitize.metadata.readers.stamp import STAMP_READER
from digitize.metadata.readers.urgency import LANGUAGE_READER, URGENCY_READER

READERS: tuple[FieldReader, ...] = (
    STAMP_READER,
    HEADER_READER,
    ISSUER_READER,
    NUMBER_READER,
    DATE_READER,
    DOC_TYPE_READER,
    URGENCY_READER,
    LANGUAGE_READER,
    SIGNER_READER,
    FILENAME_READER,
)


def check_order(readers: Sequence[FieldReader]) -> None:
    """Raise ValueError when a reader needs something no earlier reader provides."""
    done: set[str] = set()
    for reader in readers:
        missing = [n for n in reader.needs if n not in done]
        if missing:
            raise ValueError(f"reader {reader.name!r} runs before {', '.join(missing)} is read")
        done.update(reader.provides)


def run(reading: Reading, readers: Sequence[FieldReader] = READERS) -> None:
    """Run the readers in order; one that needs the header is skipped when there is none."""
    for reader in readers:
        if reader.ready(reading):
            reader.read(reading)


check_order(READERS)

__all__ = ["READERS", "FieldReader", "Reading", "check_order", "run"]
