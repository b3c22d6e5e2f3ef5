"""Item 2: a date a clerk types in `edit` or `review` is stored as an ISO date, or refused."""

from __future__ import annotations

import json
from datetime import date

import pytest

from digitize.errors import ExitCode
from digitize.metadata.typed import TypedValueError, parse_typed_date

from ..conftest import json_lines
from .known import ingest_known

TODAY = date(2026, 12, 2)


@pytest.mark.parametrize(("typed", "iso"), [
    ("31/05/2019", "2019-05-31"),
    ("6/1/2020", "2020-01-06"),
    ("06-01-2020", "2020-01-06"),
    ("31.05.2019", "2019-05-31"),
    ("2019-05-31", "2019-05-31"),
    ("ngày 6 tháng 1 năm 2020", "2020-01-06"),
    ("ngay 6 thang 1 nam 2020", "2020-01-06"),
    ("NGÀY 06 THÁNG 01 NĂM 2020", "2020-01-06"),
    ("Hà Nội, ngày 05 tháng 3 năm 2020", "2020-03-05"),
    ("ngày 05/3/2020", "2020-03-05"),
    ("29/02/2024", "2024-02-29"),
])
def test_the_ways_a_clerk_types_a_date(typed, iso):
    assert parse_typed_date(typed, today=TODAY).isoformat() == iso


@pytest.mark.parametrize(("typed", "says"), [
    ("2020-02-30", "has no day 30"),
    ("31/04/2021", "has no day 31"),
    ("29/02/2023", "has no day 29"),
    ("12/13/2020", "no month 13"),
    ("ngày 6 tháng 1", "has no year"),
    ("31/05/19", "year in full"),
    ("01/01/2099", "after today"),
    ("mùng 6 tết", "is not a date"),
])
def test_impossible_or_unreadable_dates_are_refused(typed, says):
    with pytest.raises(TypedValueError, match=says):
        parse_typed_date(typed, today=TODAY)


slow = pytest.mark.slow


@slow
def test_edit_stores_iso_so_filters_and_stats_find_it(run, page_pdf, monkeypatch):
    doc = ingest_known(run, page_pdf, monkeypatch, "a.pdf", doc_type="Quyết định", issued_date="2025-02-05")
    result = run("edit", doc, "--field", "issued_date", "--value", "31/05/2019")
    assert result.exit_code == 0 and "'2025-02-05' -> '2019-05-31'" in result.stdout
    record = json.loads(run("show", doc, "--json").stdout)
    assert record["issued_date"] == "2019-05-31" and record["source"]["issued_date"] == "manual"
    found = json_lines(run("search", "--from", "2019-05-01", "--to", "2019-06-30", "--json").stdout)
    assert [hit["id"] for hit in found] == [doc]
    stats = json.loads(run("stats", "--json").stdout)
    assert stats["by_year"] == [["2019", 1]] and stats["by_month"] == [["2019-05", 1]]
    assert run("edit", doc, "--field", "issued_date", "--value", "ngày 6 tháng 1 năm 2020").exit_code == 0
    assert json.loads(run("show", doc, "--json").stdout)["issued_date"] == "2020-01-06"


@slow
@pytest.mark.parametrize("typed", ["2020-02-30", "ngày 6 tháng 1", "31/0"])
def test_edit_refuses_an_impossible_date_in_one_line(run, page_pdf, monkeypatch, typed):
    doc = ingest_known(run, page_pdf, monkeypatch, "a.pdf", issued_date="2025-02-05")
    result = run("edit", doc, "--field", "issued_date", "--value", typed)
    assert result.exit_code == ExitCode.USAGE, result.output
    assert result.stderr.count("\n") == 1 and "issued_date" in result.stderr and typed in result.stderr
    assert "Traceback" not in result.output
    assert json.loads(run("show", doc, "--json").stdout)["issued_date"] == "2025-02-05"


@slow
def test_review_asks_again_after_an_impossible_date(run, page_pdf, monkeypatch):
    doc = ingest_known(run, page_pdf, monkeypatch, "a.pdf", number_symbol="15/QĐ-UBND")
    # issued_date is the first field to review; the first answer does not exist
    session = run("review", "-n", "1", input="30/02/2020\nngày 6 tháng 1 năm 2020\nq\n")
    assert session.exit_code == 0, session.output
    assert "has no day 30" in session.output
    assert session.output.count("issued_date [") == 2  # asked again, not skipped
    record = json.loads(run("show", doc, "--json").stdout)
    assert record["issued_date"] == "2020-01-06" and record["source"]["issued_date"] == "manual"
