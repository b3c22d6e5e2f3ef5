"""Read a Vietnamese administrative document's metadata off its OCR (Nghị định 30/2020).

Pure Python: consumes `digitize.records.PageOcr` pages and returns `Metadata`, each
field with a value, a confidence 0..1 and its source. No OCR, storage or DB imports.

- `extract_metadata(pages)`: the fields of METADATA_FIELDS.
- `regions_for_second_look(pages, meta)` / `splice_words` / `best_of`: an optional second OCR
  pass on the boxes the first reading could not read well (the signer block, the band
  where a framed urgency mark may sit); `header_second_look`: the number and the date from a
  second reader of the header band (handwriting), kept under the review threshold;
  `restore_marks`: the signer's name with the marks the second reader saw.
- `fold`, `nfc`, `normalise_ocr`, `similarity`: text helpers shared with search.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

# Names are loaded on first use (PEP 562), so that `digitize.metadata.text` (the text
# helpers search uses) does not pull the extractor in: commands that read no page start at once.
_HOME = {
    "REVIEW_THRESHOLD": "extract", "extract_metadata": "extract",
    "Region": "regions", "best_of": "regions", "confirmable_fields": "regions",
    "regions_for_second_look": "regions",
    "restore_marks": "regions", "header_second_look": "regions", "splice_words": "regions",
    "fold": "text", "nfc": "text", "normalise_ocr": "text", "similarity": "text",
}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{_HOME[name]}"), name)
    globals()[name] = value
    return value


__all__ = [
    "REVIEW_THRESHOLD",
    "Region",
    "best_of",
    "confirmable_fields",
    "extract_metadata",
    "fold",
    "header_second_look",
    "nfc",
    "normalise_ocr",
    "regions_for_second_look",
    "restore_marks",
    "similarity",
    "splice_words",
]
