"""The archive a command works on: settings, database and object store, opened lazily."""

from __future__ import annotations

import getpass
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from .. import db
from ..config import Settings
from ..db import repository
from ..errors import ConfigError, DatabaseError
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

    @cached_property
    def engine(self) -> Engine:
        url = self.settings.effective_db_url
        try:
            engine = db.make_engine(url)
            db.ensure_schema(engine)
        except OperationalError as exc:
            raise DatabaseError(f"cannot open the database {_safe(url)}: {exc.orig}",
                                advice="check DIGITIZE_DB_URL and that the server is running") from exc
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
        try:
            return open_store(self.settings.effective_storage_url)
        except ValueError as exc:
            raise ConfigError(str(exc)) from exc

    def close(self) -> None:
        if "engine" in self.__dict__:
            self.engine.dispose()


def _hash_object(store: ObjectStore, key: str, tmp: Path) -> str:
    from ..ocr.sources import sha256_of

    dest = store.get(key, tmp / "object")
    try:
        return sha256_of(dest)
    finally:
        dest.unlink(missing_ok=True)


def check_object(store: ObjectStore, key: str, sha: str | None, size: int | None, *, deep: bool = False,
                 tmp: Path | None = None) -> tuple[str, str] | None:
    """(problem kind, detail) for one object, or None if it is as recorded; `deep` downloads
    it into `tmp` and hashes it instead of asking the store for its checksum."""
    try:
        info = store.info(key)
        if size is not None and info.size != size:
            return "size", f"{info.size} bytes in the store, {size} recorded"
        if sha is None:
            return None
        stored = _hash_object(store, key, tmp or Path(".")) if deep else (info.sha256 or store.checksum(key))
    except ObjectMissing:
        return "missing", "not in the store"
    except StorageError as exc:
        return "unreadable", str(exc)
    if stored is not None and stored != sha:
        return "checksum", f"store has sha256 {stored[:12]}…, recorded {sha[:12]}…"
    return None


def original_problem(archive: Archive, sha256: str) -> str | None:
    """Why the stored original of the document with this sha256 cannot be trusted (missing,
    damaged, unreadable, not recorded), or None when the store holds it byte for byte."""
    with archive.session() as session:
        doc = repository.find_by_sha256(session, sha256)
        if doc is None:
            return "no document records it"
        key, size = doc.original_key, doc.size_bytes
    found = check_object(archive.store, key, sha256, size)
    return f"{found[0]}: {found[1]}" if found else None


def _safe(url: str) -> str:
    """A database URL without its password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':')[0]}:***@{host}"
    return url
