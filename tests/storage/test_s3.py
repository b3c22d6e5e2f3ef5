"""S3Store against moto's S3 server over real HTTP: round trips, verification, errors."""

from __future__ import annotations

import base64
import hashlib
import socket
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

from digitize.storage import (
    ChecksumMismatch,
    ObjectInfo,
    ObjectMissing,
    ObjectStore,
    StorageError,
    StoreAccessDenied,
    StoreUnavailable,
    open_store,
)
from digitize.storage.s3 import (
    ENCODING_KEY,
    MiB,
    S3Settings,
    S3Store,
    decode_metadata,
    encode_metadata,
    parse_size,
)

from .conftest import MakeFile
from .helpers import BUCKET, http_get, raw_client

MakeStore = Callable[..., S3Store]


def key_for(sha256: str, folder: str = "originals") -> str:
    return f"{folder}/{sha256[:2]}/{sha256}.pdf"


def count_calls(store: S3Store) -> Counter[str]:
    """Count S3 operations the store's client starts (once per call, retries not counted)."""
    calls: Counter[str] = Counter()

    def seen(model: Any, **_: Any) -> None:
        calls[model.name] += 1

    store.client.meta.events.register("before-call.s3", seen)
    return calls


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --------------------------------------------------------------------------- round trips


def test_store_satisfies_the_protocol(store: S3Store) -> None:
    assert isinstance(store, ObjectStore)
    assert store.url == f"s3://{BUCKET}/archive"


def test_put_get_round_trip(store: S3Store, s3: str, make_file: MakeFile, tmp_path: Path) -> None:
    path, sha = make_file(1000)
    key = key_for(sha)

    info = store.put(key, path, sha256=sha, content_type="application/pdf")

    assert info == ObjectInfo(key, 1000, sha)
    assert store.exists(key)
    assert store.info(key) == ObjectInfo(key, 1000, sha)
    assert store.checksum(key) == sha
    dest = store.get(key, tmp_path / "out" / "copy.pdf")
    assert dest.read_bytes() == path.read_bytes()
    assert [p.name for p in dest.parent.iterdir()] == ["copy.pdf"]  # no temp file left
    head = raw_client(s3).head_object(Bucket=BUCKET, Key=f"archive/{key}", ChecksumMode="ENABLED")
    assert head["ContentType"] == "application/pdf"
    assert head["Metadata"]["sha256"] == sha
    assert head["ChecksumSHA256"] == base64.b64encode(bytes.fromhex(sha)).decode()

    store.delete(key)
    assert not store.exists(key)
    store.delete(key)  # deleting what is gone is fine


def test_empty_file_round_trip(store: S3Store, make_file: MakeFile, tmp_path: Path) -> None:
    path, sha = make_file(0)
    store.put("ocr/empty.json", path, sha256=sha)
    assert store.get("ocr/empty.json", tmp_path / "e.json").read_bytes() == b""


def test_multipart_upload_is_verified(
    store: S3Store, s3: str, make_file: MakeFile, tmp_path: Path,
) -> None:
    path, sha = make_file(12 * MiB + 123)
    key = key_for(sha, "pdf")
    calls = count_calls(store)

    info = store.put(key, path, sha256=sha)

    assert info == ObjectInfo(key, 12 * MiB + 123, sha)
    assert calls["CreateMultipartUpload"] == 1 and calls["UploadPart"] == 3
    head = raw_client(s3).head_object(Bucket=BUCKET, Key=f"archive/{key}", ChecksumMode="ENABLED")
    assert head["ETag"].strip('"').endswith("-3")
    parts = [hashlib.sha256(chunk).digest() for chunk in _chunks(path.read_bytes(), 5 * MiB)]
    composite = base64.b64encode(hashlib.sha256(b"".join(parts)).digest()).decode()
    assert head["ChecksumSHA256"].partition("-")[0] == composite
    assert store.checksum(key) == sha  # from x-amz-meta-sha256: a composite is no file hash
    assert store.get(key, tmp_path / "big.pdf").read_bytes() == path.read_bytes()


