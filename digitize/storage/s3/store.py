"""The S3 store itself: verified puts, bounded gets and listings, errors in our words."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import botocore.exceptions as boto_errors
from boto3.s3.transfer import TransferConfig
from s3transfer.utils import ChunksizeAdjuster

from .. import (
    ChecksumMismatch,
    ObjectInfo,
    ObjectMissing,
    StorageError,
    StoreAccessDenied,
    StoreUnavailable,
    check_key,
)
from ..local import sha256_file, temp_beside
from .checks import (
    BUSY_CODES,
    CORRUPT_CODES,
    DENIED_CODES,
    MISSING_CODES,
    NETWORK_ERRORS,
    NO_CONDITION_CODES,
    SHA256_KEY,
    LocalDigest,
    decode_metadata,
    digest_file,
    encode_metadata,
    error_code,
    hex_from_base64,
    innermost,
    mismatches,
    one_line,
    remote_checksum,
)
from .settings import S3Settings, build_client

logger = logging.getLogger(__name__)

_HEX64_RE = re.compile(r"^[0-9a-f]{64}$")
_BUCKET_RE = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_MAX_PRESIGN_SECONDS = 7 * 24 * 3600  # SigV4 limit


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
        user_metadata = encode_metadata(metadata or {}, sha256=sha256)
        local = self._digest_as_given(path, sha256)
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

    def _digest_as_given(self, path: Path, sha256: str) -> LocalDigest:
        """The file's digest, which must be the `sha256` the caller gave (64 hex digits)."""
        if not _HEX64_RE.match(sha256):
            raise ValueError(f"sha256 must be 64 hex digits, not {sha256!r}")
        local = self._digest(path)
        if local.sha256 != sha256:
            raise ChecksumMismatch(
                f"{path} hashes to {local.sha256}, not {sha256}: the file changed after it was "
                "hashed; hash it again and retry"
            )
        return local

    def _upload(self, path: Path, full: str, key: str, extra: dict[str, Any], *, create_only: bool) -> None:
        """upload_file, create-only when asked and the server takes `If-None-Match: *`."""
        conditional = create_only and self._conditional
        if conditional:
            self._create_only.add(full)
        try:
            with self._errors("upload", key):
                self.client.upload_file(str(path), self.bucket, full, ExtraArgs=extra, Config=self.transfer)
        except StorageError as exc:
            if not conditional or error_code(exc) not in NO_CONDITION_CODES:
                raise
            logger.info("%s does not take conditional writes (%s): checking for the key before "
                        "each upload instead", self.endpoint_url, error_code(exc))
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
        digest, parts = remote_checksum(head)
        server = hex_from_base64(digest) if digest is not None and parts is None else None
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

    def _digest(self, path: Path) -> LocalDigest:
        size = path.stat().st_size
        if size < self.transfer.multipart_threshold:
            return digest_file(path, None)
        part_size = ChunksizeAdjuster().adjust_chunksize(self.transfer.multipart_chunksize, size)
        return digest_file(path, part_size)

    def _problems(
        self, full: str, head: Mapping[str, Any], path: Path, local: LocalDigest,
    ) -> list[str]:
        """Why the stored object is not our file, learning the part size when it differs.

        Our digest assumes s3transfer's partitioning; an object uploaded with another
        chunk size (or by a newer s3transfer) is re-hashed with its real part size, read
        from `head_object(PartNumber=1)`, instead of being taken for a damaged one.
        """
        problems = mismatches(head, local)
        _, parts = remote_checksum(head)
        if not problems or parts is None:
            return problems
        try:
            first = self.client.head_object(Bucket=self.bucket, Key=full, PartNumber=1)
            part_size = int(first["ContentLength"])
        except (boto_errors.BotoCoreError, boto_errors.ClientError, KeyError, ValueError):
            return problems
        if part_size <= 0 or part_size == local.part_size:
            return problems
        return mismatches(head, digest_file(path, part_size))

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
            logger.warning("could not remove unverified %s: %s", self._where(full), one_line(exc))

    def _stored_sha256(self, head: Mapping[str, Any]) -> str | None:
        digest, parts = remote_checksum(head)
        if digest is not None and parts is None and (server := hex_from_base64(digest)):
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
        exc = innermost(exc)
        endpoint = self.endpoint_url
        where = f"{self.url}/{key}" if key and not key.startswith("(") else self.url
        attempts = self.settings.max_attempts
        if isinstance(exc, boto_errors.ClientError):
            error = exc.response.get("Error", {})
            code = str(error.get("Code", ""))
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
            message = one_line(error.get("Message", "")) or code
            if code == "NoSuchBucket" or (code in MISSING_CODES and self._bucket_missing()):
                return StorageError(
                    f"bucket {self.bucket!r} does not exist at {endpoint}: create it with "
                    f"`aws s3 mb s3://{self.bucket}` (add --endpoint-url {endpoint} for MinIO) "
                    "or check DIGITIZE_STORAGE_URL"
                )
            if code in MISSING_CODES:
                return ObjectMissing(f"object {key} is missing from {self.url}")
            if code in DENIED_CODES or status == 403:
                return StoreAccessDenied(
                    f"access denied ({code}) to {where} at {endpoint}: check the credentials "
                    "(AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) and the bucket policy"
                )
            if code in CORRUPT_CODES:
                return ChecksumMismatch(
                    f"the store refused the {action} of {where}: bytes arrived damaged "
                    f"({code}); retry the file"
                )
            if code in BUSY_CODES or status >= 500:
                return StoreUnavailable(
                    f"S3 at {endpoint} kept failing ({code}) after {attempts} attempts to "
                    f"{action} {where}: retry later"
                )
            return StorageError(f"S3 could not {action} {where}: {code}: {message}")
        if isinstance(exc, boto_errors.NoCredentialsError | boto_errors.PartialCredentialsError
                      | boto_errors.CredentialRetrievalError):
            return StoreAccessDenied(
                f"no usable S3 credentials for {self.url} ({one_line(exc)}): set AWS_PROFILE or "
                "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
            )
        if isinstance(exc, boto_errors.FlexibleChecksumError):
            return ChecksumMismatch(
                f"{where} arrived damaged from {endpoint} ({one_line(exc)}): retry"
            )
        if isinstance(exc, NETWORK_ERRORS):
            return StoreUnavailable(
                f"S3 endpoint {endpoint} unreachable ({type(exc).__name__}) after {attempts} "
                f"attempts to {action} {where}: check DIGITIZE_S3_ENDPOINT_URL and the "
                "network, then retry"
            )
        if isinstance(exc, boto_errors.BotoCoreError):
            return StorageError(f"S3 could not {action} {where}: {one_line(exc)}")
        return None
