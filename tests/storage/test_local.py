"""LocalStore, the embedded default: objects as files under one folder."""

from __future__ import annotations

import hashlib
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