def _chunks(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


@pytest.mark.parametrize("size", [2000, 11 * MiB])
def test_reput_of_intact_object_uploads_nothing(
    store: S3Store, make_file: MakeFile, size: int,
) -> None:
    path, sha = make_file(size)
    key = key_for(sha)
    first = store.put(key, path, sha256=sha)
    calls = count_calls(store)

    again = store.put(key, path, sha256=sha)

    assert again == first
    assert calls == Counter({"HeadObject": 1})
    assert [o.key for o in store.iter()] == [key]


def test_file_not_matching_its_sha256_is_refused(store: S3Store, make_file: MakeFile) -> None:
    path, _ = make_file(1000)
    wrong = hashlib.sha256(b"something else").hexdigest()
    calls = count_calls(store)

    with pytest.raises(ChecksumMismatch, match="hash it again"):
        store.put(key_for(wrong), path, sha256=wrong)

    assert not calls
    assert not store.exists(key_for(wrong))


def test_tampered_object_is_noticed_and_repaired(
    store: S3Store, s3: str, make_file: MakeFile, tmp_path: Path,
) -> None:
    path, sha = make_file(1000)
    key = key_for(sha)
    store.put(key, path, sha256=sha)
    # Someone overwrites the object, keeping our metadata (so its sha256 claim lies).
    raw_client(s3).put_object(
        Bucket=BUCKET, Key=f"archive/{key}", Body=b"x" * 1000, ChecksumAlgorithm="SHA256",
        Metadata={"sha256": sha, ENCODING_KEY: "percent"},
    )

    assert store.checksum(key) == hashlib.sha256(b"x" * 1000).hexdigest()
    with pytest.raises(ChecksumMismatch, match="digitize verify"):
        store.get(key, tmp_path / "copy.pdf")
    assert not list(tmp_path.glob("*copy.pdf*"))

    calls = count_calls(store)
    store.put(key, path, sha256=sha)  # the re-run notices and uploads again
    assert calls["PutObject"] == 1
    assert store.checksum(key) == sha
    assert store.get(key, tmp_path / "copy.pdf").read_bytes() == path.read_bytes()


def test_tampered_multipart_object_is_reuploaded(
    store: S3Store, s3: str, make_file: MakeFile, tmp_path: Path,
) -> None:
    path, sha = make_file(11 * MiB)
    key = key_for(sha)
    store.put(key, path, sha256=sha)
    other, _ = make_file(11 * MiB, name="other.bin", seed=1)  # same size, other bytes
    raw_client(s3).upload_file(
        str(other), BUCKET, f"archive/{key}",
        ExtraArgs={"ChecksumAlgorithm": "SHA256", "Metadata": {"sha256": sha}},
        Config=store.transfer,
    )
    calls = count_calls(store)

    store.put(key, path, sha256=sha)

    assert calls["CreateMultipartUpload"] == 1  # composite checksum gave the fake away
    assert store.get(key, tmp_path / "copy.pdf").read_bytes() == path.read_bytes()


def test_object_with_other_part_size_is_verified_not_reuploaded(
    store: S3Store, s3: str, make_file: MakeFile,
) -> None:
    path, sha = make_file(13 * MiB)
    key = key_for(sha)
    # Uploaded by another tool (or an older digitize) with 6 MiB parts instead of 5 MiB.
    raw_client(s3).upload_file(
        str(path), BUCKET, f"archive/{key}",
        ExtraArgs={"ChecksumAlgorithm": "SHA256", "Metadata": {"sha256": sha}},
        Config=TransferConfig(multipart_threshold=6 * MiB, multipart_chunksize=6 * MiB),
    )
    calls = count_calls(store)

    assert store.put(key, path, sha256=sha) == ObjectInfo(key, 13 * MiB, sha)

    assert not calls["CreateMultipartUpload"] and not calls["PutObject"]


def test_bad_sha256_argument(store: S3Store, make_file: MakeFile) -> None:
    path, _ = make_file(10)
    with pytest.raises(ValueError, match="64 hex"):
        store.put("pdf/a.pdf", path, sha256="abc")


# --------------------------------------------------------------------------- metadata

VIETNAMESE = {
    "so-ky-hieu": "123/QĐ-UBND",
    "ten-loai": "Quyết định",
    "trich-yeu": "Về việc ban hành Quy chế làm việc của Ủy ban nhân dân tỉnh Đắk Lắk",
    "co-quan": "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK",
    "nguoi_ky": "Nguyễn Văn Ánh",
    "ghi-chu": "  50% đã số hoá; 2 spaces  ",
}


def test_vietnamese_metadata_round_trip(store: S3Store, s3: str, make_file: MakeFile) -> None:
    path, sha = make_file(100)
    key = key_for(sha)
    store.put(key, path, sha256=sha, metadata=VIETNAMESE)

    assert store.metadata(key) == VIETNAMESE
    raw = raw_client(s3).head_object(Bucket=BUCKET, Key=f"archive/{key}")["Metadata"]
    assert raw[ENCODING_KEY] == "percent" and raw["sha256"] == sha
    assert all(value.isascii() for value in raw.values())
    assert raw["so-ky-hieu"] == "123/Q%C4%90-UBND"


def test_metadata_rules() -> None:
    sha = "0" * 64
    with pytest.raises(ValueError, match="lowercase ASCII"):
        encode_metadata({"Số": "1"}, sha256=sha)
    with pytest.raises(ValueError, match="reserved"):
        encode_metadata({"sha256": "1"}, sha256=sha)
    with pytest.raises(ValueError, match="database"):
        encode_metadata({"trich-yeu": "Đắk Lắk " * 100}, sha256=sha)
    # Metadata written by other tools (no marker) comes back untouched.
    assert decode_metadata({"title": "a%20b", "sha256": sha}) == {"title": "a%20b"}


# --------------------------------------------------------------------------- listing, URLs


def test_iter_paginates_and_stays_under_the_prefix(
    make_store: MakeStore, s3: str, make_file: MakeFile,
) -> None:
    store = make_store(page_size=10)
    path, sha = make_file(10)
    keys = sorted(f"ocr/{i:02d}/{sha}.json" for i in range(25))
    for key in keys:
        store.put(key, path, sha256=sha)
    make_store("other").put("ocr/elsewhere.json", path, sha256=sha)
    raw_client(s3).put_object(Bucket=BUCKET, Key="archive-not-ours.txt", Body=b"x")
    calls = count_calls(store)

    listed = list(store.iter())

    assert [o.key for o in listed] == keys
    assert all(o.size == 10 for o in listed)
    assert calls["ListObjectsV2"] == 3  # 10 + 10 + 5
    assert [o.key for o in store.iter("ocr/1")] == keys[10:20]
    with pytest.raises(ValueError):
        list(store.iter("../"))


def test_presigned_url_serves_the_bytes(store: S3Store, make_file: MakeFile) -> None:
    path, sha = make_file(5000)
    key = key_for(sha)
    store.put(key, path, sha256=sha, content_type="application/pdf")

    url = store.url_for(key, expires=120)

    assert "X-Amz-Expires=120" in url and "X-Amz-Signature=" in url
    assert http_get(url) == path.read_bytes()
    with pytest.raises(ValueError, match="expiry"):
        store.url_for(key, expires=0)


def test_unsafe_keys_are_refused(store: S3Store, make_file: MakeFile) -> None:
    path, sha = make_file(10)
    for key in ("../escape.pdf", "/abs.pdf", "a//b", "a/./b", "ok/../../b"):
        with pytest.raises(ValueError, match="unsafe"):
            store.put(key, path, sha256=sha)
    with pytest.raises(ValueError, match="unsafe"):
        store.url_for("../x")


# --------------------------------------------------------------------------- errors


def test_missing_key(store: S3Store, tmp_path: Path) -> None:
    assert not store.exists("pdf/none.pdf")
    for call in (
        lambda: store.info("pdf/none.pdf"),
        lambda: store.checksum("pdf/none.pdf"),
        lambda: store.metadata("pdf/none.pdf"),
        lambda: store.get("pdf/none.pdf", tmp_path / "x.pdf"),
    ):
        with pytest.raises(ObjectMissing, match=r"pdf/none\.pdf is missing"):
            call()
    assert not list(tmp_path.iterdir())
    assert issubclass(ObjectMissing, FileNotFoundError)


def test_missing_bucket_says_how_to_create_it(
    make_store: MakeStore, make_file: MakeFile, tmp_path: Path,
) -> None:
    store = make_store(bucket="no-such-bucket")
    path, sha = make_file(10)
    for call in (
        lambda: store.put(key_for(sha), path, sha256=sha),
        lambda: store.exists(key_for(sha)),
        lambda: store.get(key_for(sha), tmp_path / "x"),
        lambda: list(store.iter()),
        lambda: store.delete(key_for(sha)),
    ):
        with pytest.raises(StorageError) as caught:
            call()
        assert not isinstance(caught.value, ObjectMissing)
        message = str(caught.value)
        assert "aws s3 mb s3://no-such-bucket" in message and "DIGITIZE_STORAGE_URL" in message
        assert "\n" not in message


def test_unreachable_endpoint_fails_fast(make_store: MakeStore, make_file: MakeFile) -> None:
    endpoint = f"http://127.0.0.1:{free_port()}"
    store = make_store(endpoint=endpoint, max_attempts=2, connect_timeout=0.5, read_timeout=0.5)
    path, sha = make_file(10)
    started = time.monotonic()

    with pytest.raises(StoreUnavailable, match=endpoint) as caught:
        store.put(key_for(sha), path, sha256=sha)

    assert time.monotonic() - started < 5
    assert "retry" in str(caught.value) and isinstance(caught.value, ConnectionError)


def test_missing_credentials_are_access_denied(
    make_store: MakeStore, make_file: MakeFile, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    store = make_store()
    path, sha = make_file(10)
    with pytest.raises(StoreAccessDenied, match="AWS_PROFILE"):
        store.put(key_for(sha), path, sha256=sha)


@pytest.mark.parametrize(
    ("code", "status", "expected"),
    [
        ("AccessDenied", 403, StoreAccessDenied),
        ("InvalidAccessKeyId", 403, StoreAccessDenied),
        ("NoSuchKey", 404, ObjectMissing),
        ("SlowDown", 503, StoreUnavailable),
        ("InternalError", 500, StoreUnavailable),
        ("BadDigest", 400, ChecksumMismatch),
        ("InvalidArgument", 400, StorageError),
    ],
)
def test_provider_errors_are_translated(
    store: S3Store, code: str, status: int, expected: type[StorageError],
) -> None:
    store._bucket_seen = True  # the bucket exists; only the error code matters here
    error = ClientError(
        {"Error": {"Code": code, "Message": "nope"}, "ResponseMetadata": {"HTTPStatusCode": status}},
        "GetObject",
    )
    translated = store._translate(error, "download", "pdf/a.pdf")
    assert type(translated) is expected
    assert "\n" not in str(translated)


# --------------------------------------------------------------------------- configuration


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGITIZE_S3_ENDPOINT_URL", "http://minio.local:9000")
    monkeypatch.setenv("DIGITIZE_S3_MAX_ATTEMPTS", "7")
    monkeypatch.setenv("DIGITIZE_S3_TIMEOUT", "3.5")
    monkeypatch.setenv("DIGITIZE_S3_MULTIPART_THRESHOLD", "32MiB")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-southeast-1")

    store = open_store("s3://archive-bucket/so/van-thu")

    assert isinstance(store, S3Store)
    assert (store.bucket, store.prefix) == ("archive-bucket", "so/van-thu/")
    meta = store.client.meta
    assert meta.endpoint_url == "http://minio.local:9000"
    assert meta.region_name == "ap-southeast-1"
    assert meta.config.s3["addressing_style"] == "path"  # auto + custom endpoint
    assert meta.config.retries == {"mode": "standard", "total_max_attempts": 7}
    assert (meta.config.connect_timeout, meta.config.read_timeout) == (3.5, 3.5)
    assert store.transfer.multipart_threshold == 32 * MiB


def test_endpoint_from_boto3_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://ceph.local:7480")
    store = S3Store.from_url("s3://archive-bucket")
    assert store.endpoint_url == "http://ceph.local:7480"
    assert store.client.meta.config.s3["addressing_style"] == "path"
    assert store.client.meta.region_name == "us-east-1"
    assert store.prefix == "" and store.url == "s3://archive-bucket"


def test_aws_itself_keeps_auto_addressing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    store = S3Store.from_url("s3://archive-bucket/x")
    assert store.endpoint_url.endswith(".amazonaws.com")
    assert store.client.meta.config.s3["addressing_style"] == "auto"
    assert store.client.meta.region_name == "us-east-1"
    monkeypatch.setenv("DIGITIZE_S3_ADDRESSING_STYLE", "path")
    assert S3Store.from_url("s3://archive-bucket/x").client.meta.config.s3 == {
        "addressing_style": "path"
    }


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DIGITIZE_S3_ADDRESSING_STYLE", "sideways"),
        ("DIGITIZE_S3_MAX_ATTEMPTS", "0"),
        ("DIGITIZE_S3_MAX_ATTEMPTS", "many"),
        ("DIGITIZE_S3_TIMEOUT", "-1"),
        ("DIGITIZE_S3_MULTIPART_THRESHOLD", "big"),
    ],
)
def test_bad_settings_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str,
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=name):
        S3Settings.from_env()


