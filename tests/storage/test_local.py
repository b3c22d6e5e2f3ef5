"""LocalStore, the embedded default: objects as files under one folder."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from digitize.storage import (
    ChecksumMismatch,
    ObjectInfo,
    ObjectMissing,
    ObjectStore,
    check_key,
    open_store,
)
from digitize.storage.local import LocalStore

from .conftest import MakeFile


@pytest.fixture
def local(tmp_path: Path) -> LocalStore:
    return LocalStore(tmp_path / "archive")


def test_open_store_picks_the_local_store(tmp_path: Path) -> None:
    for url in (f"file://{tmp_path}/a", str(tmp_path / "a")):
        store = open_store(url)
        assert isinstance(store, LocalStore) and isinstance(store, ObjectStore)
        assert store.root == tmp_path / "a"
        assert store.url == (tmp_path / "a").as_uri()
    with pytest.raises(ValueError, match="unsupported storage URL"):
        open_store("ftp://example.org/archive")


def test_round_trip(local: LocalStore, make_file: MakeFile, tmp_path: Path) -> None:
    path, sha = make_file(5000)
    key = f"originals/{sha[:2]}/{sha}.pdf"

    assert local.put(key, path, sha256=sha) == ObjectInfo(key, 5000, sha)

    assert local.exists(key)
    assert local.info(key).size == 5000
    assert local.checksum(key) == sha
    assert local.url_for(key) == (local.root / key).as_uri()
    dest = local.get(key, tmp_path / "copy.pdf")
    assert dest.read_bytes() == path.read_bytes()
    assert [o.key for o in local.iter()] == [key]
    assert [o.key for o in local.iter("pdf/")] == []
    assert not [p for p in local.root.rglob("*") if p.name.endswith(".part")]
    local.delete(key)
    assert not local.exists(key)
    local.delete(key)  # already gone: fine


def test_put_is_idempotent(local: LocalStore, make_file: MakeFile) -> None:
    path, sha = make_file(1000)
    local.put("pdf/a.pdf", path, sha256=sha)
    stored = local.root / "pdf/a.pdf"
    before = stored.stat()

    local.put("pdf/a.pdf", path, sha256=sha)

    after = stored.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert [o.key for o in local.iter()] == ["pdf/a.pdf"]


def test_put_repairs_a_damaged_copy(local: LocalStore, make_file: MakeFile) -> None:
    path, sha = make_file(1000)
    local.put("pdf/a.pdf", path, sha256=sha)
    (local.root / "pdf/a.pdf").write_bytes(b"damaged")
    assert local.checksum("pdf/a.pdf") != sha

    local.put("pdf/a.pdf", path, sha256=sha)

    assert local.checksum("pdf/a.pdf") == sha


def test_wrong_sha256_is_refused(local: LocalStore, make_file: MakeFile) -> None:
    path, _ = make_file(1000)
    wrong = hashlib.sha256(b"other").hexdigest()
    with pytest.raises(ChecksumMismatch):
        local.put("pdf/a.pdf", path, sha256=wrong)
    assert not local.exists("pdf/a.pdf")
    assert not [p for p in local.root.rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    "key", ["../escape.pdf", "/etc/passwd", "a/../../b", "a//b", "./a", "a/.", "", "tên.pdf",
            "a b.pdf", ".hidden", "a\\b"],
)
def test_unsafe_keys_are_refused(local: LocalStore, make_file: MakeFile, key: str) -> None:
    path, sha = make_file(10)
    with pytest.raises(ValueError, match="unsafe object key"):
        check_key(key)
    with pytest.raises(ValueError, match="unsafe object key"):
        local.put(key, path, sha256=sha)
    with pytest.raises(ValueError, match="unsafe object key"):
        local.get(key, local.root.parent / "out")
    assert not (local.root.parent / "escape.pdf").exists()


def test_safe_keys_pass() -> None:
    for key in ("originals/ab/abc.pdf", "ocr/0f/0f.json", "pdf/x_y-z.1.pdf"):
        assert check_key(key) == key


def test_missing_objects(local: LocalStore, tmp_path: Path) -> None:
    assert not local.exists("pdf/none.pdf")
    for call in (
        lambda: local.get("pdf/none.pdf", tmp_path / "x.pdf"),
        lambda: local.info("pdf/none.pdf"),
        lambda: local.checksum("pdf/none.pdf"),
    ):
        with pytest.raises(ObjectMissing, match="missing"):
            call()
    assert not (tmp_path / "x.pdf").exists()
    assert list(local.iter()) == []  # even before the folder exists


def test_keep_existing_never_overwrites(local: LocalStore, make_file: MakeFile) -> None:
    """Item 6: another run's rendition under the key is kept, and its checksum returned."""
    theirs, their_sha = make_file(1000, "theirs.pdf", seed=1)
    ours, our_sha = make_file(1200, "ours.pdf", seed=2)
    local.put("pdf/a.pdf", theirs, sha256=their_sha, keep_existing=True)

    info = local.put("pdf/a.pdf", ours, sha256=our_sha, keep_existing=True)

    assert info == ObjectInfo("pdf/a.pdf", 1000, their_sha)
    assert local.checksum("pdf/a.pdf") == their_sha
    assert not [p for p in local.root.rglob("*") if p.name.endswith(".part")]


