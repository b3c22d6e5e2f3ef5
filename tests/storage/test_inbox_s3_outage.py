"""The inbox and an S3 outage (moto over real HTTP): the archive's fault is not the file's.

A missing bucket, refused credentials or a store that fails mid-run leave every scan in
the inbox (not in failed/), end the pass with the store's exit code and say so once.
"""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from digitize.errors import ExitCode

from ..reliability.scans import settled_inbox, untouched
from .helpers import BUCKET

pytestmark = pytest.mark.slow


@pytest.fixture
def inbox(tmp_path: Path, page_pdf) -> Path:
    return settled_inbox(tmp_path / "inbox", page_pdf)


@pytest.fixture
def point_at(monkeypatch):
    def point(endpoint: str, bucket: str = BUCKET) -> str:
        monkeypatch.setenv("DIGITIZE_S3_ENDPOINT_URL", endpoint)
        monkeypatch.setenv("DIGITIZE_S3_MAX_ATTEMPTS", "2")
        monkeypatch.setenv("DIGITIZE_S3_TIMEOUT", "3")
        return f"s3://{bucket}/archive"

    return point


@pytest.fixture
def moto_checks_credentials(s3: str) -> Iterator[None]:
    """moto's server refuses unknown access keys from now on (IAM authentication on)."""

    def set_count(value: str) -> None:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        request = urllib.request.Request(f"{s3}/moto-api/reset-auth", data=value.encode(), method="POST",
                                         headers={"Content-Type": "application/octet-stream"})
        opener.open(request, timeout=10).close()

    set_count("0")
    try:
        yield
    finally:
        set_count("inf")


def test_a_missing_bucket_leaves_the_scans_in_the_inbox(run, s3, point_at, inbox):
    storage = point_at(s3, bucket="no-such-bucket")
    started = time.perf_counter()
    result = run("--storage", storage, "inbox", inbox, "--jobs", "1", "--json")
    assert result.exit_code == ExitCode.STORAGE_ERROR, result.output
    assert time.perf_counter() - started < 30  # found before any OCR
    assert result.stderr.count("does not exist") == 1 and "2 file(s) left in the inbox" in result.stderr
    summary = json.loads(result.stdout)
    assert (summary["failed"], summary["ingested"], summary["waiting"]) == (0, 0, 2)
    assert untouched(inbox)


def test_refused_credentials_leave_the_scans_in_the_inbox(run, s3, point_at, inbox,
                                                          moto_checks_credentials):
    result = run("--storage", point_at(s3), "inbox", inbox, "--jobs", "1")
    assert result.exit_code == ExitCode.STORAGE_ERROR, result.output
    assert result.stderr.count("access denied") == 1 and "credentials" in result.stderr
    assert untouched(inbox)


def test_an_outage_mid_run_stops_the_pass_and_the_next_run_archives(run, s3, point_at, inbox,
                                                                    fault_proxy):
    storage = point_at(fault_proxy.endpoint_url)
    fault_proxy.inject("sever", times=1000, method="PUT", path_contains="originals")
    result = run("--storage", storage, "inbox", inbox, "--jobs", "1")
    assert result.exit_code == ExitCode.STORAGE_ERROR, result.output
    assert result.stderr.count("could not archive") == 1  # once per run, and the pass stopped there
    assert untouched(inbox)
    fault_proxy.clear()
    again = run("--storage", storage, "inbox", inbox, "--jobs", "1")
    assert again.exit_code == ExitCode.OK, again.output
    assert sorted(p.name for p in (inbox / "done").iterdir()) == ["qd1.pdf", "qd2.pdf"]
