"""extract_metadata: OCR pages -> Metadata fields, each with a confidence and a source.

The reading itself is done by the field readers of `digitize.metadata.readers`, in the
order `READERS` gives (their confidence policy is described there); this module runs
them and completes the result.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date

from digitize.metadata.readers import Reading, run
from digitize.records import METADATA_FIELDS, FieldValue, Metadata, PageOcr

log = logging.getLogger(__name__)

# Fields under this confidence go to a clerk for review.
REVIEW_THRESHOLD = 0.7


def extract_metadata(
    pages: Sequence[PageOcr], *, source_name: str | None = None, today: date | None = None
) -> Metadata:
    """Read the document-level metadata fields from a document's OCR pages.

    Every name in METADATA_FIELDS is present in the result. A field that could not be
    read is None with confidence 0; `parent_issuer` and `urgency` may be None with a
    positive confidence, meaning "read, and there is none". `source_name` (the file
    name) is only a low-confidence fallback for the number and symbol; `today` bounds
    the dates (default: the current date).
    """
    reading = Reading(pages, today or date.today(), source_name)
    run(reading)
    fields = reading.fields
    for name in METADATA_FIELDS:
        fields.setdefault(name, FieldValue(None, 0.0, reading.source()))  # type: ignore[arg-type]
    log.debug("metadata: %s", {k: (v.value, v.confidence) for k, v in fields.items()})
    return Metadata(fields={name: fields[name] for name in METADATA_FIELDS})
