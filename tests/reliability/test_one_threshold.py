"""Issue 11 item 3: one review threshold. The `review_threshold` setting decides both what
review flags and what gets a second look: with the setting at 0.8, a signer read at 0.75
is flagged and its block is read again (before, only fields under extract's 0.7 were)."""

from __future__ import annotations

import json

import pytest

from digitize.metadata.regions import header_second_look, restore_marks
from digitize.records import METADATA_FIELDS, FieldValue, Metadata, Word

from ..conftest import json_lines

pytestmark = pytest.mark.slow


def _extractor(pages, *, source_name=None, **kwargs):
    """Every field read surely (0.95), but the signer at 0.75: between 0.7 and 0.8."""
    return Metadata({name: FieldValue("Trần Văn Thanh" if name == "signer" else "x",
                                      0.75 if name == "signer" else 0.95, "ocr")
                     for name in METADATA_FIELDS})


def _looks(home) -> list[str]:
    (ocr_json,) = (home / "store").rglob("ocr/*.json")
    return [r["reason"] for r in json.loads(ocr_json.read_text("utf-8"))["rereads"]]


@pytest.mark.parametrize(("threshold", "looked"), [(0.8, True), (0.7, False)])
def test_a_field_the_setting_flags_gets_a_second_look(run, home, page_pdf, monkeypatch, threshold, looked):
    (home / "digitize.toml").write_text(f"review_threshold = {threshold}\nsecond_reader = false\n", "utf-8")
    monkeypatch.setattr("digitize.pipelines.second_look.extract_metadata", _extractor)
    (row,) = json_lines(run("ingest", page_pdf("qd.pdf", dpi=150), "--json", "--jobs", "1").stdout)
    assert row["status"] == "ingested", row
    assert ("signer" in row["needs_review"]) is looked
    assert ("signer" in _looks(home)) is looked


def test_the_second_readers_suggestions_follow_the_threshold():
    """A reading between the default 0.7 and the setting is doubtful too: the second
    reader's number and the signer's marks may replace it."""
    def meta(**values):
        return Metadata({name: FieldValue(*values.get(name, (None, 0.0)), "ocr") for name in METADATA_FIELDS})

    first = meta(number=("16", 0.75), symbol=("QĐ-UBND", 0.9), number_symbol=("16/QĐ-UBND", 0.75))
    other = meta(number=("15", 0.78), symbol=("QĐ-UBND", 0.9), number_symbol=("15/QĐ-UBND", 0.78))
    assert header_second_look(first, other) == first
    assert header_second_look(first, other, threshold=0.8).value("number_symbol") == "15/QĐ-UBND"
    doubtful = meta(signer=("Trần Văn Thanh", 0.75))
    names = ["Trần", "Văn", "Thành"]
    words = [Word(text, 100 * i, 50, 90, 40, 95.0, 1, 1, 1) for i, text in enumerate(names)]
    assert restore_marks(doubtful, words) == doubtful
    assert restore_marks(doubtful, words, threshold=0.8).value("signer") == "Trần Văn Thành"
