"""S3Store through a fault-injecting proxy: retries recover, or the put fails cleanly.

Whatever happens on the wire, a put() that returns has left exactly one intact object,
and a put() that raises has left nothing passed off as good.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from digitize.storage import ChecksumMismatch, StoreUnavailable
from digitize.storage.s3 import MiB, S3Store

from .conftest import MakeFile
from .faultproxy import FaultProxy
from .helpers import BUCKET, raw_client

MakeStore = Callable[..., S3Store]


@pytest.fixture
def proxied(make_store: MakeStore, fault_proxy: FaultProxy) -> S3Store:
    """A store reaching moto through the proxy: 3 attempts, 1 s read timeout."""
    return make_store(endpoint=fault_proxy.endpoint_url, read_timeout=1.0, connect_timeout=1.0)


@pytest.fixture
def direct(store: S3Store) -> S3Store:
    """The same bucket and prefix, reached without the proxy: to check the outcome."""
    return store


def stored_objects(s3: str) -> list[str]:
    listing = raw_client(s3).list_objects_v2(Bucket=BUCKET)
    return [item["Key"] for item in listing.get("Contents", [])]


def assert_stored_once(direct: S3Store, s3: str, key: str, path: Path, tmp_path: Path) -> None:
    assert stored_objects(s3) == [f"archive/{key}"]
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    assert direct.checksum(key) == sha
    assert direct.get(key, tmp_path / "check.bin").read_bytes() == path.read_bytes()


def test_proxy_passes_traffic(proxied: S3Store, fault_proxy: FaultProxy, make_file: MakeFile,
                              tmp_path: Path) -> None:
    path, sha = make_file(3 * MiB)
    proxied.put("pdf/a.pdf", path, sha256=sha)
    assert proxied.get("pdf/a.pdf", tmp_path / "a.pdf").read_bytes() == path.read_bytes()
    assert {s.fault for s in fault_proxy.requests()} == {"pass"}
    assert len(fault_proxy.requests("PUT")) == 1


def test_lost_put_response_is_retried_into_one_object(
    proxied: S3Store, direct: S3Store, fault_proxy: FaultProxy, s3: str,
    make_file: MakeFile, tmp_path: Path,
) -> None:
    path, sha = make_file(2000)
    fault_proxy.inject("drop", method="PUT")  # the server stores it, the answer is lost

    proxied.put("pdf/a.pdf", path, sha256=sha)

    assert [s.fault for s in fault_proxy.requests("PUT")] == ["drop", "pass"]
    assert_stored_once(direct, s3, "pdf/a.pdf", path, tmp_path)


def test_reset_mid_response_is_retried(
    proxied: S3Store, direct: S3Store, fault_proxy: FaultProxy, s3: str,
    make_file: MakeFile, tmp_path: Path,
) -> None:
    path, sha = make_file(2000)
    fault_proxy.inject("reset", method="HEAD")
    fault_proxy.inject("reset", method="PUT", times=2)

    proxied.put("pdf/a.pdf", path, sha256=sha)

    assert len(fault_proxy.requests("PUT")) == 3
    assert_stored_once(direct, s3, "pdf/a.pdf", path, tmp_path)


def test_slow_answer_times_out_and_is_retried(
    proxied: S3Store, direct: S3Store, fault_proxy: FaultProxy, s3: str,
    make_file: MakeFile, tmp_path: Path,
) -> None:
    path, sha = make_file(2000)
    fault_proxy.inject("delay", method="PUT", delay=3.0)  # read timeout is 1 s

    proxied.put("pdf/a.pdf", path, sha256=sha)

    assert [s.fault for s in fault_proxy.requests("PUT")] == ["delay", "pass"]
    assert_stored_once(direct, s3, "pdf/a.pdf", path, tmp_path)


def test_multipart_recovers_from_part_faults(
    proxied: S3Store, direct: S3Store, fault_proxy: FaultProxy, s3: str,
    make_file: MakeFile, tmp_path: Path,
) -> None:
    path, sha = make_file(12 * MiB)
    fault_proxy.inject("drop", method="PUT", path_contains="partNumber=2")
    fault_proxy.inject("reset", method="PUT", path_contains="partNumber=3")
    fault_proxy.inject("reset", method="POST", path_contains="uploadId=")  # the completion

    proxied.put("pdf/big.pdf", path, sha256=sha)

    assert_stored_once(direct, s3, "pdf/big.pdf", path, tmp_path)
    assert not raw_client(s3).list_multipart_uploads(Bucket=BUCKET).get("Uploads")


def test_write_that_landed_counts_even_when_every_answer_is_lost(
    proxied: S3Store, direct: S3Store, fault_proxy: FaultProxy, s3: str,
    make_file: MakeFile, tmp_path: Path,
) -> None:
    path, sha = make_file(2000)
    fault_proxy.inject("drop", method="PUT", times=100)

    proxied.put("pdf/a.pdf", path, sha256=sha)  # retries exhausted, but HEAD shows it intact

    assert len(fault_proxy.requests("PUT")) == 3
    assert_stored_once(direct, s3, "pdf/a.pdf", path, tmp_path)


def test_persistent_fault_fails_cleanly(
    proxied: S3Store, direct: S3Store, fault_proxy: FaultProxy, s3: str, make_file: MakeFile,
) -> None:
    path, sha = make_file(2000)
    fault_proxy.inject("sever", method="PUT", times=100)  # never reaches the server
    started = time.monotonic()

    with pytest.raises(StoreUnavailable, match=fault_proxy.endpoint_url):
        proxied.put("pdf/a.pdf", path, sha256=sha)

    assert time.monotonic() - started < 15
    assert len(fault_proxy.requests("PUT")) == 3  # DIGITIZE_S3_MAX_ATTEMPTS bounds it
    assert stored_objects(s3) == []


def test_persistent_part_fault_leaves_no_object_or_upload(
    proxied: S3Store, fault_proxy: FaultProxy, s3: str, make_file: MakeFile,
) -> None:
    path, sha = make_file(12 * MiB)
    fault_proxy.inject("sever", method="PUT", path_contains="partNumber=2", times=100)

    with pytest.raises(StoreUnavailable):
        proxied.put("pdf/big.pdf", path, sha256=sha)

    assert stored_objects(s3) == []
    assert not raw_client(s3).list_multipart_uploads(Bucket=BUCKET).get("Uploads")


def test_refused_port_fails_fast_then_recovers(
    proxied: S3Store, fault_proxy: FaultProxy, s3: str, make_file: MakeFile,
) -> None:
    path, sha = make_file(2000)
    fault_proxy.refuse()
    started = time.monotonic()

    with pytest.raises(StoreUnavailable, match=fault_proxy.endpoint_url):
        proxied.put("pdf/a.pdf", path, sha256=sha)

    assert time.monotonic() - started < 5
    assert stored_objects(s3) == []
    fault_proxy.resume()
    proxied.put("pdf/a.pdf", path, sha256=sha)
    assert stored_objects(s3) == ["archive/pdf/a.pdf"]


@pytest.mark.parametrize("mode", ["reset", "drop"])
def test_download_recovers_from_faults(
    proxied: S3Store, direct: S3Store, fault_proxy: FaultProxy,
    make_file: MakeFile, tmp_path: Path, mode: str,
) -> None:
    path, sha = make_file(3 * MiB)
    direct.put("pdf/a.pdf", path, sha256=sha)
    fault_proxy.inject(mode, method="GET")

    dest = proxied.get("pdf/a.pdf", tmp_path / "out" / "a.pdf")

    assert dest.read_bytes() == path.read_bytes()
    assert [s.fault for s in fault_proxy.requests("GET")] == [mode, "pass"]
    assert [p.name for p in dest.parent.iterdir()] == ["a.pdf"]  # no temp file left


@pytest.mark.parametrize("size", [3 * MiB, 12 * MiB])
def test_damaged_download_is_refused(
    proxied: S3Store, direct: S3Store, fault_proxy: FaultProxy,
    make_file: MakeFile, tmp_path: Path, size: int,
) -> None:
    # One byte flipped in one body: botocore's own check catches a whole-object GET, our
    # SHA-256 of the result catches a ranged (multipart) download, which has no checksum.
    path, sha = make_file(size)
    direct.put("pdf/a.pdf", path, sha256=sha)
    fault_proxy.inject("corrupt", method="GET")
    dest = tmp_path / "out" / "a.pdf"

    with pytest.raises(ChecksumMismatch, match="arrived damaged" if size < 5 * MiB else "sha256"):
        proxied.get("pdf/a.pdf", dest)

    assert not dest.parent.exists() or not list(dest.parent.iterdir())
    assert proxied.get("pdf/a.pdf", dest).read_bytes() == path.read_bytes()  # next try is fine
