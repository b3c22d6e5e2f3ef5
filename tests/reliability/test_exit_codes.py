"""Exit codes as the README's table gives them: a missing inbox or import folder is 4, a
command line asking for what cannot be is 2, and a page OCR could not read (timed out) makes
the run exit 3 although its document is archived (without that page's text)."""

from __future__ import annotations

import json

import pytest

from digitize.errors import ExitCode

from ..conftest import json_lines
from .test_clear_errors import one_error

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("watch", [(), ("--watch",)])
def test_a_missing_inbox_folder_is_not_found(run, tmp_path, watch):
    result = run("inbox", tmp_path / "no-inbox", *watch)
    assert result.exit_code == ExitCode.NOT_FOUND, result.output
    one_error(result, "no-inbox", "does not exist")


def test_a_missing_import_folder_is_not_found(run, tmp_path):
    result = run("reindex", "--import", tmp_path / "old-scans")
    assert result.exit_code == ExitCode.NOT_FOUND, result.output
    one_error(result, "old-scans", "no such folder")


def test_an_unknown_field_is_a_usage_error(run, page_pdf):
    (row,) = json_lines(run("ingest", page_pdf("qd.pdf"), "--json", "--jobs", "1").stdout)
    result = run("edit", row["id"], "--field", "colour", "--value", "red")
    assert result.exit_code == ExitCode.USAGE, result.output
    one_error(result, "unknown field 'colour'", "issued_date")
    assert run("ingest").exit_code == ExitCode.USAGE  # click's own: a missing argument


@pytest.mark.parametrize("args", [("storage", "migrate", "--to", "ftp://elsewhere/archive"),
                                  ("reindex", "--import", "ftp://elsewhere/old-scans")])
def test_an_unsupported_store_url_on_the_command_line_is_a_usage_error(run, args):
    assert run("db", "upgrade").exit_code == ExitCode.OK
    result = run(*args)
    assert result.exit_code == ExitCode.USAGE, result.output
    one_error(result, "ftp://elsewhere", "s3://bucket/prefix")


def test_migrating_to_the_store_in_use_is_a_usage_error(run, home):
    assert run("db", "upgrade").exit_code == ExitCode.OK
    result = run("storage", "migrate", "--to", (home / "store").as_uri())
    assert result.exit_code == ExitCode.USAGE, result.output
    one_error(result, "already in use")


def test_a_page_that_timed_out_makes_the_run_exit_3(run, page_pdf, monkeypatch):
    monkeypatch.setenv("DIGITIZE_PAGE_TIMEOUT", "0.001")  # real tesseract on a real page, no time
    result = run("ingest", page_pdf("qd.pdf"), "--json", "--jobs", "1")
    assert result.exit_code == ExitCode.FILES_FAILED, result.output
    one_error(result, "some pages failed", "qd.pdf page 1", "page_timeout")
    (row,) = json_lines(result.stdout)
    assert row["status"] == "ingested" and row["unread_pages"] == [1]
    record = json.loads(run("show", row["id"], "--json").stdout)  # archived, without the text
    assert [p["chars"] for p in record["pages"]] == [0]