@pytest.mark.parametrize(
    "url", ["s3://", "s3:///prefix", "s3://Bad_Bucket/x", "s3://bucket/../x", "s3://bucket/x?y=1"],
)
def test_bad_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError):
        S3Store.from_url(url, S3Settings())


def test_parse_size() -> None:
    assert parse_size("X", "5MiB") == 5 * MiB
    assert parse_size("X", "8 mb") == 8 * MiB
    assert parse_size("X", "1048576") == MiB
    with pytest.raises(ValueError, match="X="):
        parse_size("X", "5 TB")


def test_keep_existing_keeps_another_writers_object(
    store: S3Store, make_store: MakeStore, make_file: MakeFile,
) -> None:
    """Item 6: a rendition already under the key is kept, and its checksum returned."""
    theirs, their_sha = make_file(1000, "theirs.pdf", seed=1)
    ours, our_sha = make_file(1200, "ours.pdf", seed=2)
    make_store().put("pdf/a.pdf", theirs, sha256=their_sha, keep_existing=True)
    calls = count_calls(store)

    info = store.put("pdf/a.pdf", ours, sha256=our_sha, keep_existing=True)

    assert info == ObjectInfo("pdf/a.pdf", 1000, their_sha)
    assert store.checksum("pdf/a.pdf") == their_sha
    assert calls["PutObject"] == 0


