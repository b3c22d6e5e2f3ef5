"""The archive a command works on: settings, database and object store, opened lazily.

The package is the one place the pipelines share (they never import each other's private
names):
- here, `Archive` (what a command opens), the checks of stored objects (`check_object`,
  `stored_original`) and the folded filter keys;
- `contract.py`, what a document is in the archive: object keys, `ocr.json`,
  `PIPELINE_VERSION`, the search index rows and the two commits (new record, replacement),
  the seam a queue worker uses as ingest does;
- `errors.py`, what a failing database or store says (`database_error`, `store_problem`).
A new storage backend goes in `digitize/storage/` (`open_store` picks it by URL): `Archive.store`
is all the pipelines see of it.
"""

from __future__ import annotations

import getpass
import hashlib
import logging
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import cached_property
from pathlib import Path

from sqlalchemy import Engine, false, update
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from ... import db
from ...config import Settings, make_home, safe_url
from ...db import repository
from ...db.models import Document
from ...errors import ArchiveError, ConfigError, DatabaseError, NotFound
from ...metadata.text import fold
from ...records import Metadata, ProblemKind
from ...storage import ObjectMissing, ObjectStore, StorageError, open_store
from .errors import database_error, store_problem

log = logging.getLogger(__name__)


def current_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def filter_key(value: str | None) -> str | None:
    """What a text filter compares: the value folded (case, tone marks, đ -> d) with its
    spaces collapsed; the same on both sides, the stored field and what the clerk typed."""
    if value is None:
        return None
    return " ".join(fold(value).split()) or None


def filter_keys(metadata: Metadata) -> dict[str, str | None]:
    """The folded filter keys of a document's current metadata (repository.FOLDED_FIELDS)."""
    return {name: filter_key(metadata.value(name)) for name in repository.FOLDED_FIELDS}


