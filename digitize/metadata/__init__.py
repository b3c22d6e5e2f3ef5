"""Read a Vietnamese administrative document's metadata off its OCR (Nghị định 30/2020).

Pure Python: consumes `digitize.records.PageOcr` pages and returns `Metadata`, each
field with a value, a confidence 0..1 and its source. No OCR, storage or DB imports.

- `extract_metadata(pages)`: the fields of METADATA_FIELDS.
- `regions_to_reread(pages, meta)` / `splice_words` / `best_of`: an optional second OCR
  pass on the boxes the first reading could not read well (the signer block, the band
  where a framed urgency mark may sit); `second_opinion`: the number and the date from a
  second reader of the header band (handwriting), kept under the review threshold;
  `restore_marks`: the signer's name with the marks the second reader saw.
- `fold`, `nfc`, `normalise_ocr`, `similarity`: text helpers shared with search.
"""

from __future__ import annotations

from digitize.metadata.extract import REVIEW_THRESHOLD, extract_metadata
from digitize.metadata.regions import (
    Region,
    best_of,
    regions_to_reread,
    restore_marks,
    second_opinion,
    splice_words,
)
from digitize.metadata.text import fold, nfc, normalise_ocr, similarity

__all__ = [
    "REVIEW_THRESHOLD",
    "Region",
    "best_of",
    "extract_metadata",
    "fold",
    "nfc",
    "normalise_ocr",
    "regions_to_reread",
    "restore_marks",
    "second_opinion",
    "similarity",
    "splice_words",
]
