"""Item 3: number and symbol follow number_symbol in edit, review and reindex."""

from __future__ import annotations

import json

import pytest

from digitize.metadata.derived import derive, follow_manual, split_number_symbol
from digitize.records import FieldValue, Metadata

from ..conftest import json_lines
from .known import ingest_known, known_extractor


@pytest.mark.parametrize(("typed", "number", "symbol"), [
    ("01/TTr-UBND", "01", "TTr-UBND"),
    ("30/2020/NĐ-CP", "30", "2020/NĐ-CP"),
    ("01-NQ/TU", "01", "NQ/TU"),
    ("Số: 106 / KH-UBND", "106", "KH-UBND"),
    ("TTr-UBND", None, "TTr-UBND"),
    ("", None, None),
])
def test_number_symbol_splits_as_typed(typed, number, symbol):
    assert split_number_symbol(typed) == (number, symbol)
    assert derive("number_symbol", typed or None) == {"number": number, "symbol": symbol}
    assert derive("signer", "Nguyễn Văn A") == {}


def test_a_fresh_reading_follows_the_clerks_number_symbol():
    read = Metadata({"number_symbol": FieldValue("04/TTr-UBND", 0.9), "number": FieldValue("04", 0.9),
                     "symbol": FieldValue("TTr-UBND", 0.9), "signer": FieldValue("A", 0.9)})
    followed = follow_manual(read, {"number_symbol": "01/TTr-UBND"})
    assert followed.fields["number"] == FieldValue("01", 1.0, "manual")
    assert followed.value("symbol") == "TTr-UBND" and followed.value("signer") == "A"
    # a part the clerk set apart stays the clerk's
    assert follow_manual(read, {"number_symbol": "01/TTr-UBND", "number": "1"}).value("number") == "04"


slow = pytest.mark.slow


def _record(run, doc):
    return json.loads(run("show", doc, "--json").stdout)


def _found(run, *args):
    return [hit["id"] for hit in json_lines(run("search", *args, "--json").stdout)]


@slow
def test_edit_moves_number_and_symbol_with_number_symbol(run, page_pdf, monkeypatch):
    doc = ingest_known(run, page_pdf, monkeypatch, "a.pdf", number_symbol="04/TTr-UBND", number="04",
                       symbol="TTr-UBND")
    assert run("edit", doc, "--field", "number_symbol", "--value", "01/TTr-UBND").exit_code == 0
    record = _record(run, doc)
    assert (record["number_symbol"], record["number"], record["symbol"]) == ("01/TTr-UBND", "01", "TTr-UBND")
    assert record["source"]["number"] == record["source"]["symbol"] == "manual"
    assert _found(run, "--number", "01") == [doc] and _found(run, "--number", "04") == []
    edits = [e for e in record["events"] if e["action"] == "edit"]
    assert [e["field"] for e in edits] == ["number_symbol"]  # one clerk's act, one event
    assert run("edit", doc, "--field", "number_symbol", "--clear").exit_code == 0
    record = _record(run, doc)
    assert (record["number_symbol"], record["number"], record["symbol"]) == (None, None, None)


@slow
def test_review_moves_them_too(run, page_pdf, monkeypatch):
    doc = ingest_known(run, page_pdf, monkeypatch, "a.pdf", number="04", symbol="TTr-UBND")
    # number_symbol (unread) is the first field to review
    session = run("review", "-n", "1", input="02/TTr-UBND\nq\n")
    assert session.exit_code == 0, session.output
    record = _record(run, doc)
    assert (record["number_symbol"], record["number"], record["symbol"]) == ("02/TTr-UBND", "02", "TTr-UBND")


@slow
def test_reindex_keeps_them_with_the_clerks_value(run, page_pdf, monkeypatch, home):
    doc = ingest_known(run, page_pdf, monkeypatch, "a.pdf", number_symbol="04/TTr-UBND", number="04",
                       symbol="TTr-UBND")
    assert run("edit", doc, "--field", "number_symbol", "--value", "01/TTr-UBND").exit_code == 0
    # an archive edited before the fix: the halves still say what the OCR read
    from sqlalchemy import create_engine, text

    engine = create_engine(f"sqlite:///{home / 'digitize.sqlite3'}")
    with engine.begin() as conn:
        meta = json.loads(conn.execute(text("SELECT field_meta FROM documents WHERE id = :id"),
                                       {"id": doc}).scalar_one())
        meta["number"] = meta["symbol"] = {"confidence": 0.95, "source": "ocr"}
        conn.execute(text("UPDATE documents SET number = '04', number_folded = '04', field_meta = :m "
                          "WHERE id = :id"), {"m": json.dumps(meta), "id": doc})
    engine.dispose()
    monkeypatch.setattr("digitize.pipelines.second_look.extract_metadata", known_extractor(
        number_symbol="04/TTr-UBND", number="04", symbol="TTr-UBND"))
    summary = json.loads(run("reindex", "--json").stdout)
    assert summary["failed"] == 0
    record = _record(run, doc)
    assert (record["number_symbol"], record["number"], record["symbol"]) == ("01/TTr-UBND", "01", "TTr-UBND")
    assert _found(run, "--number", "01") == [doc]
