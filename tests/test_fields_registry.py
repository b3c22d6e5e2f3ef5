"""Issue 11 items 2 and 5: one registry of metadata fields (digitize/fields.py) that the
database, review, export and search read, and `edit --field` a choice of its names (a
usage error, 2, listing them)."""

from __future__ import annotations

import csv
import io
import re

import pytest

from digitize import fields
from digitize.db import repository
from digitize.db.models import Document
from digitize.errors import ExitCode
from digitize.metadata.derived import derive
from digitize.metadata.typed import typed_value
from digitize.pipelines.archive.contract import PIPELINE_VERSION
from digitize.pipelines.catalog import _REVIEW_NAMES, CSV_COLUMNS
from digitize.records import METADATA_FIELDS

from .conftest import json_lines
from .reliability.known import ingest_known

# The document's own columns: what the archive keeps about the file, not read off the page.
BOOKKEEPING = {
    "id", "sha256", "source_name", "source_path", "kind", "size_bytes", "page_count", "original_key",
    "pdf_key", "ocr_key", "pdf_sha256", "ocr_sha256", "ocr_lang", "pipeline_version", "created_at",
    "updated_at", "field_meta", "needs_review",
}

# The export's headers as clerks' spreadsheets and other archive software know them: a
# field added to the registry may add a column, never change one of these.
PHU_LUC_VI_HEADERS = [
    ("id", "Mã định danh (Id)"),
    ("number", "Số của văn bản (CodeNumber)"),
    ("symbol", "Ký hiệu của văn bản (CodeNotation)"),
    ("number_symbol", "Số và ký hiệu"),
    ("issued_date", "Ngày, tháng, năm văn bản (IssuedDate)"),
    ("doc_type", "Tên loại văn bản (TypeName)"),
    ("issuer", "Tên cơ quan, tổ chức ban hành văn bản (OrganName)"),
    ("parent_issuer", "Tên cơ quan chủ quản"),
    ("abstract", "Trích yếu nội dung (Subject)"),
    ("language", "Ngôn ngữ (Language)"),
    ("page_count", "Số trang (PageAmount)"),
    ("signer_title", "Chức vụ người ký (Position)"),
    ("signer", "Họ tên người ký (FullName)"),
    ("urgency", "Mức độ khẩn (Priority)"),
    ("place", "Địa danh"),
    ("signed_at", "Thời gian ký số"),
    ("source_name", "Tệp gốc"),
    ("sha256", "SHA-256"),
    ("needs_review", "Cần kiểm tra"),
]


def test_the_registry_is_the_list_every_layer_uses():
    assert METADATA_FIELDS == fields.NAMES and len(set(fields.NAMES)) == len(fields.FIELDS)
    assert all(fields.field(name).name == name for name in fields.NAMES)
    with pytest.raises(KeyError):
        fields.field("colour")
    assert repository.FOLDED_FIELDS == fields.FOLDED_FIELDS
    for group in (fields.SEARCH_META, fields.SEARCH_ISSUER, fields.FOLDED_FIELDS, fields.OBJECT_FIELDS,
                  fields.DATE_FIELDS, fields.DERIVED):
        assert set(group) <= set(fields.NAMES)


def test_every_field_is_a_column_of_the_document_and_every_column_a_field_or_bookkeeping():
    columns = Document.__table__.columns
    for f in fields.FIELDS:
        assert f.name in columns and columns[f.name].nullable, f.name  # "not read" is None
    for name in fields.FOLDED_FIELDS:
        assert f"{name}_folded" in columns, name
    folded = {f"{name}_folded" for name in fields.FOLDED_FIELDS}
    assert set(columns.keys()) - BOOKKEEPING - folded == set(fields.NAMES)


def test_the_csv_headers_are_the_phu_luc_vi_names_byte_for_byte():
    assert CSV_COLUMNS == PHU_LUC_VI_HEADERS
    keys = [key for key, _ in CSV_COLUMNS]
    assert all(keys.count(name) == 1 for name in fields.NAMES)


def test_the_review_column_names_each_field_by_its_phu_luc_vi_name():
    header = dict(CSV_COLUMNS)
    for f in fields.FIELDS:
        assert _REVIEW_NAMES[f.name] == f.vi == re.sub(r"\s*\([A-Za-z]+\)$", "", header[f.name])


