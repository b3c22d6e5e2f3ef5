"""The archive a command works on: settings, database and object store, opened lazily."""

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
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from .. import db
from ..config import Settings, make_home
from ..db import repository
from ..db.models import Document
from ..errors import ArchiveError, ConfigError, DatabaseError
from ..storage import ObjectMissing, ObjectStore, StorageError, open_store

log = logging.getLogger(__name__)


def current_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class Archive:
    """Database + object store for one command; nothing is opened until first used."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

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
        url = self.ensure_home_for_db()
        try:
            engine = db.make_engine(url)
            db.ensure_schema(engine)
        except OperationalError as exc:
            advice = ("check DIGITIZE_DB_URL and that its folder can be written (a read-only home?)"
                      if url.startswith("sqlite") else "check DIGITIZE_DB_URL and that the server is running")
            raise DatabaseError(f"cannot open the database {_safe(url)}: {exc.orig}", advice=advice) from exc
        except ModuleNotFoundError as exc:
            raise ConfigError(f"database driver missing for {_safe(url)}: {exc}",
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
                raise DatabaseError(f"database error: {exc}") from exc
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
                raise DatabaseError(
                    f"the database {_safe(self.settings.effective_db_url)} cannot be written: "
                    f"{getattr(exc, 'orig', None) or exc}",
                    advice="check that it is not read-only or locked by another program and that "
                    "the server is running, then run the same command again") from exc
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
            raise ArchiveError(f"the object store {store.url} cannot be written: {exc}",
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
    from ..ocr import integrity
    from ..ocr.sources import sha256_of

    dest = store.get(key, tmp / "object")
    try:
        return sha256_of(dest), integrity.unreadable(dest) if pdf else None
    finally:
        dest.unlink(missing_ok=True)


def check_object(store: ObjectStore, key: str, sha: str | None, size: int | None, *, deep: bool = False,
                 tmp: Path | None = None, pdf: bool = False) -> tuple[str, str] | None:
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
    except StorageError as exc:
        return "unreadable", str(exc)
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


def _safe(url: str) -> str:
    """A database URL without its password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':')[0]}:***@{host}"
    return url
