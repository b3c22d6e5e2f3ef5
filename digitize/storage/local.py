"""The embedded default: objects as files under one folder, written atomically."""

from __future__ import annotations

import errno
import hashlib
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

from . import ChecksumMismatch, ObjectInfo, ObjectMissing, check_key

_CHUNK = 1 << 20
_PART = ".part"  # what an unfinished write's temporary name ends with
_NO_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK, errno.ENOSYS}


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def temp_beside(dest: Path) -> tuple[int, Path]:
    """A new, empty file beside `dest` (`.<name>.<random>.part`) open for writing.

    Same folder, so the final rename is atomic; a name no other writer can pick, so two
    writers of one key never share a temporary file; created with mode 0666 less the umask
    (like any file the user makes), so what is renamed into place follows the umask too;
    the `.part` ending is what the sweep of unfinished writes looks for (leftovers.py).
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    while True:
        tmp = dest.with_name(f".{dest.name}.{secrets.token_hex(8)}{_PART}")
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:  # 64 random bits taken already: draw again
            continue


def _write_temp(src: Path, dest: Path) -> tuple[Path, str]:
    """Copy src to a temporary file beside dest, fsynced; return it and the copy's sha256."""
    h = hashlib.sha256()
    fd, tmp = temp_beside(dest)
    try:
        with os.fdopen(fd, "wb") as out, open(src, "rb") as f:
            while chunk := f.read(_CHUNK):
                h.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp, h.hexdigest()


def _link_if_absent(tmp: Path, dest: Path) -> bool:
    """Give `tmp` the name `dest` unless `dest` exists; False when another writer got there first.

    A hard link never replaces an existing name, so of two writers racing for one key exactly
    one wins and the other's bytes are dropped. A filesystem without hard links (FAT, some
    network shares) gets "rename only if absent", which leaves a short window between the
    check and the rename.
    """
    try:
        os.link(tmp, dest)
        return True
    except FileExistsError:
        return False
    except OSError as exc:
        if exc.errno not in _NO_LINKS:
            raise
    if dest.exists():
        return False
    os.replace(tmp, dest)
    return True


def _fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` survive a power cut (where the platform allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class LocalStore:
    """Objects under `root`, one file per key."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).expanduser().resolve()
        self.url = self.root.as_uri()

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def put(
        self, key: str, path: Path, *, sha256: str, content_type: str = "application/octet-stream",
        metadata: dict[str, str] | None = None, keep_existing: bool = False,
    ) -> ObjectInfo:
        dest = self._path(key)
        if dest.is_file():
            stored = sha256_file(dest)
            if keep_existing or stored == sha256:
                return ObjectInfo(key, dest.stat().st_size, stored)
        tmp, got = _write_temp(Path(path), dest)
        try:
            if got != sha256:
                raise ChecksumMismatch(f"{key}: wrote {got}, expected {sha256}; "
                                       "the source changed while copying")
            if keep_existing:
                if not _link_if_absent(tmp, dest):  # another run stored its own copy meanwhile
                    return ObjectInfo(key, dest.stat().st_size, sha256_file(dest))
            else:
                os.replace(tmp, dest)
            _fsync_dir(dest.parent)
        finally:
            tmp.unlink(missing_ok=True)
        return ObjectInfo(key, dest.stat().st_size, got)

    def get(self, key: str, dest: Path) -> Path:
        src = self._path(key)
        if not src.is_file():
            raise ObjectMissing(f"object {key} is missing from {self.url}")
        dest = Path(dest)
        fd, tmp = temp_beside(dest)
        try:
            with os.fdopen(fd, "wb") as out, open(src, "rb") as f:
                shutil.copyfileobj(f, out, _CHUNK)
            os.replace(tmp, dest)
        except BaseException:
            tmp.unlink(missing_ok=True)
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
