"""S3-compatible object storage (AWS, MinIO, Ceph) through boto3, verified and bounded.

`S3Store.from_url("s3://bucket/prefix")` reads its settings from the environment
(`S3Settings.from_env`) on top of boto3's own configuration chain:

- endpoint: `DIGITIZE_S3_ENDPOINT_URL`, else whatever boto3 resolves (`AWS_ENDPOINT_URL`,
  `AWS_ENDPOINT_URL_S3`, `endpoint_url` in the profile), else AWS itself;
- addressing: `DIGITIZE_S3_ADDRESSING_STYLE` = path | virtual | auto (default auto, which
  means path-style whenever the endpoint is not AWS, as MinIO and Ceph want);
- region, credentials and profile: boto3's chain (`AWS_REGION`, `AWS_PROFILE`, `AWS_*` keys),
  region defaulting to us-east-1;
- retries and timeouts: botocore's standard retry mode bounded by `DIGITIZE_S3_MAX_ATTEMPTS`
  total attempts, `DIGITIZE_S3_TIMEOUT` seconds for connect and read;
- multipart: `DIGITIZE_S3_MULTIPART_THRESHOLD` / `DIGITIZE_S3_MULTIPART_CHUNKSIZE`
  (bytes, or with a KiB/MiB/GiB suffix).

Every upload carries a SHA-256 checksum (`ChecksumAlgorithm="SHA256"`), so the server
refuses bytes damaged in transit, and is checked afterwards with `head_object`: the
server's own full-object SHA-256 (single part) or composite checksum-of-part-checksums
(multipart) against ours, plus our hex SHA-256 kept in user metadata (`x-amz-meta-sha256`)
and the size. An object that fails the check is removed and never reported as stored.
Keys are content-addressed, so re-putting an object that is already there and intact is a
no-op, and a write whose answer was lost (a retried request answering 412 or an error
for our own first write) counts as done once the object verifies. A create-only write
(`put(..., keep_existing=True)`, a new scan's outputs) sends `If-None-Match: *` on the
PutObject or CompleteMultipartUpload, so the loser of a race keeps the winner's object.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import boto3
import botocore.exceptions as boto_errors
import urllib3.exceptions
from boto3.exceptions import RetriesExceededError, S3TransferFailedError, S3UploadFailedError
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from s3transfer.utils import ChunksizeAdjuster

from . import (
    ChecksumMismatch,
    ObjectInfo,
    ObjectMissing,
    StorageError,
    StoreAccessDenied,
    StoreUnavailable,
    check_key,
)
from .local import sha256_file, temp_beside

logger = logging.getLogger(__name__)

KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB

#: S3 caps user metadata at 2 KiB (keys + values, UTF-8 bytes).
METADATA_LIMIT = 2048
#: Metadata key holding our full-object hex SHA-256 (`x-amz-meta-sha256`).
SHA256_KEY = "sha256"
#: Marker key saying how values are encoded (`x-amz-meta-digitize-encoding: percent`).
ENCODING_KEY = "digitize-encoding"
ENCODING = "percent"

_ADDRESSING_STYLES = ("auto", "path", "virtual")
_META_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_HEX64_RE = re.compile(r"^[0-9a-f]{64}$")
_BUCKET_RE = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_SIZE_RE = re.compile(r"^\s*(\d+)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "b": 1, "k": KiB, "kb": KiB, "kib": KiB, "m": MiB, "mb": MiB,
               "mib": MiB, "g": GiB, "gb": GiB, "gib": GiB}
_AWS_HOST_SUFFIXES = (".amazonaws.com", ".amazonaws.com.cn", ".api.aws")
_MAX_PRESIGN_SECONDS = 7 * 24 * 3600  # SigV4 limit

_MISSING_CODES = {"404", "NoSuchKey", "NotFound"}
_DENIED_CODES = {
    "403", "AccessDenied", "Forbidden", "AllAccessDisabled", "InvalidAccessKeyId",
    "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken", "AccountProblem",
}
_BUSY_CODES = {
    "SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout", "RequestTimeTooSkewed",
    "Throttling", "ThrottlingException", "RequestLimitExceeded", "503", "500",
}
# Raised by botocore after its retries, or by s3transfer's streaming reads after its own.
_NETWORK_ERRORS = (
    boto_errors.ConnectionError, boto_errors.HTTPClientError, urllib3.exceptions.HTTPError,
    ConnectionError, TimeoutError,
)
# What a server that does not know conditional writes may answer to `If-None-Match: *`.
_NO_CONDITION_CODES = {"NotImplemented", "501", "InvalidArgument", "InvalidRequest"}
_CORRUPT_CODES = {"BadDigest", "InvalidDigest", "XAmzContentSHA256Mismatch",
                  "XAmzContentChecksumMismatch", "InvalidChecksum"}


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True, slots=True)
class S3Settings:
    """How to reach the store and how hard to try; `None` means "boto3 decides"."""

    endpoint_url: str | None = None
    addressing_style: str = "auto"
    region: str | None = None
    max_attempts: int = 5
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    multipart_threshold: int = 16 * MiB
    multipart_chunksize: int = 16 * MiB
    max_concurrency: int = 4
    page_size: int = 1000

    def __post_init__(self) -> None:
        if self.addressing_style not in _ADDRESSING_STYLES:
            raise ValueError(
                f"S3 addressing style {self.addressing_style!r} is not one of "
                f"{', '.join(_ADDRESSING_STYLES)}: fix DIGITIZE_S3_ADDRESSING_STYLE"
            )
        if self.max_attempts < 1:
            raise ValueError("S3 max attempts must be at least 1: fix DIGITIZE_S3_MAX_ATTEMPTS")
        if self.connect_timeout <= 0 or self.read_timeout <= 0:
            raise ValueError("S3 timeouts must be positive seconds: fix DIGITIZE_S3_TIMEOUT")
        if not 1 <= self.page_size <= 1000:
            raise ValueError("S3 listing page size must be between 1 and 1000")
        if self.multipart_threshold < 1 or self.multipart_chunksize < 1:
            raise ValueError("S3 multipart threshold and chunk size must be positive byte counts")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> S3Settings:
        """Defaults overridden by `DIGITIZE_S3_*` variables (boto3 reads its own `AWS_*`)."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        if endpoint := env.get("DIGITIZE_S3_ENDPOINT_URL", "").strip():
            values["endpoint_url"] = endpoint
        if style := env.get("DIGITIZE_S3_ADDRESSING_STYLE", "").strip().lower():
            values["addressing_style"] = style
        if attempts := env.get("DIGITIZE_S3_MAX_ATTEMPTS", "").strip():
            values["max_attempts"] = _parse_int("DIGITIZE_S3_MAX_ATTEMPTS", attempts)
        if timeout := env.get("DIGITIZE_S3_TIMEOUT", "").strip():
            seconds = _parse_float("DIGITIZE_S3_TIMEOUT", timeout)
            values["connect_timeout"] = values["read_timeout"] = seconds
        if threshold := env.get("DIGITIZE_S3_MULTIPART_THRESHOLD", "").strip():
            values["multipart_threshold"] = parse_size("DIGITIZE_S3_MULTIPART_THRESHOLD", threshold)
        if chunk := env.get("DIGITIZE_S3_MULTIPART_CHUNKSIZE", "").strip():
            values["multipart_chunksize"] = parse_size("DIGITIZE_S3_MULTIPART_CHUNKSIZE", chunk)
        return cls(**values)

    def replace(self, **changes: Any) -> S3Settings:
        """A copy with some fields changed (validated again)."""
        return replace(self, **changes)


