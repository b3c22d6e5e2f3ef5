"""Where the records live: SQLAlchemy 2.0 models, Alembic migrations, queries."""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
# The newest migration's revision. Every run compares the database with it, and importing
# Alembic to find it would cost each command a tenth of a second; a test keeps it equal to
# the head of `migrations/versions`, so a new migration must update it.
HEAD_REVISION = "0003"
SQLITE_BUSY_TIMEOUT_MS = 30_000  # how long a write waits for another command's transaction
# The key of the PostgreSQL advisory lock that one schema upgrade at a time holds
# (any fixed 64-bit number; this one spells "digitize" in ASCII, truncated).
SCHEMA_LOCK_KEY = 0x6469676974697A65


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite database URL (None: another database, or in memory)."""
    if not url.startswith("sqlite:///"):
        return None
    return Path(url.removeprefix("sqlite:///").split("?", 1)[0]).expanduser()


def cannot_write(path: Path) -> bool:
    """Whether SQLite could not write this database: its file or its folder is read-only
    (a read-only mount, or modes that forbid this user)."""
    return not os.access(path.parent, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK))


def make_engine(url: str, *, read_only: bool = False) -> Engine:
    """An engine with the pragmas SQLite needs for a shared archive (WAL, FKs, waiting).

    `read_only` (SQLite only) opens an existing file without writing anything beside it. In
    a folder that cannot be written, WAL's -shm file cannot be made: with no -wal file there
    (no writer has it open) the file is opened immutable, as on a read-only medium; with one,
    SQLite reads it read-only with the writer's files, so that nothing half-written is seen.
    """
    path = sqlite_path(url)
    if read_only and path is not None:
        return _read_only_engine(path)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True, pool_pre_ping=not url.startswith("sqlite"))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _read_only_engine(path: Path) -> Engine:
    writer = os.access(path.parent, os.W_OK | os.X_OK) or path.with_name(path.name + "-wal").exists()
    uri = f"file:{quote(str(path.absolute()))}?{'mode=ro' if writer else 'immutable=1'}"

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, check_same_thread=False)

    engine = create_engine("sqlite://", creator=connect, future=True)
    event.listen(engine, "connect", _sqlite_read_pragmas)
    return engine


def _sqlite_read_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA query_only=ON")
    cur.close()


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    # first: switching a new database to WAL takes its lock, and another command may hold it
    cur.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_MS)}")
    _wal(cur)
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _wal(cur: sqlite3.Cursor) -> None:
    """Switch to WAL (once per database: it stays). Commands racing on a new file can get
    "database is locked" here at once, without SQLite's busy handler being asked: wait and
    try again, up to the busy timeout."""
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    pause = 0.01
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.5)


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    # Alembic keeps options in a ConfigParser, where `%` starts an interpolation: a password
    # with %-escapes (Van%40Thu) would fail there, in a message that quotes the whole URL
    url = engine.url.render_as_string(hide_password=False)
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def current_revision(engine: Engine) -> str | None:
    """The revision recorded in the database's alembic_version table (None: empty database)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def head_revision(engine: Engine) -> str | None:
    """The newest revision in `migrations/versions`, as Alembic reads it."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to date; the only way the schema changes.

    One command at a time: two commands started together on a new home would otherwise both
    create the tables, and the second fail. Under the lock Alembic reads the revision afresh,
    so the commands that waited find the work done and change nothing.
    """
    from alembic import command

    cfg = alembic_config(engine)
    with _sqlite_schema_lock(engine), engine.begin() as conn:
        if conn.dialect.name == "postgresql":  # held until this transaction ends
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK_KEY})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


@contextmanager
def _sqlite_schema_lock(engine: Engine) -> Iterator[None]:
    """An exclusive flock on `<database>.schema.lock` beside a SQLite file (SQLite has no lock
    that spans Alembic's statements). Where it cannot be made (a read-only folder), no lock:
    such a database cannot be upgraded by anyone, and the upgrade reports why."""
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    if not path or path == ":memory:" or path.startswith("file:"):
        yield
        return
    try:
        fd = os.open(f"{Path(path).expanduser()}.schema.lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        log.debug("no schema lock beside %s: %s", path, exc)
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # held for the seconds an upgrade takes; a dead holder frees it
        yield
    finally:
        os.close(fd)


def ensure_schema(engine: Engine) -> None:
    if current_revision(engine) != HEAD_REVISION:
        log.info("upgrading database schema to %s", HEAD_REVISION)
        upgrade(engine)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