def test_expected_fields_follow_the_document_type():
    every = ["number_symbol", "issued_date", "doc_type", "abstract", "issuer", "signer", "signer_title"]
    assert repository.expected_fields(Document(doc_type="Quyết định")) == every
    assert repository.expected_fields(Document(doc_type=None)) == every
    only = fields.Field("recipients", "Nơi nhận", "Recipients", 125, "recipients",
                        expected_for=frozenset({"Công văn"}))
    assert only.expected("công văn") and not only.expected("Quyết định") and not only.expected(None)
    assert only.csv_header == "Nơi nhận"


def test_derived_fields_follow_their_source_as_declared():
    for f in fields.FIELDS:
        assert f.derived_from in (None, *fields.NAMES) and f.derived_from != f.name
    for source, derived in fields.DERIVED.items():
        assert set(derive(source, "15/QĐ-UBND")) == set(derived)
    assert fields.DERIVED == {"number_symbol": ("number", "symbol")}


def test_a_date_field_is_stored_as_an_iso_date_and_the_pipeline_version_covers_every_field():
    for name in fields.DATE_FIELDS:
        assert typed_value(name, "05/03/2020") == "2020-03-05"
    assert typed_value("place", "05/03/2020") == "05/03/2020"
    assert int(PIPELINE_VERSION) >= fields.NEWEST_SINCE


def test_edit_an_unknown_field_is_a_usage_error_listing_every_field(run, home):
    result = run("edit", 1, "--field", "colour", "--value", "red")
    assert result.exit_code == ExitCode.USAGE, result.output
    (error,) = [line for line in result.stderr.splitlines() if line.startswith("digitize: error:")]
    assert "unknown field 'colour'" in error and all(name in error for name in fields.NAMES)
    assert list(home.iterdir()) == []  # refused on the command line: no archive was opened
    shown = run("edit", "--help").stdout
    assert all(name in shown for name in fields.NAMES)


VALUES = {
    "number_symbol": "15/QĐ-SNV", "number": "15", "symbol": "QĐ-SNV", "issued_date": "2024-03-05",
    "place": "Đà Lạt", "doc_type": "Quyết định", "abstract": "Về việc tuyển dụng viên chức",
    "issuer": "Sở Nội vụ", "parent_issuer": "Ủy ban nhân dân tỉnh Lâm Đồng", "signer": "Trần Thị Bích",
    "signer_title": "Giám đốc", "urgency": "Khẩn", "signed_at": "2024-03-05T10:00:00+07:00",
    "language": "vi",
}


@pytest.mark.slow
def test_export_and_search_read_the_registry(run, page_pdf, monkeypatch):
    """An archived document: each field under its header in the CSV, each searchable
    field's words found by search, a field the registry keeps out of the index not."""
    assert set(VALUES) == set(fields.NAMES)
    doc_id = ingest_known(run, page_pdf, monkeypatch, "qd.pdf", **VALUES)
    (row,) = csv.DictReader(io.StringIO(run("export", "--format", "csv").stdout_bytes.decode("utf-8-sig")))
    assert {f.name: row[f.csv_header] for f in fields.FIELDS} == VALUES

    def found(*args: str) -> bool:
        return [hit["id"] for hit in json_lines(run("search", *args, "--json").stdout)] == [doc_id]

    assert fields.SEARCH_META == ("number_symbol", "place", "doc_type", "abstract", "issuer",
                                  "parent_issuer", "signer")
    for words in ("15/QĐ-SNV", "da lat", "tuyen dung", "noi vu", "lam dong", "bich"):
        assert found(words), words
    assert not found("giam doc")  # the signer's position: not a search field
    assert found("--issuer", "lam dong")  # the parent agency counts as the issuer


def test_each_field_names_the_reader_that_fills_it() -> None:
    """The registry's `reader` and the extractor's READERS agree: adding a field is its entry
    plus its reader, and neither can name the other wrongly."""
    from digitize import fields
    from digitize.metadata.readers import READERS

    by_name = {reader.name: reader for reader in READERS}
    for field in fields.FIELDS:
        assert field.reader in by_name, (field.name, field.reader)
        assert field.name in by_name[field.reader].provides, (field.name, field.reader)
    internal = {"header", "stamp"}  # what readers hand on to later readers, not fields
    provided = {name for reader in READERS for name in reader.provides if name not in internal}
    assert provided == {field.name for field in fields.FIELDS}
