"""Where the bytes live: a small object-store interface in domain words.

`open_store(url)` picks the implementation from the URL scheme:
`file:///path/to/folder` (the embedded default) or `s3://bucket/prefix`.
Keys are content-addressed (`originals/ab/<sha256>.pdf`) and never come from user input.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

_KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*$")


class StorageError(Exception):
    """A store operation failed; the message says what to do."""


class ObjectMissing(StorageError, FileNotFoundError):
    """The key does not exist in the store."""


class StoreAccessDenied(StorageError, PermissionError):
    """Credentials do not allow this operation."""


class StoreUnavailable(StorageError, ConnectionError):
    """The store could not be reached (or kept failing past the retry budget)."""


class ChecksumMismatch(StorageError):
    """What the store holds is not what we sent."""


@dataclass(frozen=True, slots=True)
class ObjectInfo:
    key: str
    size: int
    sha256: str | None  # hex digest when the store knows it


@runtime_checkable
class ObjectStore(Protocol):
    url: str

    def put(
        self, key: str, path: Path, *, sha256: str, content_type: str = "application/octet-stream",
        metadata: dict[str, str] | None = None, keep_existing: bool = False,
    ) -> ObjectInfo:
        """Store the file at `path` under `key`, verified against `sha256` (hex); the write is
        atomic (readers see the old object or the new one, never a part).

        By default an object already there is replaced unless it is identical. With
        `keep_existing` the write only creates: an object already under `key`, or one another
        writer stores first while this one uploads, is kept and its info returned (its
        `sha256` is then the stored object's, which the caller must record). That is how two
        runs racing to store their own rendition of one scan leave one consistent object.
        """
        ...

    def get(self, key: str, dest: Path) -> Path:
        """Write the object to `dest` (atomically) and return it."""
        ...

    def exists(self, key: str) -> bool: ...

    def info(self, key: str) -> ObjectInfo:
        """Size and stored checksum; raises ObjectMissing."""
        ...

    def checksum(self, key: str) -> str | None:
        """The store's own SHA-256 of the object (hex), if it keeps one."""
        ...

    def url_for(self, key: str, *, expires: int = 3600) -> str:
        """A URL a person can open: file:// locally, presigned https for S3."""
        ...

    def iter(self, prefix: str = "") -> Iterator[ObjectInfo]: ...

    def delete(self, key: str) -> None: ...


def check_key(key: str) -> str:
    """Refuse keys that could escape the archive (`..`, absolute, odd characters)."""
    if not _KEY_RE.match(key) or any(part in {".", ".."} for part in key.split("/")):
        raise ValueError(f"unsafe object key: {key!r}")
    return key


def open_store(url: str) -> ObjectStore:
    """Open the store named by `url` (file://... or s3://bucket/prefix)."""
    if url.startswith("file://"):
        from .local import LocalStore

        return LocalStore(Path(url.removeprefix("file://")))
    if url.startswith("s3://"):
        from .s3 import S3Store

        return S3Store.from_url(url)
    if "://" not in url:
        from .local import LocalStore

        return LocalStore(Path(url))
    raise ValueError(f"unsupported storage URL {url!r}: use file:///path or s3://bucket/prefix")
