"""What an S3 object must be: user metadata encoded within S3's limits, checksums compared
with what was uploaded, and the error codes S3 answers with."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import botocore.exceptions as boto_errors
import urllib3.exceptions
from boto3.exceptions import RetriesExceededError, S3TransferFailedError, S3UploadFailedError

from .settings import MiB

#: S3 caps user metadata at 2 KiB (keys + values, UTF-8 bytes).
METADATA_LIMIT = 2048
#: Metadata key holding our full-object hex SHA-256 (`x-amz-meta-sha256`).
SHA256_KEY = "sha256"
#: Marker key saying how values are encoded (`x-amz-meta-digitize-encoding: percent`).
ENCODING_KEY = "digitize-encoding"
ENCODING = "percent"

_META_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

MISSING_CODES = {"404", "NoSuchKey", "NotFound"}
DENIED_CODES = {
    "403", "AccessDenied", "Forbidden", "AllAccessDisabled", "InvalidAccessKeyId",
    "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken", "AccountProblem",
}
BUSY_CODES = {
    "SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout", "RequestTimeTooSkewed",
    "Throttling", "ThrottlingException", "RequestLimitExceeded", "503", "500",
}
# Raised by botocore after its retries, or by s3transfer's streaming reads after its own.
NETWORK_ERRORS = (
    boto_errors.ConnectionError, boto_errors.HTTPClientError, urllib3.exceptions.HTTPError,
    ConnectionError, TimeoutError,
)
# What a server that does not know conditional writes may answer to `If-None-Match: *`.
NO_CONDITION_CODES = {"NotImplemented", "501", "InvalidArgument", "InvalidRequest"}
CORRUPT_CODES = {"BadDigest", "InvalidDigest", "XAmzContentSHA256Mismatch",
                  "XAmzContentChecksumMismatch", "InvalidChecksum"}


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
class LocalDigest:
    """What we are about to upload: size, SHA-256, and the multipart composite if any."""

    size: int
    sha256: str
    composite: str | None = None  # base64 SHA-256 of the concatenated part digests
    parts: int = 0
    part_size: int = 0


def digest_file(path: Path, part_size: int | None) -> LocalDigest:
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
        return LocalDigest(size, full.hexdigest())
    composite = base64.b64encode(hashlib.sha256(b"".join(parts)).digest()).decode()
    return LocalDigest(size, full.hexdigest(), composite, len(parts), part_size or 0)


def remote_checksum(head: Mapping[str, Any]) -> tuple[str | None, int | None]:
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


def hex_from_base64(value: str) -> str | None:
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw.hex() if len(raw) == 32 else None


def mismatches(head: Mapping[str, Any], local: LocalDigest) -> list[str]:
    """Why the stored object is not the file we hashed (empty list: it is)."""
    problems = []
    size = head.get("ContentLength")
    if size != local.size:
        problems.append(f"size {size} != {local.size}")
    recorded = (head.get("Metadata") or {}).get(SHA256_KEY)
    if recorded != local.sha256:
        problems.append(f"recorded sha256 {recorded} != {local.sha256}")
    digest, parts = remote_checksum(head)
    if digest is None:
        return problems  # the store keeps no SHA-256: size and our metadata must do
    if parts is None:
        if hex_from_base64(digest) != local.sha256:
            problems.append(f"store's sha256 {hex_from_base64(digest)} != {local.sha256}")
    elif local.composite is None or (parts and parts != local.parts):
        problems.append(f"stored as {parts} parts, expected {local.parts or 'a single part'}")
    elif digest != local.composite:
        problems.append(f"store's composite checksum {digest} != {local.composite}")
    return problems


def innermost(exc: BaseException) -> BaseException:
    """The error under s3transfer's wrappers (the ClientError a failed upload hides)."""
    while isinstance(exc, S3UploadFailedError | S3TransferFailedError | RetriesExceededError):
        nested = getattr(exc, "last_exception", None) or exc.__cause__ or exc.__context__
        if nested is None:
            break
        exc = nested
    return exc


def error_code(exc: BaseException) -> str:
    """The S3 error code behind a translated error ("" when it was not an S3 answer)."""
    inner = innermost(exc.__cause__ or exc)
    if isinstance(inner, boto_errors.ClientError):
        return str(inner.response.get("Error", {}).get("Code", ""))
    return ""


def one_line(text: object) -> str:
    return " ".join(str(text).split())