@pytest.mark.parametrize("size", [1200, 6 * MiB])
def test_keep_existing_loses_a_race_without_overwriting(
    store: S3Store, make_store: MakeStore, make_file: MakeFile, tmp_path: Path, size: int,
) -> None:
    """Item 6: the other writer lands after our check, while we upload: `If-None-Match: *`
    makes moto refuse our PutObject (or CompleteMultipartUpload) with 412, and theirs stays."""
    theirs, their_sha = make_file(1000, "theirs.pdf", seed=1)
    ours, our_sha = make_file(size, "ours.pdf", seed=2)
    other = make_store()
    raced: list[str] = []

    def other_run_first(model: Any, params: dict[str, Any], **_: Any) -> None:
        if model.name in {"PutObject", "CompleteMultipartUpload"} and not raced:
            raced.append(model.name)
            other.put("pdf/a.pdf", theirs, sha256=their_sha, keep_existing=True)
        assert params["headers"].get("If-None-Match") == "*"

    for name in ("PutObject", "CompleteMultipartUpload"):
        store.client.meta.events.register(f"before-call.s3.{name}", other_run_first)

    info = store.put("pdf/a.pdf", ours, sha256=our_sha, keep_existing=True)

    assert raced == ["PutObject" if size < 5 * MiB else "CompleteMultipartUpload"]
    assert info == ObjectInfo("pdf/a.pdf", 1000, their_sha)
    assert store.get("pdf/a.pdf", tmp_path / "got.pdf").read_bytes() == theirs.read_bytes()


def test_plain_put_still_replaces(store: S3Store, make_file: MakeFile) -> None:
    """Without keep_existing (re-OCR, healing an original) the new bytes replace the old."""
    old, old_sha = make_file(1000, "old.pdf", seed=1)
    new, new_sha = make_file(1000, "new.pdf", seed=2)
    store.put("pdf/a.pdf", old, sha256=old_sha)
    assert store.put("pdf/a.pdf", new, sha256=new_sha).sha256 == new_sha
    assert store.checksum("pdf/a.pdf") == new_sha


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o077, 0o600)])
def test_get_output_follows_the_umask(
    store: S3Store, make_file: MakeFile, tmp_path: Path, mask: int, mode: int,
) -> None:
    """Item 18: a downloaded copy gets the mode any file of the user gets."""
    import os
    import stat

    path, sha = make_file(1000)
    store.put("pdf/a.pdf", path, sha256=sha)
    old = os.umask(mask)
    try:
        copy = store.get("pdf/a.pdf", tmp_path / "out" / "a.pdf")
    finally:
        os.umask(old)
    assert stat.S_IMODE(copy.stat().st_mode) == mode
