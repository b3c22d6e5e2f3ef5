"""What goes wrong around the archive is said in one line that names it, with the archive's
exit code: a full disk under the store (6) or the database (7), a read-only database (7), a
store that cannot be reached or has no credentials (6), a mistyped --home or -o folder (4),
a setting out of range (10). A read-only home can still be searched, shown and exported.
"""

from __future__ import annotations

import errno
import json
import os
import socket
from pathlib import Path

import pytest

from digitize import db
from digitize.errors import ExitCode

from ..conftest import json_lines
from .readonly import read_only
from .scans import settled_inbox, untouched

pytestmark = pytest.mark.slow


def one_error(result, *words: str) -> str:
    """The run printed exactly one error line, naming every word, and no traceback."""
    errors = [line for line in result.stderr.splitlines() if line.startswith("digitize: error:")]
    assert len(errors) == 1 and all(w in errors[0] for w in words), result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    return errors[0]


@pytest.fixture
def archived(run, page_pdf) -> dict:
    """One document in the test's archive (its ingest row)."""
    (row,) = json_lines(run("ingest", page_pdf("qd.pdf"), "--json", "--jobs", "1").stdout)
    assert row["status"] == "ingested"
    return row


def store_disk_full(monkeypatch, store: Path, *, over: int = 1024) -> None:
    """The store's disk fills up: an fsync of a file over `over` bytes in the store fails with
    ENOSPC, as a delayed write does on a full disk (a small write check still fits)."""
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if os.readlink(f"/proc/self/fd/{fd}").startswith(str(store)) and os.fstat(fd).st_size > over:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)


def test_a_full_store_disk_is_a_storage_error_and_the_file_stays(run, home, tmp_path, page_pdf, monkeypatch):
    inbox = settled_inbox(tmp_path / "inbox", page_pdf)
    store_disk_full(monkeypatch, home / "store")
    result = run("inbox", inbox, "--jobs", "1")
    assert result.exit_code == ExitCode.STORAGE_ERROR, result.output
    one_error(result, "disk is full", "2 file(s) left in the inbox")
    assert untouched(inbox)
    assert not [p for p in (home / "store").rglob("*") if p.is_file() and "probe" not in str(p)]


def test_a_full_store_disk_while_healing_a_lost_original(run, home, archived, monkeypatch):
    source = Path(archived["file"])
    next((home / "store" / "originals").rglob("*.pdf")).unlink()  # the stored original is lost
    store_disk_full(monkeypatch, home / "store")
    result = run("ingest", source, "--jobs", "1")  # its identical copy would put it back
    assert result.exit_code == ExitCode.STORAGE_ERROR, result.output
    one_error(result, "disk is full", "could not be put back")
    assert source.is_file()


def database_full(monkeypatch) -> None:
    """The database's disk is full: SQLite may not grow the file past its size now."""
    real = db._sqlite_pragmas

    def pragmas(conn, record) -> None:
        real(conn, record)
        cur = conn.cursor()
        pages = cur.execute("PRAGMA page_count").fetchone()[0]
        cur.execute(f"PRAGMA max_page_count={max(pages, 1)}")
        cur.close()

    monkeypatch.setattr(db, "_sqlite_pragmas", pragmas)


def test_a_full_database_disk_says_so(run, home, tmp_path, page_pdf, monkeypatch):
    assert run("db", "upgrade").exit_code == ExitCode.OK
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    scan = page_pdf("long.pdf", pages=16).rename(inbox / "long.pdf")  # more text than a free page holds
    os.utime(scan, (scan.stat().st_mtime - 60,) * 2)
    database_full(monkeypatch)
    result = run("inbox", inbox, "--jobs", "1", "--settle", "1")
    assert result.exit_code == ExitCode.DATABASE_ERROR, result.output
    line = one_error(result, "disk is full", "free space", "left in the inbox")
    assert "server is running" not in line and "[SQL" not in line
    assert sorted(p.name for p in inbox.iterdir() if not p.name.startswith(".")) == ["long.pdf"]


def test_a_read_only_database_file_says_so(run, home, page_pdf):
    assert run("db", "upgrade").exit_code == ExitCode.OK
    with read_only(home / "digitize.sqlite3"):
        result = run("ingest", page_pdf("a.pdf"), "--jobs", "1")
    assert result.exit_code == ExitCode.DATABASE_ERROR, result.output
    line = one_error(result, "read-only", "digitize.sqlite3")
    assert "server is running" not in line


