"""Item 27: every text filter folds tone marks, case and đ the way the query does."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from digitize import db

from ..conftest import fresh_postgres_db, json_lines
from .known import ingest_known, known_extractor


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request):
    if request.param == "sqlite":
        return None
    return fresh_postgres_db(request.getfixturevalue("postgres"))


@pytest.fixture
def two(run, page_pdf, monkeypatch):
    qd = ingest_known(run, page_pdf, monkeypatch, "qd.pdf", number_symbol="1167/QĐ-BTC", number="1167",
                      symbol="QĐ-BTC", doc_type="Quyết định", issuer="BỘ TÀI CHÍNH", issued_date="2025-02-05")
    kh = ingest_known(run, page_pdf, monkeypatch, "kh.pdf", number_symbol="7/KH-SGDĐT", number="7",
                      symbol="KH-SGDĐT", doc_type="Kế hoạch", issuer="SỞ GIÁO DỤC VÀ ĐÀO TẠO",
                      issued_date="2024-09-30")
    return qd, kh


def _found(run, *args):
    result = run("search", *args, "--json")
    assert result.exit_code == 0, result.output
    return [hit["id"] for hit in json_lines(result.stdout)]


@pytest.mark.slow
def test_search_filters_fold_like_the_query(run, two):
    qd, kh = two
    for typed in ("quyet dinh", "Quyết định", "QUYẾT ĐỊNH", "  quyết   ĐỊNH "):
        assert _found(run, "", "--type", typed) == [qd], typed
    assert _found(run, "", "--type", "ke hoach") == [kh]
    assert _found(run, "", "--type", "quyet") == []  # a type is named whole
    for typed in ("1167/QD-BTC", "1167/qđ-btc", "1167/QĐ-BTC"):
        assert _found(run, "", "--number", typed) == [qd], typed
    assert _found(run, "", "--number", "7/KH-SGDDT") == [kh]
    assert _found(run, "", "--number", "1167") == [qd]
    assert _found(run, "", "--issuer", "bo tai chinh", "--type", "quyet dinh") == [qd]
    assert _found(run, "quyet dinh", "--type", "ke hoach") == [kh]  # both pages say QUYẾT ĐỊNH


@pytest.mark.slow
def test_reindex_where_type_folds(run, two, monkeypatch):
    # what the re-extraction reads: the type stays, so that each pass finds the same document
    monkeypatch.setattr("digitize.pipelines.second_look.extract_metadata",
                        known_extractor(doc_type="Quyết định"))
    for typed in ("type=quyet dinh", "type=QUYẾT ĐỊNH", "type=Quyết định"):
        summary = json.loads(run("reindex", "--where", typed, "--json").stdout)
        assert summary["seen"] == 1, typed


@pytest.mark.slow
def test_filters_follow_an_edit(run, two):
    qd, _ = two
    assert run("edit", qd, "--field", "doc_type", "--value", "Tờ trình").exit_code == 0
    assert _found(run, "", "--type", "to trinh") == [qd]
    assert _found(run, "", "--type", "quyet dinh") == []


@pytest.mark.postgres
def test_an_archive_from_before_gets_its_filter_keys(db_url, home):
    """The migration folds the documents already archived, as new ones are folded."""
    url = db_url or f"sqlite:///{home / 'old.sqlite3'}"
    engine = db.make_engine(url)
    db.upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO documents (sha256, source_name, kind, size_bytes, page_count, original_key, pdf_key,"
            " ocr_key, ocr_lang, pipeline_version, created_at, updated_at, number_symbol, number, doc_type,"
            " field_meta, needs_review) VALUES ('ab', 'a.pdf', 'pdf', 1, 1, 'o', 'p', 'j', 'vie', '1',"
            " '2026-01-01', '2026-01-01', '1167/QĐ-BTC', '1167', 'Quyết  Định', '{}', false)"))
    db.upgrade(engine)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT doc_type_folded, number_folded, number_symbol_folded FROM documents"
                                )).one()
    engine.dispose()
    assert tuple(row) == ("quyet dinh", "1167", "1167/qd-btc")
