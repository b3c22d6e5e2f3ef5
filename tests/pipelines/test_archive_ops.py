"""Review and edit, reindex (re-extract, re-OCR, import), stats, Vietnamese search."""

from __future__ import annotations

import json

import pytest

from digitize.errors import ExitCode
from digitize.records import METADATA_FIELDS, FieldValue, Metadata

from ..conftest import fresh_postgres_db, json_lines

pytestmark = pytest.mark.slow


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request):
    """Every archive operation runs on the embedded SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return None
    return fresh_postgres_db(request.getfixturevalue("postgres"))


def _fake_extractor(**values):
    def extract(pages, *, source_name=None, **kwargs):
        return Metadata({name: FieldValue(values.get(name), 0.95 if name in values else 0.0, "ocr")
                         for name in METADATA_FIELDS})
    return extract


@pytest.fixture
def archived(run, page_pdf, monkeypatch):
    """Two documents ingested with known metadata (the real extractor is tested elsewhere)."""
    monkeypatch.setattr("digitize.pipelines.second_look.extract_metadata", _fake_extractor(
        number_symbol="15/QĐ-UBND", doc_type="Quyết định", issued_date="2025-02-05",
        issuer="ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", abstract="Về việc phê duyệt kế hoạch chuyển đổi số",
    ))
    a = json_lines(run("ingest", page_pdf("a.pdf"), "--json", "--jobs", "1").stdout)[0]["id"]
    monkeypatch.setattr("digitize.pipelines.second_look.extract_metadata", _fake_extractor(
        number_symbol="7/KH-SGDĐT", doc_type="Kế hoạch", issued_date="2024-09-30",
        issuer="SỞ GIÁO DỤC VÀ ĐÀO TẠO", abstract="Tổ chức kỳ thi học sinh giỏi",
    ))
    b = json_lines(run("ingest", page_pdf("b.pdf", lines=["KẾ HOẠCH", "Tổ chức kỳ thi học sinh giỏi"]),
                       "--json", "--jobs", "1").stdout)[0]["id"]
    return a, b


def test_search_folds_tone_marks_and_filters(run, archived):
    a, b = archived
    ids = lambda *args: [h["id"] for h in json_lines(run("search", *args, "--json").stdout)]  # noqa: E731
    assert ids("chuyen doi so") == [a]
    assert ids("CHUYỂN ĐỔI SỐ") == [a]
    assert ids("hoc sinh gioi") == [b]
    assert ids('"gioi hoc sinh"') == []
    assert ids("", "--type", "Kế hoạch") == [b]
    assert ids("", "--issuer", "so giao duc") == [b]
    assert ids("", "--from", "2025-01-01") == [a]
    assert ids("", "--to", "2024-12-31") == [b]
    assert ids("", "--number", "15/QĐ-UBND") == [a]
    assert set(ids("")) == {a, b}


def test_edit_is_audited_and_survives_reindex(run, archived, monkeypatch):
    a, b = archived
    result = run("edit", a, "--field", "number_symbol", "--value", "16/QĐ-UBND")
    assert result.exit_code == 0 and "'15/QĐ-UBND' -> '16/QĐ-UBND'" in result.stdout
    monkeypatch.setattr("digitize.pipelines.second_look.extract_metadata", _fake_extractor(
        number_symbol="99/QĐ-UBND", doc_type="Quyết định", abstract="Một trích yếu mới"))
    summary = json.loads(run("reindex", "--json").stdout)
    assert summary["seen"] == 2 and summary["updated"] == 2 and summary["failed"] == 0
    record = json.loads(run("show", a, "--json").stdout)
    assert record["number_symbol"] == "16/QĐ-UBND" and record["source"]["number_symbol"] == "manual"
    assert record["abstract"] == "Một trích yếu mới"
    assert {h["id"] for h in json_lines(run("search", "trich yeu moi", "--json").stdout)} == {a, b}
    edits = [e for e in record["events"] if e["action"] == "edit"]
    assert edits == [{"action": "edit", "actor": edits[0]["actor"], "at": edits[0]["at"],
                      "field": "number_symbol", "old_value": "15/QĐ-UBND", "new_value": "16/QĐ-UBND"}]
    assert edits[0]["actor"] and [e["action"] for e in record["events"]][-1] == "reindex"


def test_edit_rejects_unknown_field_and_id(run, archived):
    a, _ = archived
    bad = run("edit", a, "--field", "colour", "--value", "x")
    assert bad.exit_code == ExitCode.USAGE and "unknown field 'colour'" in bad.stderr
    missing = run("edit", 999, "--field", "signer", "--value", "x")
    assert missing.exit_code == ExitCode.NOT_FOUND
    assert run("edit", a, "--field", "signer").exit_code == ExitCode.USAGE


def test_review_prompts_and_saves(run, archived):
    a, _b = archived
    listed = run("review", "--list")
    assert f"{a}" in listed.stdout and "signer" in listed.stdout
    # first document: fill the signer, clear the title; then quit
    session = run("review", "-n", "1", input="Trần Phước Hiền\n-\nq\n")
    assert session.exit_code == 0, session.output
    record = json.loads(run("show", a, "--json").stdout)
    assert record["signer"] == "Trần Phước Hiền" and record["source"]["signer"] == "manual"
    assert "signer" not in record["needs_review"]


def test_reindex_if_needed_skips_current_documents(run, archived):
    summary = json.loads(run("reindex", "--if-needed", "--json").stdout)
    assert summary["seen"] == 2 and summary["skipped"] == 2


def test_reindex_if_needed_rereads_records_of_an_older_pipeline(run, archived, monkeypatch):
    """After an upgrade that raises PIPELINE_VERSION, every older record is read again, once."""
    from digitize.pipelines.archive.contract import PIPELINE_VERSION

    monkeypatch.setattr("digitize.pipelines.reindex.PIPELINE_VERSION", str(int(PIPELINE_VERSION) + 1))
    summary = json.loads(run("reindex", "--if-needed", "--json").stdout)
    assert summary["seen"] == 2 and summary["skipped"] == 0
    summary = json.loads(run("reindex", "--if-needed", "--json").stdout)
    assert summary["seen"] == 2 and summary["skipped"] == 2


def test_reindex_where_filters(run, archived):
    a, _b = archived
    summary = json.loads(run("reindex", "--where", "type=Kế hoạch", "--json").stdout)
    assert summary["seen"] == 1
    summary = json.loads(run("reindex", "--where", f"id={a}-{a}", "--json").stdout)
    assert summary["seen"] == 1
    assert run("reindex", "--where", "colour=red").exit_code == ExitCode.USAGE


def test_reocr_from_stored_originals_keeps_manual_values(run, archived):
    a, _ = archived
    run("edit", a, "--field", "signer", "--value", "Trần Hoàng Tuấn")
    result = run("reindex", "--reocr", "--where", f"id={a}", "--json", "--jobs", "1")
    assert result.exit_code == 0, result.output
    (row,) = json_lines(result.stdout)
    assert row["status"] == "reindexed" and row["id"] == a
    record = json.loads(run("show", a, "--json").stdout)
    assert record["signer"] == "Trần Hoàng Tuấn"
    assert record["pages"][0]["source"] == "ocr" and record["pages"][0]["chars"] > 50


def test_import_folder_and_stats(run, page_pdf, tmp_path):
    folder = tmp_path / "old-archive"
    folder.mkdir()
    page_pdf("x.pdf").rename(folder / "x.pdf")
    result = run("reindex", "--import", folder, "--json", "--jobs", "1")
    assert [r["status"] for r in json_lines(result.stdout)] == ["ingested"]
    again = run("reindex", "--import", folder, "--json", "--jobs", "1")
    assert [r["status"] for r in json_lines(again.stdout)] == ["duplicate"]
    counts = json.loads(run("stats", "--json").stdout)
    assert counts["documents"] == 1 and counts["pages"] == 1
    assert "documents" in run("stats").stdout


def test_interrupted_reindex_resumes(run, page_pdf, monkeypatch):
    for i in range(25):
        run("ingest", page_pdf(f"p{i}.pdf", lines=[f"Trang {i}"]), "--ocr", "skip", "--jobs", "1")
    from digitize.pipelines import reindex

    real = reindex._reextract_one
    calls = []

    def flaky(archive, doc_id, tmp, summary):
        calls.append(doc_id)
        if len(calls) == 22:
            raise KeyboardInterrupt
        return real(archive, doc_id, tmp, summary)

    monkeypatch.setattr(reindex, "_reextract_one", flaky)
    assert run("reindex", "--jobs", "1").exit_code == ExitCode.INTERRUPTED
    calls.clear()
    monkeypatch.setattr(reindex, "_reextract_one", real)
    summary = json.loads(run("reindex", "--json", "--jobs", "2").stdout)
    assert summary["seen"] == 5  # the first batch of 20 was checkpointed
    assert summary["unchanged"] + summary["updated"] == 5