class Archive:
    """Database + object store for one command; nothing is opened until first used.

    `reading`: the command only reads (search, show, export...). It needs an archive that
    exists (a mistyped --home must not make an empty one), and works on a read-only home:
    the database is then opened read-only, with no schema upgrade.
    """

    def __init__(self, settings: Settings, *, reading: bool = False) -> None:
        self.settings = settings
        self.reading = reading

    def ensure_home(self) -> Path:
        """The data home, made as home_mode says (0700) before anything is put in it."""
        with suppress(OSError):  # what cannot be created is reported by whatever needed it
            make_home(self.settings)
        return self.settings.home

    def ensure_home_for_db(self) -> str:
        """The database URL, once the home the default SQLite file lives in is made."""
        if self.settings.db_url is None:
            self.ensure_home()
        return self.settings.effective_db_url

    @cached_property
    def engine(self) -> Engine:
        return self.open_engine()

    def open_engine(self, *, upgrade: bool = True) -> Engine:
        """The database's engine; `upgrade` brings its schema up to date first (when it can
        be written: a read-only archive must already be at the current schema)."""
        # a command that only reads never makes a home: a mistyped --home is not an archive
        url = self.settings.effective_db_url if self.reading else self.ensure_home_for_db()
        path = db.sqlite_path(url)
        if self.reading and path is not None and not path.is_file():
            raise NotFound(f"no archive in {path.parent} ({path.name} is not there)",
                           advice="check --home (DIGITIZE_HOME) or --db; `digitize ingest FILES` or "
                           "`digitize db upgrade` creates an archive")
        read_only = self.reading and path is not None and db.cannot_write(path)
        try:
            engine = db.make_engine(url, read_only=read_only)
            if upgrade and read_only:
                _check_schema(engine, url)
            elif upgrade:
                db.ensure_schema(engine)
        except SQLAlchemyError as exc:  # OperationalError, or DatabaseError: "file is not a database"
            raise database_error(exc, url, "cannot open the database") from exc
        except ArgumentError as exc:  # its text never holds the URL
            raise ConfigError(f"the database URL {safe_url(url)} is not valid: {exc}",
                              advice="check DIGITIZE_DB_URL (--db); %-escape @ : / % in a password") from exc
        except ModuleNotFoundError as exc:
            raise ConfigError(f"database driver missing for {safe_url(url)}: {exc}",
                              advice="pip install 'digitize[postgres]'") from exc
        return engine

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        return db.session_factory(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on error."""
        with self.sessions() as session:
            try:
                yield session
                session.commit()
            except SQLAlchemyError as exc:
                session.rollback()
                raise database_error(exc, self.settings.effective_db_url, "cannot use the database") from exc
            except BaseException:
                session.rollback()
                raise

    @cached_property
    def store(self) -> ObjectStore:
        if self.settings.storage_url is None:
            self.ensure_home()
        try:
            return open_store(self.settings.effective_storage_url)
        except ValueError as exc:
            raise ConfigError(str(exc)) from exc

    def preflight(self) -> None:
        """Before any OCR: check that the database and the store both take a write, so that an
        outage, wrong credentials, a missing bucket or a read-only home fail the run at once,
        with the archive's exit code, instead of each file after its OCR."""
        self._check_database()
        self._check_store()

    def _check_database(self) -> None:
        with self.sessions() as session:  # self.engine raises DatabaseError if it cannot open
            try:  # an update of no rows still takes the write lock (SQLite) or needs a writable server
                session.execute(update(Document).where(false()).values(id=Document.id))
            except SQLAlchemyError as exc:
                raise database_error(exc, self.settings.effective_db_url, "cannot write to the database",
                                     advice="check that no other program holds it locked, then run "
                                     "the same command again") from exc
            finally:
                session.rollback()

    def _check_store(self) -> None:
        store = self.store
        data = f"digitize write check {uuid.uuid4()}\n".encode()
        key = f"digitize-probe/{uuid.uuid4().hex}.txt"
        try:
            with tempfile.TemporaryDirectory(prefix="digitize-probe-", dir=self.settings.tmp_dir) as tmp:
                probe = Path(tmp) / "probe.txt"
                probe.write_bytes(data)
                store.put(key, probe, sha256=hashlib.sha256(data).hexdigest(), content_type="text/plain")
        except (StorageError, OSError) as exc:
            raise ArchiveError(f"the object store {store.url} cannot be written: {store_problem(exc)}",
                               advice="fix the store (or its credentials), then run the same "
                               "command again") from exc
        try:
            store.delete(key)
        except (StorageError, OSError) as exc:  # a write-once bucket: the probe stays, harmless
            log.info("could not remove the write check %s from %s: %s", key, store.url, exc)

    def close(self) -> None:
        if "engine" in self.__dict__:
            self.engine.dispose()


def _deep_check(store: ObjectStore, key: str, tmp: Path, *, pdf: bool) -> tuple[str, str | None]:
    """Download the object: its sha256 and, for a searchable PDF, why it would not open."""
    from ...ocr import integrity
    from ...ocr.sources import sha256_of

    dest = store.get(key, tmp / "object")
    try:
        return sha256_of(dest), integrity.unreadable(dest) if pdf else None
    finally:
        dest.unlink(missing_ok=True)


def check_object(store: ObjectStore, key: str, sha: str | None, size: int | None, *, deep: bool = False,
                 tmp: Path | None = None, pdf: bool = False) -> tuple[ProblemKind, str] | None:
    """(problem kind, detail) for one object, or None if it is as recorded. `deep` downloads
    it into `tmp` and hashes it instead of asking the store for its checksum, and checks that
    a searchable PDF (`pdf`) opens in qpdf and poppler."""
    damage: str | None = None
    try:
        info = store.info(key)
        if size is not None and info.size != size:
            return "size", f"{info.size} bytes in the store, {size} recorded"
        if sha is None:
            return None
        stored: str | None
        if deep and tmp is None:
            with tempfile.TemporaryDirectory(prefix="digitize-check-") as scratch:
                stored, damage = _deep_check(store, key, Path(scratch), pdf=pdf)
        elif deep:
            assert tmp is not None
            stored, damage = _deep_check(store, key, tmp, pdf=pdf)
        else:
            stored = info.sha256 or store.checksum(key)
    except ObjectMissing:
        return "missing", "not in the store"
    except (StorageError, OSError) as exc:  # OSError: a local copy that cannot be read
        return "unreadable", store_problem(exc)
    if stored is not None and stored != sha:
        return "checksum", f"store has sha256 {stored[:12]}…, recorded {sha[:12]}…"
    if damage:
        return "damaged", f"as recorded, but it does not open: {damage}"
    return None


def stored_original(archive: Archive, sha256: str) -> tuple[str, tuple[str, str] | None] | None:
    """The key of the original recorded for this sha256 and what is wrong with the stored
    object (problem kind, detail), or None when no document records it."""
    with archive.session() as session:
        doc = repository.find_by_sha256(session, sha256)
        if doc is None:
            return None
        key, size = doc.original_key, doc.size_bytes
    return key, check_object(archive.store, key, sha256, size)


def original_problem(archive: Archive, sha256: str) -> str | None:
    """Why the stored original of the document with this sha256 cannot be trusted (missing,
    damaged, unreadable, not recorded), or None when the store holds it byte for byte."""
    stored = stored_original(archive, sha256)
    if stored is None:
        return "no document records it"
    found = stored[1]
    return f"{found[0]}: {found[1]}" if found else None


def _check_schema(engine: Engine, url: str) -> None:
    """A database opened read-only cannot be upgraded: it must be at the current schema."""
    revision = db.current_revision(engine)
    if revision is None:
        raise NotFound(f"no archive in the database {safe_url(url)} (it holds no digitize tables)",
                       advice="check --home (DIGITIZE_HOME) or --db")
    if revision != db.HEAD_REVISION:
        raise DatabaseError(f"the database {safe_url(url)} is read-only and its schema is at revision "
                            f"{revision}, not {db.HEAD_REVISION}",
                            advice="run `digitize db upgrade` once where it can be written")


__all__ = ["Archive", "check_object", "current_actor", "database_error", "filter_key", "filter_keys",
           "original_problem", "store_problem", "stored_original"]
