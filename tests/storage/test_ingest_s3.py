"""Ingest into S3 (moto over real HTTP): archived exactly once, or failed cleanly and kept."""

from __future__ import annotations

import hashlib
import json

import pytest

from digitize.errors import ExitCode
from digitize.storage.s3 import S3Store

from ..conftest import json_lines
from .helpers import BUCKET, http_get, raw_client

pytestmark = pytest.mark.slow


@pytest.fixture
def s3_env(monkeypatch, run, s3):
    """The CLI pointed at the moto server (fast retries so outages fail quickly)."""

    def point_at(endpoint: str) -> str:
        monkeypatch.setenv("DIGITIZE_S3_ENDPOINT_URL", endpoint)
        monkeypatch.setenv("DIGITIZE_S3_MAX_ATTEMPTS", "3")
        monkeypatch.setenv("DIGITIZE_S3_TIMEOUT", "3")
        return f"s3://{BUCKET}/archive"

    return point_at


def _objects(endpoint: str) -> list[str]:
    listed = raw_client(endpoint).list_objects_v2(Bucket=BUCKET)
    return sorted(o["Key"] for o in listed.get("Contents", []))


def test_ingest_show_get_verify_on_s3(run, s3_env, s3, page_pdf, tmp_path):
    storage = s3_env(s3)
    source = page_pdf("qd.pdf")
    result = run("--storage", storage, "ingest", source, "--json", "--jobs", "1")
    (row,) = json_lines(result.stdout)
    assert row["status"] == "ingested", result.output
    assert len(_objects(s3)) == 3
    record = json.loads(run("--storage", storage, "show", row["id"], "--json").stdout)
    assert record["url"].startswith(s3) and "Signature" in record["url"]
    assert http_get(record["url"]).startswith(b"%PDF")
    store = S3Store.from_url(storage)
    meta = store.metadata(record["keys"]["pdf"])
    assert meta["source-name"] == "qd.pdf"
    out = tmp_path / "orig.pdf"
    run("--storage", storage, "get", row["id"], "-o", out, "--original")
    assert hashlib.sha256(out.read_bytes()).hexdigest() == row["sha256"]
    assert run("--storage", storage, "verify", "--deep").exit_code == 0
    again = json_lines(run("--storage", storage, "ingest", source, "--json").stdout)
    assert again[0]["status"] == "duplicate" and len(_objects(s3)) == 3


def test_lost_answers_still_archive_exactly_once(run, s3_env, s3, fault_proxy, page_pdf):
    storage = s3_env(fault_proxy.endpoint_url)
    fault_proxy.inject("drop", times=2, method="PUT")
    fault_proxy.inject("reset", times=1, method="HEAD")
    result = run("--storage", storage, "ingest", page_pdf("a.pdf"), "--json", "--jobs", "1")
    (row,) = json_lines(result.stdout)
    assert row["status"] == "ingested", result.output
    assert len(_objects(s3)) == 3
    assert run("--storage", storage, "verify", "--deep").exit_code == 0


def test_outage_before_the_run_is_found_before_any_ocr(run, s3_env, s3, fault_proxy, page_pdf):
    storage = s3_env(fault_proxy.endpoint_url)
    source = page_pdf("b.pdf")
    before = source.read_bytes()
    fault_proxy.refuse()
    result = run("--storage", storage, "ingest", source, "--json", "--jobs", "1")
    assert result.exit_code == ExitCode.STORAGE_ERROR, result.output
    assert json_lines(result.stdout) == []  # no file was taken, none blamed
    assert "cannot be written" in result.stderr and "unreachable" in result.stderr
    assert source.read_bytes() == before
    fault_proxy.resume()
    retry = json_lines(run("--storage", storage, "ingest", source, "--json", "--jobs", "1").stdout)
    assert retry[0]["status"] == "ingested"
    assert len(_objects(s3)) == 3


def test_outage_during_the_run_stops_it_and_keeps_the_originals(run, s3_env, s3, fault_proxy,
                                                                 page_pdf):
    storage = s3_env(fault_proxy.endpoint_url)
    sources = [page_pdf(f"{name}.pdf", lines=[name]) for name in ("d1", "d2")]
    fault_proxy.inject("sever", times=1000, method="PUT", path_contains="originals")
    result = run("--storage", storage, "ingest", *sources, "--json", "--jobs", "1")
    assert result.exit_code == ExitCode.STORAGE_ERROR, result.output
    assert result.stderr.count("could not archive") == 1  # once for the run, not per file
    assert "2 file(s) not archived" in result.stderr and "run the same command again" in result.stderr
    assert run("--storage", storage, "export").stdout == ""  # nothing recorded
    fault_proxy.clear()
    retry = json_lines(run("--storage", storage, "ingest", *sources, "--json", "--jobs", "1").stdout)
    assert [r["status"] for r in retry] == ["ingested", "ingested"]


def test_migrate_local_archive_to_s3(run, s3_env, s3, page_pdf, home):
    row = json_lines(run("ingest", page_pdf("c.pdf"), "--json", "--jobs", "1").stdout)[0]
    storage = s3_env(s3)
    result = run("storage", "migrate", "--to", storage)
    assert result.exit_code == 0, result.output
    assert len(_objects(s3)) == 3
    record = json.loads(run("show", row["id"], "--json").stdout)  # now configured for S3
    assert record["url"].startswith(s3)
    assert run("verify", "--deep").exit_code == 0



def test_reindex_imports_an_old_bucket(run, s3_env, s3, page_pdf):
    storage = s3_env(s3)
    client = raw_client(s3)
    client.upload_file(str(page_pdf("old.pdf")), BUCKET, "old-scans/2019/old.pdf")
    client.put_object(Bucket=BUCKET, Key="old-scans/readme.txt", Body=b"not a scan")
    result = run("--storage", storage, "reindex", "--import", f"s3://{BUCKET}/old-scans", "--json",
                 "--jobs", "1")
    assert [r["status"] for r in json_lines(result.stdout)] == ["ingested"], result.output
    # the archive's own content-addressed originals are recognised without a download
    again = run("--storage", storage, "reindex", "--import", storage, "--json", "--jobs", "1")
    assert json_lines(again.stdout) == []
    assert run("--storage", storage, "verify", "--deep").exit_code == 0