def _parse_int(name: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"{name}={text!r} is not a whole number: fix or unset it") from None


def _parse_float(name: str, text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{name}={text!r} is not a number of seconds: fix or unset it") from None


def parse_size(name: str, text: str) -> int:
    """`"8MiB"`, `"5 MB"`, `"1048576"` -> bytes (binary units either way)."""
    match = _SIZE_RE.match(text)
    if not match:
        raise ValueError(f"{name}={text!r} is not a size like 8MiB or 8388608: fix or unset it")
    return int(match.group(1)) * _SIZE_UNITS[(match.group(2) or "").lower()]


def _is_aws_endpoint(endpoint_url: str) -> bool:
    host = urlsplit(endpoint_url).hostname or ""
    return host.endswith(_AWS_HOST_SUFFIXES)


def build_client(settings: S3Settings, session: boto3.session.Session | None = None) -> Any:
    """An S3 client from boto3's configuration chain plus our bounded retries and timeouts."""
    session = session or boto3.session.Session()
    region = settings.region or session.region_name or "us-east-1"

    def make(style: str) -> Any:
        config = Config(
            region_name=region,
            signature_version="s3v4",
            s3={"addressing_style": style},
            retries={"mode": "standard", "total_max_attempts": settings.max_attempts},
            connect_timeout=settings.connect_timeout,
            read_timeout=settings.read_timeout,
            max_pool_connections=max(10, settings.max_concurrency * 2),
        )
        return session.client("s3", endpoint_url=settings.endpoint_url, config=config)

    style = settings.addressing_style
    if style == "auto" and settings.endpoint_url and not _is_aws_endpoint(settings.endpoint_url):
        style = "path"
    client = make(style)
    if style == "auto" and not _is_aws_endpoint(client.meta.endpoint_url):
        # MinIO, Ceph and friends rarely have wildcard DNS for bucket subdomains.
        client = make("path")
    return client


# --------------------------------------------------------------------------- metadata


def encode_metadata(fields: Mapping[str, str], *, sha256: str) -> dict[str, str]:
    """User metadata for S3: ASCII only, values percent-encoded, plus our SHA-256 and marker.

    Keys must be lowercase ASCII (`[a-z0-9][a-z0-9_-]*`; S3 lowercases them anyway).
    Raises ValueError for bad keys, reserved keys, or more than S3's 2 KiB in total: keep
    long fields (trích yếu) in the database rather than on the object.
    """
    encoded = {SHA256_KEY: sha256, ENCODING_KEY: ENCODING}
    for name, value in fields.items():
        if not _META_KEY_RE.match(name):
            raise ValueError(f"metadata key {name!r} must be lowercase ASCII letters, digits, - or _")
        if name in encoded:
            raise ValueError(f"metadata key {name!r} is reserved by the store")
        encoded[name] = quote(str(value), safe="/:,()")
    total = sum(len(k) + len(v) for k, v in encoded.items())
    if total > METADATA_LIMIT:
        raise ValueError(
            f"object metadata takes {total} bytes once encoded, S3 allows {METADATA_LIMIT}: "
            "store long fields in the database only"
        )
    return encoded


def decode_metadata(raw: Mapping[str, str]) -> dict[str, str]:
    """The caller's fields back from S3 user metadata (without our SHA-256 and marker)."""
    percent = raw.get(ENCODING_KEY) == ENCODING
    return {
        name: unquote(value) if percent else value
        for name, value in raw.items()
        if name not in (SHA256_KEY, ENCODING_KEY)
    }


# --------------------------------------------------------------------------- checksums


@dataclass(frozen=True, slots=True)
class _LocalDigest:
    """What we are about to upload: size, SHA-256, and the multipart composite if any."""

    size: int
    sha256: str
    composite: str | None = None  # base64 SHA-256 of the concatenated part digests
    parts: int = 0
    part_size: int = 0


def _digest_file(path: Path, part_size: int | None) -> _LocalDigest:
    """One read of the file: its SHA-256 and, for multipart, each part's SHA-256."""
    full = hashlib.sha256()
    parts: list[bytes] = []
    size = 0
    with open(path, "rb") as f:
        if part_size is None:
            while chunk := f.read(MiB):
                full.update(chunk)
                size += len(chunk)
        else:
            while True:
                part = hashlib.sha256()
                left = part_size
                while left and (chunk := f.read(min(MiB, left))):
                    full.update(chunk)
                    part.update(chunk)
                    left -= len(chunk)
                    size += len(chunk)
                if left == part_size:
                    break
                parts.append(part.digest())
    if not parts:
        return _LocalDigest(size, full.hexdigest())
    composite = base64.b64encode(hashlib.sha256(b"".join(parts)).digest()).decode()
    return _LocalDigest(size, full.hexdigest(), composite, len(parts), part_size or 0)


def _remote_checksum(head: Mapping[str, Any]) -> tuple[str | None, int | None]:
    """(base64 SHA-256, part count) from a head_object answer; part count None = full object.

    AWS writes a composite as `<base64>-<parts>` with ChecksumType COMPOSITE; some
    servers leave the suffix off, so the ETag's `-<parts>` also marks a multipart object.
    """
    value = head.get("ChecksumSHA256")
    if not value:
        return None, None
    digest, _, suffix = str(value).partition("-")
    if suffix.isdigit():
        return digest, int(suffix)
    etag_parts = str(head.get("ETag", "")).strip('"').rpartition("-")[2]
    if head.get("ChecksumType") == "COMPOSITE" or etag_parts.isdigit():
        return digest, int(etag_parts) if etag_parts.isdigit() else 0
    return digest, None


def _hex_from_base64(value: str) -> str | None:
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw.hex() if len(raw) == 32 else None


def _mismatches(head: Mapping[str, Any], local: _LocalDigest) -> list[str]:
    """Why the stored object is not the file we hashed (empty list: it is)."""
    problems = []
    size = head.get("ContentLength")
    if size != local.size:
        problems.append(f"size {size} != {local.size}")
    recorded = (head.get("Metadata") or {}).get(SHA256_KEY)
    if recorded != local.sha256:
        problems.append(f"recorded sha256 {recorded} != {local.sha256}")
    digest, parts = _remote_checksum(head)
    if digest is None:
        return problems  # the store keeps no SHA-256: size and our metadata must do
    if parts is None:
        if _hex_from_base64(digest) != local.sha256:
            problems.append(f"store's sha256 {_hex_from_base64(digest)} != {local.sha256}")
    elif local.composite is None or (parts and parts != local.parts):
        problems.append(f"stored as {parts} parts, expected {local.parts or 'a single part'}")
    elif digest != local.composite:
        problems.append(f"store's composite checksum {digest} != {local.composite}")
    return problems


def _innermost(exc: BaseException) -> BaseException:
    """The error under s3transfer's wrappers (the ClientError a failed upload hides)."""
    while isinstance(exc, S3UploadFailedError | S3TransferFailedError | RetriesExceededError):
        nested = getattr(exc, "last_exception", None) or exc.__cause__ or exc.__context__
        if nested is None:
            break
        exc = nested
    return exc


def _error_code(exc: BaseException) -> str:
    """The S3 error code behind a translated error ("" when it was not an S3 answer)."""
    inner = _innermost(exc.__cause__ or exc)
    if isinstance(inner, boto_errors.ClientError):
        return str(inner.response.get("Error", {}).get("Code", ""))
    return ""


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


# --------------------------------------------------------------------------- the store


class S3Store:
    """Objects in one bucket under one prefix; keys are relative to the prefix."""

    def __init__(
        self, client: Any, bucket: str, prefix: str = "", settings: S3Settings | None = None,
    ) -> None:
        if not _BUCKET_RE.match(bucket):
            raise ValueError(f"invalid S3 bucket name {bucket!r}: use s3://bucket/prefix")
        prefix = prefix.strip("/")
        if prefix:
            check_key(prefix)
        self.client = client
        self.bucket = bucket
        self.prefix = f"{prefix}/" if prefix else ""
        self.settings = settings or S3Settings()
        self.url = f"s3://{bucket}/{prefix}" if prefix else f"s3://{bucket}"
        self.transfer = TransferConfig(
            multipart_threshold=self.settings.multipart_threshold,
            multipart_chunksize=self.settings.multipart_chunksize,
            max_concurrency=self.settings.max_concurrency,
            # The CRT client (when awscrt is installed) picks its own part sizes and
            # ignores some options; the classic one does what the verification expects.
            preferred_transfer_client="classic",
        )
        self._bucket_seen = False
        # Full keys being written create-only (put(keep_existing=True)): their PutObject and
        # CompleteMultipartUpload requests carry `If-None-Match: *`, which s3transfer cannot pass.
        self._create_only: set[str] = set()
        self._conditional = True  # False once the server refused the condition as unsupported
        for operation in ("PutObject", "CompleteMultipartUpload"):
            client.meta.events.register(f"before-parameter-build.s3.{operation}", self._add_condition)

    @classmethod
    def from_url(
        cls, url: str, settings: S3Settings | None = None, *,
        session: boto3.session.Session | None = None,
    ) -> S3Store:
        """Open `s3://bucket/prefix`; settings default to `S3Settings.from_env()`."""
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc or parts.query or parts.fragment:
            raise ValueError(f"unsupported S3 URL {url!r}: use s3://bucket/prefix")
        settings = settings or S3Settings.from_env()
        return cls(build_client(settings, session), parts.netloc, parts.path, settings)

    def __repr__(self) -> str:
        return f"S3Store({self.url!r}, endpoint={self.endpoint_url!r})"

    @property
    def endpoint_url(self) -> str:
        return str(self.client.meta.endpoint_url)

    # ---- the ObjectStore protocol

    def put(
        self, key: str, path: Path, *, sha256: str, content_type: str = "application/octet-stream",
        metadata: dict[str, str] | None = None, keep_existing: bool = False,
    ) -> ObjectInfo:
        """Upload `path` under `key` and verify it; skip when an intact copy is already there.

        With `keep_existing` the upload is conditional (`If-None-Match: *`), so of two
        writers racing for one key the first to finish wins and the other keeps its object;
        a server that ignores the condition still gets a check for the key first (a short
        window remains), one that refuses it gets unconditional uploads after that check.
        Raises ChecksumMismatch when the file does not hash to `sha256` (nothing uploaded) or
        when the stored object fails verification (it is removed again).
        """
        full = self._full_key(key)
        path = Path(path)
        sha256 = sha256.lower()
        if not _HEX64_RE.match(sha256):
            raise ValueError(f"sha256 must be 64 hex digits, not {sha256!r}")
        user_metadata = encode_metadata(metadata or {}, sha256=sha256)
        local = self._digest(path)
        if local.sha256 != sha256:
            raise ChecksumMismatch(
                f"{path} hashes to {local.sha256}, not {sha256}: the file changed after it was "
                "hashed; hash it again and retry"
            )
        existing = self._head_if_exists(full, key)
        if existing is not None and not self._problems(full, existing, path, local):
            logger.debug("%s already stored and intact; upload skipped", self._where(full))
            return ObjectInfo(key, local.size, sha256)
        if existing is not None and keep_existing and self._whole(existing):
            return self._kept(key, existing)
        create_only = keep_existing and existing is None  # a damaged object is replaced
        extra = {"ChecksumAlgorithm": "SHA256", "ContentType": content_type,
                 "Metadata": user_metadata}
        try:
            self._upload(path, full, key, extra, create_only=create_only)
        except StorageError as exc:
            # A write can land even though its answer was lost (a retry then answers 412 or
            # times out): what counts is whether the intact object is there now. With
            # keep_existing a 412 means another writer's object is there: keep it.
            head = self._head_quietly(full)
            if head is None:
                raise
            if not self._problems(full, head, path, local):
                logger.info("%s: upload reported %s, but the object is stored and verified",
                            self._where(full), type(exc).__name__)
            elif create_only and self._whole(head):
                return self._kept(key, head)
            else:
                raise
        head = self._head(full, key)
        if problems := self._problems(full, head, path, local):
            if create_only and self._whole(head) and self._recorded_sha256(head) != sha256:
                return self._kept(key, head)  # a server without conditions let another writer in
            self._discard(full)
            raise ChecksumMismatch(
                f"{self._where(full)} failed verification after upload ({'; '.join(problems)}); "
                "it was removed: retry the file"
            )
        logger.debug("stored %s (%d bytes, %s)", self._where(full), local.size,
                     f"{local.parts} parts" if local.parts else "single part")
        return ObjectInfo(key, local.size, sha256)

    def _upload(self, path: Path, full: str, key: str, extra: dict[str, Any], *, create_only: bool) -> None:
        """upload_file, create-only when asked and the server takes `If-None-Match: *`."""
        conditional = create_only and self._conditional
        if conditional:
            self._create_only.add(full)
        try:
            with self._errors("upload", key):
                self.client.upload_file(str(path), self.bucket, full, ExtraArgs=extra, Config=self.transfer)
        except StorageError as exc:
            if not conditional or _error_code(exc) not in _NO_CONDITION_CODES:
                raise
            logger.info("%s does not take conditional writes (%s): checking for the key before "
                        "each upload instead", self.endpoint_url, _error_code(exc))
            self._conditional = False
            self._create_only.discard(full)
            with self._errors("upload", key):
                self.client.upload_file(str(path), self.bucket, full, ExtraArgs=extra, Config=self.transfer)
        finally:
            self._create_only.discard(full)

    def _add_condition(self, params: dict[str, Any], **_: Any) -> None:
        """botocore hook: a create-only write's request says `If-None-Match: *`."""
        if params.get("Bucket") == self.bucket and params.get("Key") in self._create_only:
            params.setdefault("IfNoneMatch", "*")

    def _kept(self, key: str, head: Mapping[str, Any]) -> ObjectInfo:
        """The object another writer stored under `key`, kept in place of ours."""
        logger.info("%s is stored already (another run's copy); keeping it", self._where(self._full_key(key)))
        return ObjectInfo(key, int(head["ContentLength"]), self._stored_sha256(head))

    def _whole(self, head: Mapping[str, Any]) -> bool:
        """The object agrees with itself: the server's full-object SHA-256 (if it keeps one)
        is the one recorded at upload, so it is another writer's object, not ours damaged."""
        recorded = self._recorded_sha256(head)
        digest, parts = _remote_checksum(head)
        server = _hex_from_base64(digest) if digest is not None and parts is None else None
        return recorded is not None and server in (None, recorded)

    def get(self, key: str, dest: Path) -> Path:
        """Download to a temporary file beside `dest`, check its SHA-256, then rename."""
        full = self._full_key(key)
        head = self._head(full, key)
        info = ObjectInfo(key, int(head["ContentLength"]), self._stored_sha256(head))
        recorded = self._recorded_sha256(head)  # what put() was told; differs if tampered
        dest = Path(dest)
        fd, tmp = temp_beside(dest)  # mode 0666 less the umask, like any file the user makes
        os.close(fd)
        tmp_name = str(tmp)
        try:
            with self._errors("download", key):
                self.client.download_file(self.bucket, full, tmp_name, Config=self.transfer)
            size = tmp.stat().st_size
            expected = {sha for sha in (info.sha256, recorded) if sha}
            got = sha256_file(tmp) if expected else None
            if size != info.size or (expected and expected != {got}):
                raise ChecksumMismatch(
                    f"{self._where(full)} downloaded as {size} bytes sha256 {got}, the store "
                    f"records {info.size} bytes sha256 {' and '.join(sorted(expected))}: "
                    "retry, and run `digitize verify` if it persists"
                )
            os.replace(tmp, dest)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return dest

    def exists(self, key: str) -> bool:
        return self._head_if_exists(self._full_key(key), key) is not None

    def info(self, key: str) -> ObjectInfo:
        """Size and SHA-256 (the server's own when it has a full-object one, else ours)."""
        head = self._head(self._full_key(key), key)
        return ObjectInfo(key, int(head["ContentLength"]), self._stored_sha256(head))

    def checksum(self, key: str) -> str | None:
        """The stored object's SHA-256 hex: the server's own for single-part objects,
        the one recorded at upload (`x-amz-meta-sha256`) for multipart ones."""
        return self.info(key).sha256

    def metadata(self, key: str) -> dict[str, str]:
        """The fields given to put(), decoded back to Unicode."""
        head = self._head(self._full_key(key), key)
        return decode_metadata(head.get("Metadata") or {})

    def url_for(self, key: str, *, expires: int = 3600) -> str:
        """A presigned GET URL valid for `expires` seconds (at most 7 days)."""
        if not 1 <= expires <= _MAX_PRESIGN_SECONDS:
            raise ValueError(f"URL expiry must be 1..{_MAX_PRESIGN_SECONDS} seconds, not {expires}")
        full = self._full_key(key)
        with self._errors("sign a URL for", key):
            return str(self.client.generate_presigned_url(
                "get_object", Params={"Bucket": self.bucket, "Key": full}, ExpiresIn=expires,
            ))

    def iter(self, prefix: str = "") -> Iterator[ObjectInfo]:
        """Every object under the store prefix (+ `prefix`), keys relative to the store."""
        if prefix.startswith("/") or any(p in {".", ".."} for p in prefix.split("/")[:-1]):
            raise ValueError(f"unsafe listing prefix: {prefix!r}")
        paginator = self.client.get_paginator("list_objects_v2")
        pages = paginator.paginate(
            Bucket=self.bucket, Prefix=self.prefix + prefix,
            PaginationConfig={"PageSize": self.settings.page_size},
        )
        with self._errors("list", prefix or "(all)"):
            for page in pages:
                for item in page.get("Contents", []):
                    relative = item["Key"][len(self.prefix):]
                    if relative and not relative.endswith("/"):
                        yield ObjectInfo(relative, int(item["Size"]), None)

    def delete(self, key: str) -> None:
        full = self._full_key(key)
        with self._errors("delete", key):
            self.client.delete_object(Bucket=self.bucket, Key=full)

    # ---- helpers

    def _full_key(self, key: str) -> str:
        return self.prefix + check_key(key)

    def _where(self, full_key: str) -> str:
        return f"s3://{self.bucket}/{full_key}"

    def _digest(self, path: Path) -> _LocalDigest:
        size = path.stat().st_size
        if size < self.transfer.multipart_threshold:
            return _digest_file(path, None)
        part_size = ChunksizeAdjuster().adjust_chunksize(self.transfer.multipart_chunksize, size)
        return _digest_file(path, part_size)

    def _problems(
        self, full: str, head: Mapping[str, Any], path: Path, local: _LocalDigest,
    ) -> list[str]:
        """Why the stored object is not our file, learning the part size when it differs.

        Our digest assumes s3transfer's partitioning; an object uploaded with another
        chunk size (or by a newer s3transfer) is re-hashed with its real part size, read
        from `head_object(PartNumber=1)`, instead of being taken for a damaged one.
        """
        problems = _mismatches(head, local)
        _, parts = _remote_checksum(head)
        if not problems or parts is None:
            return problems
        try:
            first = self.client.head_object(Bucket=self.bucket, Key=full, PartNumber=1)
            part_size = int(first["ContentLength"])
        except (boto_errors.BotoCoreError, boto_errors.ClientError, KeyError, ValueError):
            return problems
        if part_size <= 0 or part_size == local.part_size:
            return problems
        return _mismatches(head, _digest_file(path, part_size))

    def _head(self, full: str, key: str) -> dict[str, Any]:
        """head_object with checksums; raises ObjectMissing (or bucket-missing) errors."""
        with self._errors("read", key):
            head: dict[str, Any] = self.client.head_object(
                Bucket=self.bucket, Key=full, ChecksumMode="ENABLED"
            )
        return head

    def _head_if_exists(self, full: str, key: str) -> dict[str, Any] | None:
        try:
            return self._head(full, key)
        except ObjectMissing:
            return None

    def _head_quietly(self, full: str) -> dict[str, Any] | None:
        """head_object for a second opinion after a failure: None when it fails too."""
        try:
            head: dict[str, Any] = self.client.head_object(
                Bucket=self.bucket, Key=full, ChecksumMode="ENABLED"
            )
            return head
        except (boto_errors.BotoCoreError, boto_errors.ClientError):
            return None

    def _discard(self, full: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=full)
        except (boto_errors.BotoCoreError, boto_errors.ClientError) as exc:
            logger.warning("could not remove unverified %s: %s", self._where(full), _one_line(exc))

    def _stored_sha256(self, head: Mapping[str, Any]) -> str | None:
        digest, parts = _remote_checksum(head)
        if digest is not None and parts is None and (server := _hex_from_base64(digest)):
            return server
        return self._recorded_sha256(head)

    @staticmethod
    def _recorded_sha256(head: Mapping[str, Any]) -> str | None:
        recorded = str((head.get("Metadata") or {}).get(SHA256_KEY, ""))
        return recorded if _HEX64_RE.match(recorded) else None

    def _bucket_missing(self) -> bool:
        """Tell a missing bucket from a missing key (HEAD answers a bare 404 for both)."""
        if self._bucket_seen:
            return False
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except boto_errors.ClientError as exc:
            return str(exc.response.get("Error", {}).get("Code")) in {"404", "NoSuchBucket"}
        except boto_errors.BotoCoreError:
            return False
        self._bucket_seen = True
        return False

    @contextmanager
    def _errors(self, action: str, key: str) -> Iterator[None]:
        """Turn boto3/botocore/s3transfer errors into the store's own, one line each."""
        try:
            yield
        except StorageError:
            raise
        except Exception as exc:
            translated = self._translate(exc, action, key)
            if translated is None:
                raise
            raise translated from exc

    def _translate(self, exc: BaseException, action: str, key: str) -> StorageError | None:
        exc = _innermost(exc)
        endpoint = self.endpoint_url
        where = f"{self.url}/{key}" if key and not key.startswith("(") else self.url
        attempts = self.settings.max_attempts
        if isinstance(exc, boto_errors.ClientError):
            error = exc.response.get("Error", {})
            code = str(error.get("Code", ""))
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
            message = _one_line(error.get("Message", "")) or code
            if code == "NoSuchBucket" or (code in _MISSING_CODES and self._bucket_missing()):
                return StorageError(
                    f"bucket {self.bucket!r} does not exist at {endpoint}: create it with "
                    f"`aws s3 mb s3://{self.bucket}` (add --endpoint-url {endpoint} for MinIO) "
                    "or check DIGITIZE_STORAGE_URL"
                )
            if code in _MISSING_CODES:
                return ObjectMissing(f"object {key} is missing from {self.url}")
            if code in _DENIED_CODES or status == 403:
                return StoreAccessDenied(
                    f"access denied ({code}) to {where} at {endpoint}: check the credentials "
                    "(AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) and the bucket policy"
                )
            if code in _CORRUPT_CODES:
                return ChecksumMismatch(
                    f"the store refused the {action} of {where}: bytes arrived damaged "
                    f"({code}); retry the file"
                )
            if code in _BUSY_CODES or status >= 500:
                return StoreUnavailable(
                    f"S3 at {endpoint} kept failing ({code}) after {attempts} attempts to "
                    f"{action} {where}: retry later"
                )
            return StorageError(f"S3 could not {action} {where}: {code}: {message}")
        if isinstance(exc, boto_errors.NoCredentialsError | boto_errors.PartialCredentialsError
                      | boto_errors.CredentialRetrievalError):
            return StoreAccessDenied(
                f"no usable S3 credentials for {self.url} ({_one_line(exc)}): set AWS_PROFILE or "
                "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
            )
        if isinstance(exc, boto_errors.FlexibleChecksumError):
            return ChecksumMismatch(
                f"{where} arrived damaged from {endpoint} ({_one_line(exc)}): retry"
            )
        if isinstance(exc, _NETWORK_ERRORS):
            return StoreUnavailable(
                f"S3 endpoint {endpoint} unreachable ({type(exc).__name__}) after {attempts} "
                f"attempts to {action} {where}: check DIGITIZE_S3_ENDPOINT_URL and the "
                "network, then retry"
            )
        if isinstance(exc, boto_errors.BotoCoreError):
            return StorageError(f"S3 could not {action} {where}: {_one_line(exc)}")
        return None
