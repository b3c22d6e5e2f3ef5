"""Item 21 of issue 17: a search query starting with "-" is a query, not an unknown option
(also when it holds an n or h, search's short options: "-nam"), in any place on the line;
options around it still count, and a mistyped option is still reported."""

from __future__ import annotations

import pytest

from digitize.errors import ExitCode

from ..conftest import json_lines

pytestmark = pytest.mark.slow


def test_query_starting_with_a_dash(run, page_pdf):
    row = json_lines(run("ingest", page_pdf("qd.pdf", dpi=200), "--json", "--jobs", "1").stdout)[0]
    assert row["status"] == "ingested", row
    ids = lambda *args: [h["id"] for h in json_lines(run("search", *args, "--json").stdout)]  # noqa: E731
    assert ids("-quang") == [row["id"]]  # "-quang" is not -q -u -a -n g
    assert ids("-nam 2025") == [row["id"]]
    assert ids("-n", "5", "-ngai", "--type", "-", "--limit=3") == []  # --type takes "-" as its value
    assert ids("-n5", "-ngai", "-hello") == []
    assert ids("-n5", "-ngai", "tinh") == [row["id"]]
    after = json_lines(run("search", "--json", "--", "-quang").stdout)  # the usual way still works
    assert [h["id"] for h in after] == [row["id"]]
    assert ids("chuyen", "doi", "-so") == [row["id"]]  # several words, unquoted
    plain = run("search", "-quang")
    assert plain.exit_code == 0 and str(row["id"]) in plain.stdout


def test_options_still_read_and_typos_reported(run):
    result = run("search", "chuyen", "--tpye", "Quyết định")
    assert result.exit_code == ExitCode.USAGE
    assert "No such option '--tpye'" in result.stderr
    assert run("search", "-h").stdout.startswith("Usage: ")
    assert run("search", "-abc", "-n", "0").exit_code == ExitCode.USAGE  # -n is still read
