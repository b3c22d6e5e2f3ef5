"""Documents archived with known metadata: a real tiny page, the extractor replaced."""

from __future__ import annotations

from typing import Any

import pytest

from digitize.records import METADATA_FIELDS, FieldValue, Metadata

from ..conftest import json_lines


def known_extractor(**values: str) -> Any:
    """An extractor that reads exactly `values` (0.95 each) off any page."""

    def extract(pages: Any, *, source_name: str | None = None, **kwargs: Any) -> Metadata:
        return Metadata({field: FieldValue(values.get(field), 0.95 if field in values else 0.0, "ocr")
                         for field in METADATA_FIELDS})

    return extract


def ingest_known(run: Any, page_pdf: Any, monkeypatch: pytest.MonkeyPatch, name: str, **values: str) -> int:
    """Ingest a one-page scan whose extractor reads exactly `values`; its document id."""
    monkeypatch.setattr("digitize.pipelines.second_look.extract_metadata", known_extractor(**values))
    scan = page_pdf(name, lines=["QUYẾT ĐỊNH", name])
    row = json_lines(run("ingest", scan, "--json", "--jobs", "1").stdout)[0]
    assert row["status"] == "ingested", row
    return int(row["id"])