def test_a_read_only_home_can_be_searched_shown_and_exported(run, home, archived, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    # a log file in the home cannot be written either: the commands go on without it
    (home / "digitize.toml").write_text(f'log_file = "{home / "logs" / "digitize.log"}"\n', "utf-8")
    before = sorted(p.name for p in home.iterdir())
    with read_only(home):
        results = {args[0]: run(*args) for args in (
            ("search", "chuyen doi so", "--json"), ("show", archived["id"], "--json"), ("stats", "--json"),
            ("export", "--format", "csv", "-o", out / "all.csv"), ("get", archived["id"], "-o", out),
            ("review", "--list"), ("db", "current"), ("verify",),
        )}
        for name, result in results.items():
            assert result.exit_code == ExitCode.OK, (name, result.output)
        ingest = run("ingest", archived["file"], "--jobs", "1")
    assert [h["id"] for h in json_lines(results["search"].stdout)] == [archived["id"]]
    assert json.loads(results["show"].stdout)["sha256"] == archived["sha256"]
    assert json.loads(results["stats"].stdout)["documents"] == 1
    assert (out / "all.csv").read_text("utf-8-sig").count("\n") == 2
    assert (out / "qd.searchable.pdf").read_bytes().startswith(b"%PDF")
    assert results["db"].stdout.startswith(db.HEAD_REVISION)
    assert ingest.exit_code == ExitCode.DATABASE_ERROR
    one_error(ingest, "read-only")
    assert sorted(p.name for p in home.iterdir()) == before


@pytest.mark.parametrize("args", [("stats",), ("show", "1"), ("review", "--list"), ("db", "current"),
                                  ("search", "x"), ("export",)])
def test_a_mistyped_home_makes_no_empty_archive(run, home, args):
    result = run(*args)  # the home fixture is an empty folder: no archive there
    assert result.exit_code == ExitCode.NOT_FOUND, result.output
    one_error(result, "no archive in", str(home), "digitize ingest")
    assert list(home.iterdir()) == []


@pytest.mark.parametrize("command", ["export", "get"])
def test_output_into_a_missing_folder(run, archived, tmp_path, command):
    target = tmp_path / "no-such-folder" / "out.file"
    args = ("export", "-o", target) if command == "export" else ("get", archived["id"], "-o", target)
    result = run(*args)
    assert result.exit_code == ExitCode.NOT_FOUND, result.output
    one_error(result, "no-such-folder", "no such folder")
    assert not target.parent.exists()


def dead_endpoint() -> str:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


@pytest.fixture
def s3_env(monkeypatch, tmp_path):
    """An S3 endpoint that is down, fast retries, and no trace of the machine's AWS setup."""
    nowhere = tmp_path / "no-aws-config"
    for name, value in {"DIGITIZE_S3_ENDPOINT_URL": dead_endpoint(), "DIGITIZE_S3_MAX_ATTEMPTS": "1",
                        "DIGITIZE_S3_TIMEOUT": "2", "AWS_CONFIG_FILE": str(nowhere),
                        "AWS_SHARED_CREDENTIALS_FILE": str(nowhere), "AWS_EC2_METADATA_DISABLED": "true",
                        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "http_proxy", "https_proxy", "HTTP_PROXY",
                 "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_verify_with_the_store_down(run, archived, s3_env):
    result = run("--storage", "s3://archive/vanthu", "verify")
    assert result.exit_code == ExitCode.STORAGE_ERROR, result.output
    one_error(result, "s3://archive/vanthu", "unreachable")


def test_import_from_s3_without_credentials(run, s3_env):
    s3_env.delenv("AWS_ACCESS_KEY_ID")
    s3_env.delenv("AWS_SECRET_ACCESS_KEY")
    assert run("db", "upgrade").exit_code == ExitCode.OK
    result = run("reindex", "--import", "s3://old-scans/2019", "--jobs", "1")
    assert result.exit_code == ExitCode.STORAGE_ERROR, result.output
    one_error(result, "s3://old-scans/2019", "credentials", "AWS_ACCESS_KEY_ID")


@pytest.mark.parametrize("command", [("db", "upgrade"), ("db", "current")])
def test_db_commands_on_a_damaged_database(run, home, command):
    (home / "digitize.sqlite3").write_bytes(b"this is not a database, but it is long enough" * 100)
    result = run(*command)
    assert result.exit_code == ExitCode.DATABASE_ERROR, result.output
    one_error(result, "digitize.sqlite3", "not a database")


def test_db_upgrade_on_a_read_only_home(run, home):
    assert run("db", "current").exit_code == ExitCode.NOT_FOUND
    (home / "digitize.sqlite3").touch()  # an empty file: the schema is not there yet
    with read_only(home):
        result = run("db", "upgrade")
    assert result.exit_code == ExitCode.DATABASE_ERROR, result.output
    one_error(result, "read-only", str(home))


@pytest.mark.parametrize("value", ["0", "-5", "604801"])
def test_url_expiry_out_of_range(run, monkeypatch, value):
    monkeypatch.setenv("DIGITIZE_URL_EXPIRY", value)
    result = run("show", "1")
    assert result.exit_code == ExitCode.CONFIG_ERROR, result.output
    one_error(result, "url_expiry", "1 to 604800")