def test_keep_existing_loses_a_race_without_overwriting(
    local: LocalStore, make_file: MakeFile, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Item 6: the other writer lands after our check, while our copy is written: ours yields."""
    from digitize.storage import local as local_module

    theirs, their_sha = make_file(1000, "theirs.pdf", seed=1)
    ours, our_sha = make_file(1200, "ours.pdf", seed=2)
    write_temp = local_module._write_temp

    def racing(src: Path, dest: Path) -> tuple[Path, str]:
        written = write_temp(src, dest)
        if src == ours:  # the other run's write, through the same code, finishes first
            LocalStore(local.root).put("pdf/a.pdf", theirs, sha256=their_sha, keep_existing=True)
        return written

    monkeypatch.setattr(local_module, "_write_temp", racing)
    info = local.put("pdf/a.pdf", ours, sha256=our_sha, keep_existing=True)

    assert info.sha256 == their_sha and local.checksum("pdf/a.pdf") == their_sha
    assert (local.root / "pdf/a.pdf").read_bytes() == theirs.read_bytes()
    assert not [p for p in local.root.rglob("*") if p.name.endswith(".part")]


def test_temporary_names_are_swept_as_unfinished_writes(local: LocalStore, tmp_path: Path) -> None:
    """The temporary name is unique per writer, hidden from listings, and what the sweep finds."""
    from digitize.storage.local import temp_beside

    dest = local.root / "pdf" / "a.pdf"
    (fd1, one), (fd2, two) = temp_beside(dest), temp_beside(dest)
    os.close(fd1)
    os.close(fd2)
    assert one != two and one.parent == two.parent == dest.parent
    assert one.name.startswith(".a.pdf.") and one.name.endswith(".part")
    assert list(local.iter()) == []
    names = sorted(p.relative_to(local.root).as_posix() for p in (one, two))
    assert sorted(local.partials(older_than=0)) == names


@contextmanager
def umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_objects_and_copies_follow_the_umask(
    local: LocalStore, make_file: MakeFile, tmp_path: Path, mask: int, mode: int,
) -> None:
    """Item 18: stored objects and `get` output get the mode any file of the user gets."""
    path, sha = make_file(1000)
    with umask(mask):
        local.put("pdf/a.pdf", path, sha256=sha)
        local.put("ocr/a.json", path, sha256=sha, keep_existing=True)
        copy = local.get("pdf/a.pdf", tmp_path / "out" / "a.pdf")
    for got in (local.root / "pdf/a.pdf", local.root / "ocr/a.json", copy):
        assert stat.S_IMODE(got.stat().st_mode) == mode, got
