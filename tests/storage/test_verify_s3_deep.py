"""verify --deep on S3: a download damaged on the way is a problem on the report (exit 9),
never a traceback; a store that cannot be reached at all is the store's error (exit 6)."""

from __future__ import annotations

import json

import pytest

from digitize.errors import ExitCode

from ..conftest import json_lines
from .helpers import BUCKET

pytestmark = pytest.mark.slow


@pytest.fixture
def on_s3(monkeypatch, run, s3, fault_proxy, page_pdf):
    """One document archived in S3; the CLI then talks to it through the fault proxy."""
    monkeypatch.setenv("DIGITIZE_S3_MAX_ATTEMPTS", "2")
    monkeypatch.setenv("DIGITIZE_S3_TIMEOUT", "3")
    monkeypatch.setenv("DIGITIZE_S3_ENDPOINT_URL", s3)
    storage = f"s3://{BUCKET}/archive"
    ingested = run("--storage", storage, "ingest", page_pdf("qd.pdf"), "--json", "--jobs", "1")
    (row,) = json_lines(ingested.stdout)
    assert row["status"] == "ingested"
    monkeypatch.setenv("DIGITIZE_S3_ENDPOINT_URL", fault_proxy.endpoint_url)
    return storage


def test_a_damaged_deep_download_is_a_problem_on_the_report(run, on_s3, fault_proxy):
    fault_proxy.inject("corrupt", times=1000, method="GET", path_contains="/pdf/")
    result = run("--storage", on_s3, "verify", "--deep", "--json")
    assert result.exit_code == ExitCode.CHECK_FAILED, result.output
    assert "Traceback" not in result.stderr
    problems = json.loads(result.stdout)["problems"]
    assert [(p["key"].split("/")[0], p["problem"]) for p in problems] == [("pdf", "unreadable")]
    assert "damaged" in problems[0]["detail"]


def test_the_store_going_down_before_verify(run, on_s3, fault_proxy):
    fault_proxy.refuse()
    result = run("--storage", on_s3, "verify", "--deep")
    assert result.exit_code == ExitCode.STORAGE_ERROR, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("digitize: error:")]
    assert len(errors) == 1 and "unreachable" in errors[0] and "Traceback" not in result.stderr
