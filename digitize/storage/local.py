"""The embedded default: objects as files under one folder, written atomically."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from . import ChecksumMismatch, ObjectInfo, ObjectMissing, check_key

_CHUNK = 1 << 20
_PART = ".part"  # what an unfinished write's temporary name ends with


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _atomic_copy(src: Path, dest: Path) -> str:
    """Copy src to dest through a temp file + fsync + rename; return the copy's sha256."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    h = hashlib.sha256()
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out, open(src, "rb") as f:
            while chunk := f.read(_CHUNK):
                h.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return h.hexdigest()


class LocalStore:
    """Objects under `root`, one file per key."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).expanduser().resolve()
        self.url = self.root.as_uri()

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def put(
        self, key: str, path: Path, *, sha256: str, content_type: str = "application/octet-stream",
        metadata: dict[str, str] | None = None,
    ) -> ObjectInfo:
        dest = self._path(key)
        if dest.exists() and sha256_file(dest) == sha256:
            return ObjectInfo(key, dest.stat().st_size, sha256)
        got = _atomic_copy(Path(path), dest)
        if got != sha256:
            dest.unlink(missing_ok=True)
            raise ChecksumMismatch(f"{key}: wrote {got}, expected {sha256}; the source changed while copying")
        return ObjectInfo(key, dest.stat().st_size, got)

    def get(self, key: str, dest: Path) -> Path:
        src = self._path(key)
        if not src.is_file():
            raise ObjectMissing(f"object {key} is missing from {self.url}")
        dest = Path(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
        os.close(fd)
        try:
            shutil.copyfile(src, tmp)
            os.replace(tmp, dest)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return dest

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def info(self, key: str) -> ObjectInfo:
        p = self._path(key)
        if not p.is_file():
            raise ObjectMissing(f"object {key} is missing from {self.url}")
        return ObjectInfo(key, p.stat().st_size, None)

    def checksum(self, key: str) -> str | None:
        p = self._path(key)
        if not p.is_file():
            raise ObjectMissing(f"object {key} is missing from {self.url}")
        return sha256_file(p)

    def url_for(self, key: str, *, expires: int = 3600) -> str:
        return self._path(key).as_uri()

    def iter(self, prefix: str = "") -> Iterator[ObjectInfo]:
        if not self.root.is_dir():
            return
        for p in sorted(self.root.rglob("*")):
            if p.is_file() and not p.name.startswith(".") and not p.name.endswith(_PART):
                key = p.relative_to(self.root).as_posix()
                if key.startswith(prefix):
                    yield ObjectInfo(key, p.stat().st_size, None)

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def partials(self, *, older_than: float) -> Iterator[str]:
        """Unfinished writes (`*.part`, any temporary name) unchanged for `older_than` seconds,
        as paths relative to the root: what a killed run leaves behind."""
        if not self.root.is_dir():
            return
        now = time.time()
        for dirpath, _dirs, files in os.walk(self.root):
            for name in sorted(files):
                path = Path(dirpath) / name
                try:
                    if name.endswith(_PART) and now - path.lstat().st_mtime >= older_than:
                        yield path.relative_to(self.root).as_posix()
                except FileNotFoundError:  # finished (renamed) meanwhile
                    continue

    def remove_partial(self, name: str) -> None:
        path = (self.root / name).resolve()
        if not name.endswith(_PART) or not path.is_relative_to(self.root):
            raise ValueError(f"not an unfinished write in the store: {name!r}")
        path.unlink(missing_ok=True)
